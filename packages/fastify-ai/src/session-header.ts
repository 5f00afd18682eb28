import type { FastifyReply, FastifyRequest } from 'fastify'
import { AiBadRequestError } from '@platformatic/ai-provider'

/**
 * Longest accepted session id: far above what the core makes (a UUID), low enough to be harmless.
 * The body's `sessionId`, the session header and the session routes' path take the same.
 */
export const MAX_ID_LENGTH = 128

/**
 * The session a request names in its session header, on every route that takes a session (an
 * empty header is none). Longer than MAX_ID_LENGTH: 400 AI_BAD_REQUEST naming the header.
 */
export function readSessionHeader (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  const sessionId = Array.isArray(value) ? value[0] : value
  if (sessionId === undefined || sessionId === '') return undefined
  if (sessionId.length > MAX_ID_LENGTH) {
    const reason = `Expected string length less or equal to ${MAX_ID_LENGTH}`
    const error = new AiBadRequestError(`Invalid header "${name}": ${reason}`)
    throw Object.assign(error, { details: { field: name, location: 'headers', reason }, param: name })
  }
  return sessionId
}

/** Add a header to `access-control-expose-headers`, keeping what CORS or others put there. */
export function exposeHeader (reply: FastifyReply, name: string): void {
  const current = reply.getHeader('access-control-expose-headers')
  // Nothing exposed yet (no CORS plugin, or it exposes nothing): the common case.
  if (current === undefined) {
    reply.header('access-control-expose-headers', name)
    return
  }
  const names = String(current).split(',').map((item) => item.trim()).filter(Boolean)
  if (names.some((item) => item.toLowerCase() === name || item === '*')) return
  names.push(name)
  reply.header('access-control-expose-headers', names.join(', '))
}

/** Put the session id in its header, readable by browsers too. */
export function setSessionHeader (reply: FastifyReply, name: string, sessionId: string): void {
  reply.header(name, sessionId)
  exposeHeader(reply, name)
}
