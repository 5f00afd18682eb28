// Layer routes/ (the /api/v1 routes, their schemas, body -> core request). May import sse/ and the
// base files; see docs/architecture.md.

import type { FastifySchema, FastifyInstance } from 'fastify'
import type { Ai, AiSession } from '@platformatic/ai-provider'
import type { HttpOptions } from '../options.ts'
import { errorResponses, sessionParamsSchema, sessionResponseSchema } from './schemas.ts'
import { setSessionHeader } from '../session-header.ts'

interface SessionRoute {
  Params: { sessionId: string }
}

/** `GET` and `DELETE sessionsPath/:sessionId`: read or forget a session (404 when unknown or another owner's). */
export function sessionRoutes (fastify: FastifyInstance, ai: Ai, http: HttpOptions): void {
  fastify.get<SessionRoute>(`${http.sessionsPath}/:sessionId`, {
    schema: {
      operationId: 'getSession',
      params: sessionParamsSchema,
      response: { 200: sessionResponseSchema, ...errorResponses }
    } as FastifySchema
  }, async function getSession (request, reply): Promise<AiSession> {
    const session = await ai.getSession(request.params.sessionId, http.getOwner(request))
    setSessionHeader(reply, http.headerSessionIdName, session.sessionId)
    return session
  })

  fastify.delete<SessionRoute>(`${http.sessionsPath}/:sessionId`, {
    schema: {
      operationId: 'deleteSession',
      params: sessionParamsSchema,
      response: { 204: { type: 'null' }, ...errorResponses }
    } as FastifySchema
  }, async function deleteSession (request, reply): Promise<void> {
    await ai.deleteSession(request.params.sessionId, http.getOwner(request))
    setSessionHeader(reply, http.headerSessionIdName, request.params.sessionId)
    reply.code(204).send()
  })
}
