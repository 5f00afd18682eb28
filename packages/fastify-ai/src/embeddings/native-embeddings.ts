// Layer embeddings/ (the embeddings routes: native and OpenAI's). May import sse/ and the base
// files; see docs/architecture.md.

import type { FastifyInstance, FastifySchema } from 'fastify'
import type { Ai, AiEmbeddingRequest, AiEmbeddingResponse } from '@platformatic/ai-provider'
import type { HttpOptions } from '../options.ts'
import { embeddingsBodySchema, embeddingsResponseSchema } from './embeddings-schemas.ts'
import { abortWhenClientLeaves } from '../client-gone.ts'

/** What the native route takes: the core's request without `caller` and `signal` (the route's). */
export type EmbeddingsRequestBody = Omit<AiEmbeddingRequest, 'caller' | 'signal'>

/** `POST embeddingsPath`: the core's embedding request and answer as JSON (docs/embeddings.md). */
export function embeddingsRoute (fastify: FastifyInstance, ai: Ai, http: HttpOptions, errorResponses: Record<string, unknown>): void {
  fastify.post<{ Body: EmbeddingsRequestBody }>(http.embeddingsPath, {
    bodyLimit: http.bodyLimit.prompt,
    schema: {
      operationId: 'embeddings',
      body: embeddingsBodySchema,
      response: { 200: embeddingsResponseSchema, ...errorResponses }
    } as FastifySchema
  }, async function embeddings (request, reply): Promise<AiEmbeddingResponse> {
    const disconnect = abortWhenClientLeaves(reply)
    try {
      const embedRequest: AiEmbeddingRequest = { ...request.body, signal: disconnect.signal }
      const caller = http.getCaller(request)
      if (caller !== undefined) embedRequest.caller = caller
      return await ai.embed(embedRequest)
    } finally {
      disconnect.release()
    }
  })
}
