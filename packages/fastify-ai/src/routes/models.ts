// Layer routes/ (the /api/v1 routes, their schemas, body -> core request). May import sse/ and the
// base files; see docs/architecture.md.

import type { FastifySchema, FastifyInstance } from 'fastify'
import type { Ai } from '@platformatic/ai-provider'
import type { HttpOptions } from '../options.ts'
import type { ModelsResponseBody } from '../protocol.ts'
import { errorResponses, modelsResponseSchema } from './schemas.ts'

/** `GET modelsPath`: the configured models in chain order, with their state. */
export function modelsRoute (fastify: FastifyInstance, ai: Ai, http: HttpOptions): void {
  fastify.get(http.modelsPath, {
    schema: {
      operationId: 'models',
      response: { 200: modelsResponseSchema, ...errorResponses }
    } as FastifySchema
  }, async function models (): Promise<ModelsResponseBody> {
    return { models: await ai.models() }
  })
}
