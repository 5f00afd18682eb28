// A response read whole, through undici's dispatch API: the answer of a complete call. Where
// `dispatcher.request()` builds a stream for every body (a Readable, its state, and a tick per
// chunk through it), a complete call only ever wants the whole text, so its chunks are kept as
// they arrive and decoded once at the end. Streams keep `request()` (transport.ts): they want
// backpressure and one chunk at a time.

import type { IncomingHttpHeaders } from 'node:http'
import type { Dispatcher } from 'undici'

/** The EventEmitter-shaped abort signal undici also takes (transport.ts's UpstreamCall). */
export interface AbortSource {
  readonly aborted: boolean
  on (event: 'abort', listener: () => void): unknown
  removeListener (event: 'abort', listener: () => void): unknown
}

/** A final (non-1xx) response with its body. */
export interface WholeResponse {
  statusCode: number
  headers: IncomingHttpHeaders
  /** The body decoded as UTF-8; for a non-2xx answer, at most its first `maxErrorBytes` bytes. */
  text: string
}

/** Why an exchange stopped when its signal fired (the caller maps it to the AI_* error that says why). */
export class ResponseAbortedError extends Error {
  constructor () {
    super('request aborted')
    this.name = 'ResponseAbortedError'
  }
}

/**
 * Sends `options` and reads the answer whole. The signal aborts the exchange at any point;
 * an error answer is read up to `maxErrorBytes` and the rest of it is not waited for (the
 * exchange is aborted, as leaving a body half read must).
 */
export function requestWhole (dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: AbortSource, maxErrorBytes: number): Promise<WholeResponse> {
  return new Promise(function exchange (resolve, reject) {
    const handler = new WholeResponseHandler(signal, maxErrorBytes, resolve, reject)
    if (signal.aborted) {
      reject(new ResponseAbortedError())
      return
    }
    signal.on('abort', handler.onAbort)
    try {
      dispatcher.dispatch(options, handler)
    } catch (error) {
      handler.fail(error as Error)
    }
  })
}

/** One exchange's state, as undici's handler (`onRequestStart` … `onResponseError`). */
class WholeResponseHandler implements Dispatcher.DispatchHandler {
  private readonly signal: AbortSource
  private readonly maxErrorBytes: number
  private readonly resolve: (response: WholeResponse) => void
  private readonly reject: (error: Error) => void
  private controller: Dispatcher.DispatchController | undefined = undefined
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
    if (this.settled) controller.abort(new ResponseAbortedError())
  }

  onResponseStart (_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx informational answers come before the final one.
    if (statusCode < 200) return
    this.statusCode = statusCode
    this.headers = headers
  }

  onResponseData (controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return
    this.chunks.push(chunk)
    this.size += chunk.length
    if (this.statusCode > 299 && this.size >= this.maxErrorBytes) {
      // Enough of an error body to say what it is: answer now and drop the rest with its socket.
      this.succeed(this.maxErrorBytes)
      controller.abort(new ResponseAbortedError())
    }
  }

  onResponseEnd (): void {
    this.succeed(this.statusCode > 299 ? this.maxErrorBytes : this.size)
  }

  onResponseError (_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error)
  }

  /** The signal fired: stop the exchange, which fails with ResponseAbortedError. */
  abort (): void {
    if (this.settled) return
    this.fail(new ResponseAbortedError())
    // Before undici started the request, onRequestStart aborts it.
    this.controller?.abort(new ResponseAbortedError())
  }

  fail (error: Error): void {
    if (this.settled) return
    this.finish()
    this.reject(error)
  }

  private succeed (maxBytes: number): void {
    if (this.settled) return
    this.finish()
    const chunks = this.chunks
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, this.size)
    const text = body.toString('utf8', 0, Math.min(maxBytes, body.length))
    this.chunks = []
    this.resolve({ statusCode: this.statusCode, headers: this.headers, text })
  }

  private finish (): void {
    this.settled = true
    this.signal.removeListener('abort', this.onAbort)
  }
}
