import type { FastifyReply } from 'fastify'

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
