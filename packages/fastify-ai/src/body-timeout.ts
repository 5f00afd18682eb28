import type { FastifyReply, FastifyRequest, RequestPayload } from 'fastify'
import { AiRequestTimeoutError } from './errors.ts'

// Fastify's `requestTimeout` is 0 (off) by default: a client that declares a body and sends part
// of it would hold its socket for ever. Node's timeout, when set, is server-wide, checked every few
// seconds, and answered without a route (so never in OpenAI's shape under /v1), which a plugin
// cannot set anyway. This hook gives the body a deadline on the routes it is added to and fails it
// with AI_REQUEST_TIMEOUT, which the error handler answers before the connection is closed.

/** A preParsing hook, as Fastify calls it. */
export type BodyTimeoutHook = (request: FastifyRequest, reply: FastifyReply, payload: RequestPayload, done: (error: Error | null, payload?: RequestPayload) => void) => void

/** Marks a request whose body has a deadline already: a second hook (an outer scope's) lets it be. */
const WATCHED = Symbol('aiWarp.bodyDeadline')

function hasBody (request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/**
 * A preParsing hook failing a body that is not in after `timeout` ms (counted from the request's
 * start) with AI_REQUEST_TIMEOUT, and marking the answer `connection: close`: the rest of that
 * body may still come, and must not be read as the next request.
 *
 * The body is read as it is (no stream in between: a pipe per request cost more than the rest of
 * this hook many times over). At the deadline the error is given to its reader, Fastify's body
 * parser, which listens for the payload's errors: the request fails with it and is answered on
 * the socket, still open, before it is closed.
 */
export function bodyTimeoutHook (timeout: number): BodyTimeoutHook {
  return function limitBodyTime (request, reply, payload, done) {
    const raw = request.raw as typeof request.raw & { [WATCHED]?: true }
    // No body, a body Node already has in full (a small one usually comes with its headers), or one
    // an outer scope already watches: nothing to wait for.
    if (raw[WATCHED] === true || !hasBody(request) || raw.complete) {
      done(null, payload)
      return
    }
    raw[WATCHED] = true
    function expire (): void {
      stop()
      if (raw.httpVersionMajor === 1) reply.header('connection', 'close')
      const error = new AiRequestTimeoutError(timeout)
      // Nobody reads the body any more (the client left meanwhile): nothing to answer.
      if (payload.listenerCount('error') === 0) raw.destroy()
      else payload.emit('error', error)
    }
    const timer = setTimeout(expire, Math.max(0, timeout - reply.elapsedTime))
    function stop (): void {
      clearTimeout(timer)
      payload.off('end', stop)
      payload.off('close', stop)
      reply.raw.off('finish', stop)
    }
    payload.once('end', stop)
    payload.once('close', stop)
    // Answered without its body (an unknown route never reads one): nobody waits for it any more.
    reply.raw.once('finish', stop)
    done(null, payload)
  }
}
