// Layer routes/ (the /api/v1 routes, their schemas, body -> core request). May import sse/ and the
// base files; see docs/architecture.md.

import type { FastifySchema, FastifyInstance } from 'fastify'
import type { Ai } from '@platformatic/ai-provider'
import type { HttpOptions } from '../options.ts'
import type { PromptRequestBody, PromptResponseBody } from '../protocol.ts'
import { toAiRequest } from './ai-request.ts'
import { abortWhenClientLeaves } from '../client-gone.ts'
import { errorResponses, promptBodySchema, promptResponseSchema } from './schemas.ts'
import { setSessionHeader } from '../session-header.ts'

/** `POST promptPath`: the whole answer as JSON. */
export function promptRoute (fastify: FastifyInstance, ai: Ai, http: HttpOptions): void {
  fastify.post<{ Body: PromptRequestBody }>(http.promptPath, {
    bodyLimit: http.bodyLimit.prompt,
    schema: {
      operationId: 'prompt',
      body: promptBodySchema(),
      response: { 200: promptResponseSchema, ...errorResponses }
    } as FastifySchema
  }, async function prompt (request, reply): Promise<PromptResponseBody> {
    const disconnect = abortWhenClientLeaves(reply)
    try {
      const answer = await ai.request(toAiRequest(request, http, disconnect.signal))
      setSessionHeader(reply, http.headerSessionIdName, answer.sessionId)
      const body: PromptResponseBody = { text: answer.text, result: answer.result, sessionId: answer.sessionId, model: answer.model }
      if (answer.toolCalls !== undefined && answer.toolCalls.length > 0) body.toolCalls = answer.toolCalls
      if (answer.usage !== undefined) body.usage = answer.usage
      return body
    } finally {
      disconnect.release()
    }
  })
}
