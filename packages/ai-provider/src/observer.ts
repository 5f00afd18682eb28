// What the core did, as plain events carrying the numbers (SPEC §12), with no metrics or tracing
// library: metrics, spans, request logs and usage accounting subscribe with `ai.observe()`.
// Observers belong to one Ai instance (a process may run several: tests, embedders), unlike
// diagnostics_channel's global channels. With no observer nothing is built: every publish site
// costs one check (`active`, or an `ObservedRequest` that is undefined).

import { AsyncLocalStorage } from 'node:async_hooks'
import type { AiRequest, AiResult, AiUsage, Logger } from './types.ts'
import type { NormalizedModel } from './options.ts'

/** How a gateway request is answered: `ai.request()` (whole), `ai.stream()` (new turn or resume) or `ai.embed()` (vectors). */
export type ObservedOperation = 'request' | 'stream' | 'embed'

/** One model of the chain that did not answer, and why. */
export interface ObservedMiss {
  /** The configured `provider:model`. */
  model: string
  /** The AI_* code: a failure, or why it was skipped (`AI_MODEL_COOLING_DOWN`, `AI_MODEL_RATE_LIMITED`). */
  code: string
}

/**
 * One gateway request, from `ai.request()` / `ai.stream()` to its end: the same object in every
 * event about it, filled in as it goes. Times are `performance.now()` milliseconds. An observer
 * may keep its own state on it (and on an ObservedAttempt) under a Symbol of its own, as
 * diagnostics_channel subscribers do on their context objects.
 */
export interface ObservedRequest {
  readonly operation: ObservedOperation
  /** The request as the caller passed it (the same object). Its prompt is content: never a label, never logged. */
  readonly request: AiRequest
  /** The models the chain may try, in order. */
  readonly candidates: readonly NormalizedModel[]
  readonly startedAt: number
  /** The models that did not answer, in order, with why (skipped ones included). */
  misses: readonly ObservedMiss[]
  /** The model that answered (for a stream: the one generating), once the chain found it. */
  model?: NormalizedModel
  /** A stream: when its model's first event arrived (where the chain ends). */
  firstTokenAt?: number
  /** A stream: when its generation went on without its client. */
  detachedAt?: number
  /** A stream request that followed (or replayed) an answer already generated instead of asking a model. */
  resumed: boolean
  /** The session, once known. */
  sessionId?: string
  /** How the answer ended, when one did. */
  result?: AiResult
  /** Tokens of the answer, as its provider reported them. */
  usage?: AiUsage
  /** The answer's text, once answered. Content: an observer records it only when told to. */
  text?: string
  /** The AI_* code of the failure, when it failed (`AI_INTERNAL_ERROR` for an error without one). */
  code?: string
  /**
   * Set by an observer (in `requestStart`) that wants every store call made for this request,
   * with the request and its start (`storeCall`'s `request` and `startedAt`): child spans.
   */
  traceStore?: boolean
  /** When it ended; set once, just before `requestEnd`. For a stream: its last event, the client gone or not. */
  endedAt?: number
}

/** One call to a model's provider: the chain's attempt, or a retry of it. */
export interface ObservedAttempt {
  readonly request: ObservedRequest
  readonly model: NormalizedModel
  /** 0 for the first call to this model in this request, then 1, 2… for its retries. */
  readonly retry: number
  readonly startedAt: number
  /** `'OK'` or the AI_* code, set at the end. A stream's attempt ends with its first event. */
  code?: string
  /**
   * Set by an observer (in `attemptStart`) to send headers with this call to the provider: the
   * W3C trace context of its span, when tracing propagates upstream.
   */
  upstreamHeaders?: Record<string, string>
  endedAt?: number
}

/** The chain moved on from a model that did not answer to the next one. */
export interface ObservedFallback {
  readonly request: ObservedRequest
  readonly from: NormalizedModel
  readonly to: NormalizedModel
  /** Why `from` did not answer: its AI_* code. */
  readonly reason: string
}

/** A model starts cooling down (the chain skips it, on every instance sharing the store). */
export interface ObservedCoolDown {
  readonly model: NormalizedModel
  /** The AI_* code of the failure that caused it. */
  readonly reason: string
  readonly windowMs: number
}

/**
 * One call to the store: every failed one, and a sample of the others for their latency (one call
 * in STORE_SAMPLE of each operation: timing every call would cost more than the rest of this).
 */
export interface ObservedStoreCall {
  /** The AiStore method: `get`, `consume`, `appendEvents`… */
  readonly operation: string
  /** How long it took, when this call was timed. */
  readonly durationMs?: number
  /** Set when it failed: the error's AI_* code, or `AI_INTERNAL_ERROR`. */
  readonly code?: string
  /** The request it was made for, when that request asked for its store calls (`traceStore`). */
  readonly request?: ObservedRequest
  /** When it started (`performance.now()`), with `request`. */
  readonly startedAt?: number
}

/** One store call in this many, of each operation, is timed. */
export const STORE_SAMPLE = 8

/**
 * A subscriber of one Ai instance's events; every method is optional. Methods are called
 * synchronously where the event happens: keep them short, never await in them. An observer that
 * throws is logged and the request goes on.
 */
export interface AiObserver {
  /** A gateway request starts (after its arguments are checked). */
  requestStart? (request: ObservedRequest): void
  /** It ended, answered or not; for a stream, with its generation. Once per request. */
  requestEnd? (request: ObservedRequest): void
  /** A call to a provider starts. */
  attemptStart? (attempt: ObservedAttempt): void
  /** It ended (`code`). */
  attemptEnd? (attempt: ObservedAttempt): void
  /** The chain falls back from one model to the next. */
  fallback? (fallback: ObservedFallback): void
  /** A stream's first event came from its model (`firstTokenAt`). */
  firstToken? (request: ObservedRequest): void
  /** A stream's client went away while its answer is generated (`detachedAt`). */
  detached? (request: ObservedRequest): void
  /** A model starts cooling down. */
  modelCoolDown? (coolDown: ObservedCoolDown): void
  /** A store call failed, or a sampled one ended. */
  storeCall? (call: ObservedStoreCall): void
}

/** The code an event reports for an error. */
export function codeOf (error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code
  return typeof code === 'string' && code.startsWith('AI_') ? code : 'AI_INTERNAL_ERROR'
}

type EventName = keyof AiObserver

/** The misses of a request the chain answered at once (most requests): shared, never written. */
const NO_MISSES: readonly ObservedMiss[] = Object.freeze([])

/** The observers of one Ai instance, and the publish side the core calls. */
export class AiObservers {
  /** True while an observer is subscribed: nothing is built otherwise. */
  active = false
  /** True while an observer wants store calls (each is timed then). */
  storeObserved = false
  readonly #logger: Logger
  #observers: AiObserver[] = []
  /** The observed request whose work is running, for its store calls (`traceStore`). */
  readonly #current = new AsyncLocalStorage<ObservedRequest>()

  constructor (logger: Logger) {
    this.#logger = logger
  }

  /** Subscribe; returns the function that unsubscribes. */
  add (observer: AiObserver): () => void {
    this.#observers = [...this.#observers, observer]
    this.#update()
    return () => {
      this.#observers = this.#observers.filter(function other (each) { return each !== observer })
      this.#update()
    }
  }

  /** A gateway request starts: its record, or undefined when nobody observes (nothing is published about it then). */
  begin (operation: ObservedOperation, request: AiRequest, candidates: readonly NormalizedModel[]): ObservedRequest | undefined {
    if (!this.active) return undefined
    const observed: ObservedRequest = { operation, request, candidates, startedAt: performance.now(), misses: NO_MISSES, resumed: false }
    this.#publish('requestStart', observed)
    return observed
  }

  /** Run `work` as `observed`'s: the store calls it makes, at once or later (a stream's generation), are its. */
  within<T> (observed: ObservedRequest, work: () => T): T {
    return this.#current.run(observed, work)
  }

  /** The observed request the running code works for, if any. */
  current (): ObservedRequest | undefined {
    return this.#current.getStore()
  }

  /** Answered: `model` gave `text` ending with `result` (and `usage`) for `sessionId`. */
  answered (observed: ObservedRequest | undefined, sessionId: string | undefined, result: AiResult, usage: AiUsage | undefined, text: string): void {
    if (observed === undefined || observed.endedAt !== undefined) return
    if (sessionId !== undefined) observed.sessionId = sessionId
    observed.result = result
    observed.text = text
    if (usage !== undefined) observed.usage = usage
    this.#end(observed)
  }

  /** Failed with `error` (its code), before or during the answer. */
  failed (observed: ObservedRequest | undefined, error: unknown): void {
    if (observed === undefined || observed.endedAt !== undefined) return
    observed.code = codeOf(error)
    this.#end(observed)
  }

  /** A stream request attached to the answer of `sessionId` already generated or being generated. */
  resumed (observed: ObservedRequest | undefined, sessionId: string): void {
    if (observed === undefined || observed.endedAt !== undefined) return
    observed.resumed = true
    observed.sessionId = sessionId
    this.#end(observed)
  }

  /** A stream's first event came from `observed.model`. */
  firstToken (observed: ObservedRequest | undefined): void {
    if (observed === undefined) return
    observed.firstTokenAt = performance.now()
    this.#publish('firstToken', observed)
  }

  /** A stream's generation goes on without its client. */
  detached (observed: ObservedRequest | undefined): void {
    if (observed === undefined || observed.detachedAt !== undefined || observed.endedAt !== undefined) return
    observed.detachedAt = performance.now()
    this.#publish('detached', observed)
  }

  attemptStart (observed: ObservedRequest, model: NormalizedModel, retry: number): ObservedAttempt {
    const attempt: ObservedAttempt = { request: observed, model, retry, startedAt: performance.now() }
    this.#publish('attemptStart', attempt)
    return attempt
  }

  attemptEnd (attempt: ObservedAttempt, code: string): void {
    attempt.code = code
    attempt.endedAt = performance.now()
    this.#publish('attemptEnd', attempt)
  }

  /** `from` did not answer (`reason`); the chain tries `to` (undefined: none left, only the miss is kept). */
  missed (observed: ObservedRequest, from: NormalizedModel, reason: string, to: NormalizedModel | undefined): void {
    observed.misses = [...observed.misses, { model: from.name, code: reason }]
    if (to !== undefined) this.#publish('fallback', { request: observed, from, to, reason })
  }

  modelCoolDown (model: NormalizedModel, reason: string, windowMs: number): void {
    if (this.active) this.#publish('modelCoolDown', { model, reason, windowMs })
  }

  /**
   * A store call ended: timed from `startedAt` when it is given, failed with `error` when given,
   * made for `request` when that request traces its store calls.
   */
  storeCall (operation: string, startedAt: number | undefined, error?: unknown, request?: ObservedRequest): void {
    const call: { -readonly [K in keyof ObservedStoreCall]: ObservedStoreCall[K] } = { operation }
    if (startedAt !== undefined) call.durationMs = performance.now() - startedAt
    if (error !== undefined) call.code = codeOf(error)
    if (request !== undefined) {
      call.request = request
      call.startedAt = startedAt
    }
    this.#publish('storeCall', call)
  }

  #end (observed: ObservedRequest): void {
    observed.endedAt = performance.now()
    this.#publish('requestEnd', observed)
  }

  #update (): void {
    this.active = this.#observers.length > 0
    this.storeObserved = this.#observers.some(function wantsStore (each) { return each.storeCall !== undefined })
  }

  #publish (name: EventName, event: unknown): void {
    for (const observer of this.#observers) {
      const method = observer[name] as ((event: unknown) => void) | undefined
      if (method === undefined) continue
      try {
        method.call(observer, event)
      } catch (error) {
        this.#logger.error({ err: error, event: name }, 'an AI Warp observer failed')
      }
    }
  }
}
