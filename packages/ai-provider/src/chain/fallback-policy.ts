// Layer chain/ (choosing a model: fallback chain and policy, model state, rate limits). May import
// transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// What a failed call means for the chain, decided from the error CODE only, in one table.

import type { NormalizedModel, NormalizedRestore } from '../options.ts'

/** How the chain treats one kind of failure. */
export interface FailurePolicy {
  /** Which restore window cools the model down; null: the model stays ready (the request was at fault). */
  coolDown: keyof NormalizedRestore | null
  /** Whether the same model is tried again, `retry.max` times, `retry.interval` apart. */
  retry: boolean
  /** Log at error level: an operator must act (e.g. a wrong API key). */
  alert: boolean
}

const POLICIES: Readonly<Record<string, FailurePolicy>> = Object.freeze({
  AI_PROVIDER_TIMEOUT: { coolDown: 'timeout', retry: false, alert: false },
  AI_PROVIDER_NETWORK_ERROR: { coolDown: 'providerCommunicationError', retry: true, alert: false },
  AI_PROVIDER_RESPONSE_ERROR: { coolDown: 'providerCommunicationError', retry: true, alert: false },
  AI_PROVIDER_MALFORMED_RESPONSE: { coolDown: 'providerCommunicationError', retry: false, alert: false },
  AI_PROVIDER_EMPTY_RESPONSE: { coolDown: 'providerCommunicationError', retry: false, alert: false },
  AI_PROVIDER_STREAM_ERROR: { coolDown: 'providerCommunicationError', retry: false, alert: false },
  AI_PROVIDER_EXCEEDED: { coolDown: 'providerExceededError', retry: true, alert: false },
  AI_PROVIDER_AUTH_ERROR: { coolDown: 'providerCommunicationError', retry: false, alert: true },
  AI_PROVIDER_REQUEST_REJECTED: { coolDown: null, retry: false, alert: false },
  // The conversation (its history) needs what the model lacks: the next model, no cool-down.
  AI_MODEL_UNSUPPORTED: { coolDown: null, retry: false, alert: false }
})

/** The policy of an error code; undefined for codes that must not move the chain (abort, storage, bugs). */
export function policyFor (code: unknown): FailurePolicy | undefined {
  return typeof code === 'string' ? POLICIES[code] : undefined
}

/** Milliseconds to cool `model` down after `error` under `policy` (0: no cool-down). */
export function coolDownWindow (policy: FailurePolicy, model: NormalizedModel, error: { retryAfterMs?: unknown }): number {
  if (policy.coolDown === null) return 0
  const window = model.restore[policy.coolDown]
  // A provider's Retry-After wins when it asks for a longer pause than ours.
  const retryAfter = typeof error.retryAfterMs === 'number' ? error.retryAfterMs : 0
  return Math.max(window, retryAfter)
}
