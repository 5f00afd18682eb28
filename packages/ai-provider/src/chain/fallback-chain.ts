// Layer chain/ (choosing a model: fallback chain and policy, model state, rate limits). May import
// transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// The fallback chain (SPEC §3): walk the candidates in order, skipping models that cool down
// or have no rate unit left, retrying transient failures, cooling failing models down, and
// giving up with AI_NO_MODELS_AVAILABLE (every attempt attached) when none is left.

import type { AiStore, ConsumeResult } from '../store.ts'
import type { AiCapability, Clock, Logger } from '../types.ts'
import type { NormalizedModel } from '../options.ts'
import type { AiObservers, ObservedAttempt, ObservedRequest } from '../observer.ts'
import type { RequestSpend } from '../accounting/spend.ts'
import { codeOf } from '../observer.ts'
import { AiAbortedError, AiNoModelsAvailableError } from '../errors.ts'
import { coolDown, parseCoolDown } from './model-state.ts'
import { takeRateUnit, takeRateUnitUnlessCooling } from './rate-limit.ts'
import { coolDownWindow, policyFor } from './fallback-policy.ts'
import { sleep } from '../clock.ts'
import { missingCapability } from '../conversation/capabilities.ts'

/** What the chain needs around it. */
export interface ChainContext {
  store: AiStore
  clock: Clock
  logger: Logger
  /** The Ai instance's observers: told of every attempt, fallback and cool-down. */
  observers: AiObservers
}

/** One model the chain tried or skipped, and why it did not answer. */
export interface ChainAttempt {
  /** `provider:model`. */
  model: string
  /** The AI_* code of the failure. */
  code: string
}

/**
 * Calls one model; rejects with an AI_* error. `attempt` is the call as observers see it (its
 * `upstreamHeaders` go with the call), when the request is observed.
 */
export type ModelCall<T> = (model: NormalizedModel, signal: AbortSignal | undefined, attempt: ObservedAttempt | undefined) => Promise<T>

interface FailedCall {
  code?: unknown
  message?: unknown
  retryAfterMs?: unknown
}

/**
 * Steps 1 and 2 of SPEC §3 for one model: the cool-down that skips it (and how long it has
 * left), or the rate unit taken (or refused).
 */
type Admission = { readyInMs: number, unit?: undefined } | { readyInMs?: undefined, unit: ConsumeResult }

/** Skip the model while it cools down, else take a unit of its rate limit: one store step. */
async function admit (context: ChainContext, model: NormalizedModel): Promise<Admission> {
  const result = await takeRateUnitUnlessCooling(context.store, model)
  if (result.guard === undefined) return { unit: result.unit }
  // A state is compared with the clock (it may outlive its `until` by a moment in the store).
  const state = parseCoolDown(result.guard)
  const now = context.clock.now()
  if (state.until > now) return { readyInMs: state.until - now }
  return { unit: await takeRateUnit(context.store, model) }
}

/**
 * Apply the policy of a failed call to the model: cool it down when the policy says so and log.
 * Returns milliseconds until the model is ready again (0 when it stays ready).
 */
export async function recordFailure (context: ChainContext, model: NormalizedModel, error: FailedCall): Promise<number> {
  const policy = policyFor(error.code)
  // A model that cannot serve the conversation did not fail: nothing to log or cool down.
  if (policy === undefined || error.code === 'AI_MODEL_UNSUPPORTED') return 0
  const window = coolDownWindow(policy, model, error)
  const log = { model: model.name, code: error.code, coolDownMs: window, message: error.message }
  if (policy.alert) context.logger.error(log, 'provider rejected the credentials: check its apiKey')
  else context.logger.warn(log, 'model failed')
  if (window > 0) {
    context.observers.modelCoolDown(model, String(error.code), window)
    await coolDown(context.store, context.clock, model.name, window, String(error.code))
  }
  return window
}

function isAbort (error: FailedCall, signal: AbortSignal | undefined): boolean {
  return error.code === 'AI_ABORTED' || signal?.aborted === true
}

async function callWithRetries<T> (context: ChainContext, model: NormalizedModel, call: ModelCall<T>, signal: AbortSignal | undefined, observed: ObservedRequest | undefined): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    // Each call is an attempt its observers see (written out: no extra async frame per call).
    const seen = observed === undefined ? undefined : context.observers.attemptStart(observed, model, attempt)
    try {
      const value = await call(model, signal, seen)
      if (seen !== undefined) context.observers.attemptEnd(seen, 'OK')
      return value
    } catch (error) {
      if (seen !== undefined) context.observers.attemptEnd(seen, codeOf(error))
      const failure = error as FailedCall
      if (isAbort(failure, signal)) throw error
      const policy = policyFor(failure.code)
      if (policy === undefined || !policy.retry || attempt >= model.limits.retry.max) throw error
      await sleep(model.limits.retry.interval, signal)
    }
  }
}

/** The candidates that did not answer, and when each is ready again. */
interface Misses {
  attempts: ChainAttempt[]
  readyInMs: number[]
}

/** Record a candidate that did not answer; the record is made on the first (not on the common path). */
function addMiss (misses: Misses | undefined, model: string, code: string, readyInMs: number): Misses {
  const result = misses ?? { attempts: [], readyInMs: [] }
  result.attempts.push({ model, code })
  result.readyInMs.push(readyInMs)
  return result
}

function noModelsError (attempts: ChainAttempt[], readyInMs: number[], lastError: unknown): Error {
  const retryAfter = Math.max(1, Math.ceil(Math.min(...readyInMs) / 1000))
  const summary = attempts.map(function describeAttempt (attempt) { return `${attempt.model} (${attempt.code})` }).join(', ')
  const error = new AiNoModelsAvailableError(summary)
  if (lastError !== undefined) error.cause = lastError
  return Object.assign(error, { details: { attempts, retryAfterSeconds: retryAfter }, retryAfter })
}

/**
 * Walk `candidates` in order and resolve with the first model whose call succeeded. Each
 * candidate's state is read when the chain reaches it, in the same store step as taking its
 * rate unit (`admit`), so a request served by its first model reads one state, not every
 * candidate's.
 * Caller abort stops at once with AI_ABORTED; store failures and unknown errors propagate as
 * they are. With `observed`, its observers see each attempt and fallback, and the model chosen.
 * With `spend`, a model with a token window (`limits.tokens`) is tried only when the request's
 * estimate fits in it (skipped as AI_MODEL_TOKEN_LIMITED otherwise, no cool-down), and gets its
 * reservation back when it does not answer; the model that answers keeps it, for its caller to
 * settle.
 * With `needs`, a model lacking one of these capabilities is skipped (AI_MODEL_UNSUPPORTED, no
 * store step, no cool-down).
 */
export async function walkChain<T> (
  context: ChainContext,
  candidates: readonly NormalizedModel[],
  call: ModelCall<T>,
  signal?: AbortSignal,
  observed?: ObservedRequest,
  spend?: RequestSpend,
  needs?: readonly AiCapability[]
): Promise<{ model: NormalizedModel, value: T }> {
  let misses: Misses | undefined
  let lastError: unknown
  for (let index = 0; index < candidates.length; index++) {
    if (signal?.aborted) throw new AiAbortedError()
    const model = candidates[index]
    if (needs !== undefined && needs.length > 0 && missingCapability(model.capabilities, needs) !== undefined) {
      // Not a failure of the model: it is never asked. Ready at once for another request.
      misses = addMiss(misses, model.name, 'AI_MODEL_UNSUPPORTED', 0)
      if (observed !== undefined) context.observers.missed(observed, model, 'AI_MODEL_UNSUPPORTED', candidates[index + 1])
      continue
    }
    const { readyInMs, unit } = await admit(context, model)
    if (unit === undefined) {
      misses = addMiss(misses, model.name, 'AI_MODEL_COOLING_DOWN', readyInMs)
      if (observed !== undefined) context.observers.missed(observed, model, 'AI_MODEL_COOLING_DOWN', candidates[index + 1])
      continue
    }
    if (!unit.allowed) {
      // Our own window restores the model by itself: no cool-down.
      misses = addMiss(misses, model.name, 'AI_MODEL_RATE_LIMITED', unit.resetInMs)
      if (observed !== undefined) context.observers.missed(observed, model, 'AI_MODEL_RATE_LIMITED', candidates[index + 1])
      continue
    }
    if (spend !== undefined && model.limits.tokens !== undefined) {
      // Like the rate unit: our own window restores the model by itself, no cool-down.
      const tokensInMs = await spend.reserveModel(model)
      if (tokensInMs !== undefined) {
        misses = addMiss(misses, model.name, 'AI_MODEL_TOKEN_LIMITED', tokensInMs)
        if (observed !== undefined) context.observers.missed(observed, model, 'AI_MODEL_TOKEN_LIMITED', candidates[index + 1])
        continue
      }
    }
    try {
      const value = await callWithRetries(context, model, call, signal, observed)
      if (observed !== undefined) observed.model = model
      return { model, value }
    } catch (error) {
      const failure = error as FailedCall
      if (isAbort(failure, signal)) throw failure.code === 'AI_ABORTED' ? error : new AiAbortedError({ cause: error })
      if (policyFor(failure.code) === undefined) throw error
      lastError = error
      // Its reservation goes back in the same round trip as its cool-down.
      const [readyInMs] = await Promise.all([recordFailure(context, model, failure), spend?.releaseModel(model)])
      misses = addMiss(misses, model.name, String(failure.code), readyInMs)
      if (observed !== undefined) context.observers.missed(observed, model, String(failure.code), candidates[index + 1])
    }
  }
  throw noModelsError(misses?.attempts ?? [], misses?.readyInMs ?? [], lastError)
}
