// Layer routes/ (the /api/v1 routes, their schemas, body -> core request). May import sse/ and the
// base files; see docs/architecture.md.

import type { FastifySchema, FastifyInstance, FastifyRequest } from 'fastify'
import type { Ai, AiSession } from '@platformatic/ai-provider'
import { AiBadRequestError } from '@platformatic/ai-provider'
import type { HttpOptions } from '../options.ts'
import { MAX_ID_LENGTH, errorResponses, sessionParamsSchema, sessionResponseSchema } from './schemas.ts'
import { setSessionHeader } from '../session-header.ts'

interface SessionRoute {
  Params: { '*': string }
}

/** The session id of the path, held to the limits of the body's `sessionId` (a 400 naming it otherwise). */
function sessionIdOf (request: FastifyRequest<SessionRoute>, sessionId = request.params['*']): string {
  if (sessionId.length >= 1 && sessionId.length <= MAX_ID_LENGTH) return sessionId
  const reason = sessionId.length === 0
    ? 'Expected string length greater or equal to 1'
    : `Expected string length less or equal to ${MAX_ID_LENGTH}`
  const error = new AiBadRequestError(`Invalid params field "sessionId": ${reason}`)
  Object.assign(error, { details: { field: 'sessionId', location: 'params', reason } })
  throw error
}

/** The suffix of `DELETE sessionsPath/:sessionId/stream` (a session id never has a `/`). */
const STREAM_SUFFIX = '/stream'

/**
 * `GET` and `DELETE sessionsPath/:sessionId`: read or forget a session (404 when unknown or
 * another owner's); `DELETE sessionsPath/:sessionId/stream`: cancel its answer in progress.
 */
export function sessionRoutes (fastify: FastifyInstance, ai: Ai, http: HttpOptions): void {
  fastify.get<SessionRoute>(`${http.sessionsPath}/*`, {
    schema: {
      operationId: 'getSession',
      params: sessionParamsSchema,
      response: { 200: sessionResponseSchema, ...errorResponses }
    } as FastifySchema
  }, async function getSession (request, reply): Promise<AiSession> {
    const session = await ai.getSession(sessionIdOf(request), http.getOwner(request))
    setSessionHeader(reply, http.headerSessionIdName, session.sessionId)
    return session
  })

  fastify.delete<SessionRoute>(`${http.sessionsPath}/*`, {
    schema: {
      operationId: 'deleteSession',
      params: sessionParamsSchema,
      response: { 204: { type: 'null' }, ...errorResponses }
    } as FastifySchema
  }, async function deleteSession (request, reply): Promise<void> {
    if (request.params['*'].endsWith(STREAM_SUFFIX)) {
      // Cancel the answer being generated, on whichever instance generates it: 204 whether or
      // not one was running (the client's intent holds either way).
      const sessionId = sessionIdOf(request, request.params['*'].slice(0, -STREAM_SUFFIX.length))
      await ai.cancelStream(sessionId, http.getOwner(request))
      setSessionHeader(reply, http.headerSessionIdName, sessionId)
      reply.code(204).send()
      return
    }
    const sessionId = sessionIdOf(request)
    await ai.deleteSession(sessionId, http.getOwner(request))
    setSessionHeader(reply, http.headerSessionIdName, sessionId)
    reply.code(204).send()
  })
}
