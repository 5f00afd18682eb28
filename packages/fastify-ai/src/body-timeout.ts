import { PassThrough } from 'node:stream'
import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify'
import { AiRequestTimeoutError } from './errors.ts'

// Fastify's `requestTimeout` is 0 (off) by default: a client that declares a body and sends part
// of it would hold its socket for ever. Node's timeout, when set, is server-wide, checked every few
// seconds, and answered without a route (so never in OpenAI's shape under /v1), which a plugin
// cannot set anyway. This hook gives the body a deadline on the routes it is added to and fails it
// with AI_REQUEST_TIMEOUT, which the error handler answers before the connection is closed.

/** A preParsing hook, as Fastify calls it. */
export type BodyTimeoutHook = (request: FastifyRequest, reply: FastifyReply, payload: RequestPayload, done: (error: Error | null, payload?: RequestPayload) => void) => void

/** The stream a body under a deadline is read through; a second hook (an outer scope's) sees it and lets it be. */
class TimedBody extends PassThrough {
  readonly #source: RequestPayload

  constructor (source: RequestPayload) {
    super()
    this.#source = source
  }

  /** What a decompressing preParsing stream reports, for Fastify's bodyLimit check. */
  get receivedEncodedLength (): number | undefined {
    return this.#source.receivedEncodedLength
  }
}

function ignoreError (): void {}

function hasBody (request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/**
 * A preParsing hook failing a body that is not in after `timeout` ms (counted from the request's
 * start) with AI_REQUEST_TIMEOUT, and marking the answer `connection: close`: the rest of that
 * body may still come, and must not be read as the next request.
 */
export function bodyTimeoutHook (timeout: number): BodyTimeoutHook {
  return function limitBodyTime (request, reply, payload, done) {
    // No body, a body Node already has in full (a small one usually comes with its headers), or one
    // an outer scope already watches: nothing to wait for.
    if (payload instanceof TimedBody || !hasBody(request) || request.raw.complete) {
      done(null, payload)
      return
    }
    const source = payload
    const body = new TimedBody(source)
    function expire (): void {
      source.unpipe(body)
      if (request.raw.httpVersionMajor === 1) reply.header('connection', 'close')
      body.destroy(new AiRequestTimeoutError(timeout))
    }
    function forwardError (error: Error): void {
      body.destroy(error)
    }
    const timer = setTimeout(expire, Math.max(0, timeout - reply.elapsedTime))
    function stop (): void {
      clearTimeout(timer)
      source.off('error', forwardError)
    }
    source.on('error', forwardError)
    source.once('end', stop)
    body.once('close', stop)
    // Answered without its body (an unknown route never reads one): nobody waits for it any more.
    reply.raw.once('finish', stop)
    // The reader (Fastify's body parser) has its own listener; this one only keeps an error on a
    // body nobody reads (the client left) from becoming an uncaught exception.
    body.on('error', ignoreError)
    source.pipe(body)
    done(null, body)
  }
}
