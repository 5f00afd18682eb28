// Layer transport/ (one upstream call: pools, deadlines, retries, whole responses, SSE parsing).
// May import providers/, stores/ and the base files; see docs/architecture.md.
//
// One upstream call's bookkeeping (transport.ts): its deadline, the caller's signal and the
// abort of the exchange, in one object per call.

import type { ProviderCallOptions } from '../provider.ts'
import type { Deadline, DeadlineQueue } from './deadlines.ts'
import { rethrowLater } from './deadlines.ts'

/** The exchange's abort listener on a call (one per request). */
type AbortListener = () => void

/**
 * The bookkeeping of one upstream call: its deadline, the caller's signal and the abort of the
 * exchange. It is also the exchange's signal, for undici's `request()` (streams) and for
 * `requestWhole` (complete calls): an EventEmitter-shaped signal (`aborted`, `reason`,
 * `on`/`once`/`removeListener` of 'abort'), which costs two fields where an AbortController's
 * EventTarget costs half a microsecond per listener added and removed. It is its own listener
 * on the caller's signal (`handleEvent`) and its own deadline (`expire`), so a call allocates
 * nothing beyond itself.
 */
export class UpstreamCall implements Deadline {
  readonly label: string
  readonly callerSignal: AbortSignal | undefined
  readonly deadlines: DeadlineQueue
  deadline = 0
  earlier: Deadline | undefined = undefined
  later: Deadline | undefined = undefined
  queued = false
  timedOut = false
  /** The consumer holds an event: upstream silence is not being measured. */
  paused = false
  /** The exchange was stopped (timeout, caller, shutdown, early exit). Read by undici. */
  aborted = false
  /** Read by undici's `request()`, which then fails the exchange with its own RequestAbortedError. */
  readonly reason: undefined = undefined
  private listener: AbortListener | undefined = undefined
  private moreListeners: AbortListener[] | undefined = undefined

  constructor (label: string, options: ProviderCallOptions, deadlines: DeadlineQueue) {
    this.label = label
    this.callerSignal = options.signal
    this.deadlines = deadlines
    deadlines.arm(this)
    if (options.signal !== undefined) options.signal.addEventListener('abort', this)
  }

  /** The caller's signal fired. */
  handleEvent (): void {
    this.abort()
  }

  /** The deadline passed. While paused it is simply spent; resuming re-arms it. */
  expire (): void {
    if (this.paused) return
    this.timedOut = true
    this.abort()
  }

  /** Upstream spoke: restart the silence window. */
  touch (): void {
    this.deadlines.arm(this)
  }

  /** Stop the exchange (undici destroys its body); once. */
  abort (): void {
    if (this.aborted) return
    this.aborted = true
    const listener = this.listener
    const more = this.moreListeners
    this.listener = undefined
    this.moreListeners = undefined
    if (listener !== undefined) callListener(listener)
    if (more !== undefined) for (const each of more) callListener(each)
  }

  // The EventEmitter side the exchange uses: it only ever listens to 'abort'.
  on (_event: 'abort', listener: AbortListener): this {
    if (this.listener === undefined) this.listener = listener
    else (this.moreListeners ??= []).push(listener)
    return this
  }

  once (event: 'abort', listener: AbortListener): this {
    return this.on(event, listener)
  }

  removeListener (_event: 'abort', listener: AbortListener): this {
    if (this.listener === listener) this.listener = undefined
    else if (this.moreListeners !== undefined) this.moreListeners = this.moreListeners.filter(function other (each) { return each !== listener })
    return this
  }

  finish (): void {
    this.deadlines.disarm(this)
    if (this.callerSignal !== undefined) this.callerSignal.removeEventListener('abort', this)
  }
}

/** An abort listener that throws does not stop the others (as with an AbortSignal): its error surfaces on its own. */
function callListener (listener: AbortListener): void {
  try {
    listener()
  } catch (error) {
    rethrowLater(error)
  }
}
