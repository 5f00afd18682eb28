// Layer transport/ (one upstream call: pools, deadlines, retries, whole responses, SSE parsing).
// May import providers/, stores/ and the base files; see docs/architecture.md.
//
// A response read whole, through undici's dispatch API: the answer of a complete call. Where
// `dispatcher.request()` builds a stream for every body (a Readable, its state, and a tick per
// chunk through it), a complete call only ever wants the whole text, so its chunks are kept as
// they arrive and decoded once at the end. Streams keep `request()` (transport.ts): they want
// backpressure and one chunk at a time.

import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'
import { util } from 'undici'

/** The EventEmitter-shaped abort signal undici also takes (transport.ts's UpstreamCall). */
export interface AbortSource {
  /** True once it fired. */
  readonly aborted: boolean
  /** Call `listener` when it fires. */
  on (event: 'abort', listener: () => void): unknown
  /** Stop calling `listener`. */
  removeListener (event: 'abort', listener: () => void): unknown
}

/** A final (non-1xx) response with its body. */
export interface WholeResponse {
  /** The final status (1xx answers before it are skipped). */
  statusCode: number
  /** The final answer's headers, lower-cased names. */
  headers: IncomingHttpHeaders
  /** The body decoded as UTF-8; for a non-2xx answer, at most its first `maxErrorBytes` bytes. */
  text: string
}

/**
 * Why an exchange stopped when its signal fired. Internal: the transport always turns it into
 * the AI_* error that says why (the call's flags tell a timeout, the caller's abort, shutdown).
 */
export class ResponseAbortedError extends Error {
  constructor () {
    super('request aborted')
    this.name = 'ResponseAbortedError'
  }
}

/** A 2xx answer over the size the transport accepts: internal, turned into AI_PROVIDER_MALFORMED_RESPONSE. */
export class AnswerTooLargeError extends Error {
  constructor (maxBytes: number) {
    super(`the answer is larger than ${maxBytes} bytes`)
    this.name = 'AnswerTooLargeError'
  }
}

/** Most bytes of a 2xx answer kept in memory: an upstream that sends more is refused, not buffered. */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024

/**
 * Sends `options` and reads the answer whole. The signal aborts the exchange at any point,
 * even while it waits for a connection in the pool; an error answer is read up to
 * `maxErrorBytes` and the rest of it is not waited for (the exchange is aborted, as leaving a
 * body half read must).
 */
export function requestWhole (dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: AbortSource, maxErrorBytes: number): Promise<WholeResponse> {
  return new Promise(function exchange (resolve, reject) {
    if (signal.aborted) {
      reject(new ResponseAbortedError())
      return
    }
    const handler = new WholeResponseHandler(signal, maxErrorBytes, resolve, reject)
    signal.on('abort', handler.onAbort)
    try {
      dispatcher.dispatch(options, handler)
    } catch (error) {
      handler.fail(error as Error)
    }
  })
}

/**
 * One exchange's state, as undici's handler. Dispatchers adapt a handler of the current API
 * (`onRequestStart` … `onResponseError`) to the one their core speaks; undici's MockPool and
 * MockClient do not and call the older methods (`onConnect` … `onError`) directly
 * (`buildMockDispatch` in undici 7's lib/mock/mock-utils.js), so a mock given as a provider's
 * dispatcher is served by those, which take the same steps.
 */
class WholeResponseHandler implements Dispatcher.DispatchHandler {
  private readonly signal: AbortSource
  private readonly maxErrorBytes: number
  private readonly resolve: (response: WholeResponse) => void
  private readonly reject: (error: Error) => void
  private controller: Dispatcher.DispatchController | undefined = undefined
  private abortOlderApi: ((reason: Error) => void) | undefined = undefined
  private settled = false
  private statusCode = 0
  private headers: IncomingHttpHeaders = {}
  private chunks: Buffer[] = []
  private size = 0
  /** Bound once: it is the listener added to and removed from the signal. */
  readonly onAbort: () => void

  constructor (signal: AbortSource, maxErrorBytes: number, resolve: (response: WholeResponse) => void, reject: (error: Error) => void) {
    this.signal = signal
    this.maxErrorBytes = maxErrorBytes
    this.resolve = resolve
    this.reject = reject
    this.onAbort = this.abort.bind(this)
  }

  onRequestStart (controller: Dispatcher.DispatchController): void {
    this.controller = controller
    // Aborted while it waited for a connection.
    if (this.settled) this.stopExchange()
  }

  onResponseStart (_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.start(statusCode, headers)
  }

  onResponseData (_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.take(chunk)) this.stopExchange()
  }

  onResponseEnd (): void {
    this.succeed()
  }

  onResponseError (_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error)
  }

  // The older API, for undici's mock dispatchers (see above).

  onConnect (abort: (reason?: Error) => void): void {
    this.abortOlderApi = abort
    if (this.settled) this.stopExchange()
  }

  onHeaders (statusCode: number, rawHeaders: Buffer[]): boolean {
    this.start(statusCode, util.parseHeaders(rawHeaders) as IncomingHttpHeaders)
    return true
  }

  onData (chunk: Buffer): boolean {
    if (this.take(chunk)) return true
    this.stopExchange()
    return false
  }

  onComplete (): void {
    this.succeed()
  }

  onError (error: Error): void {
    this.fail(error)
  }

  /** The signal fired: stop the exchange, which fails with ResponseAbortedError. */
  private abort (): void {
    if (this.settled) return
    this.fail(new ResponseAbortedError())
    // Before the request started, onRequestStart (onConnect) stops it.
    this.stopExchange()
  }

  fail (error: Error): void {
    if (this.settled) return
    this.finish()
    this.reject(error)
  }

  private start (statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx informational answers come before the final one.
    if (statusCode < 200) return
    this.statusCode = statusCode
    this.headers = headers
  }

  /** Keep a body chunk; false once no more is wanted (answered, failed, or enough of an error). */
  private take (chunk: Buffer): boolean {
    if (this.settled) return false
    this.chunks.push(chunk)
    this.size += chunk.length
    if (this.statusCode > 299 && this.size >= this.maxErrorBytes) {
      // Enough of an error body to say what it is: answer now and drop the rest with its socket.
      this.succeed()
      return false
    }
    if (this.size > MAX_ANSWER_BYTES) {
      // Memory is bounded by configuration, never by what an upstream sends.
      this.fail(new AnswerTooLargeError(MAX_ANSWER_BYTES))
      this.stopExchange()
      return false
    }
    return true
  }

  /**
   * Abort the exchange (a no-op once it is over, or before it started: then its start does it).
   * Paused first, so undici's parser stops at this chunk instead of running on through the rest
   * of the socket's data for a request already aborted.
   */
  private stopExchange (): void {
    const reason = new ResponseAbortedError()
    if (this.controller !== undefined) {
      this.controller.pause()
      this.controller.abort(reason)
    } else {
      this.abortOlderApi?.(reason)
    }
  }

  private succeed (): void {
    if (this.settled) return
    const chunks = this.chunks
    // An error answer is cut at maxErrorBytes (and a character at the cut is replaced).
    const maxBytes = this.statusCode > 299 ? this.maxErrorBytes : this.size
    let text: string
    try {
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.size)
      text = body.toString('utf8', 0, Math.min(maxBytes, body.length))
    } catch (error) {
      // A body past the longest string V8 makes.
      this.fail(error as Error)
      return
    }
    this.finish()
    this.resolve({ statusCode: this.statusCode, headers: this.headers, text })
  }

  private finish (): void {
    this.settled = true
    this.chunks = []
    this.signal.removeListener('abort', this.onAbort)
  }
}
