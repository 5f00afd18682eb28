// Layer routes/ (the /api/v1 routes, their schemas, body -> core request). May import sse/ and the
// base files; see docs/architecture.md.

import type { FastifySchema, FastifyInstance } from 'fastify'
import type { Ai } from '@platformatic/ai-provider'
import type { HttpOptions } from '../options.ts'
import type { UsageQuery, UsageResponseBody } from '../protocol.ts'
import { adminOnly } from '../admin.ts'
import { errorResponses, usageQuerySchema, usageResponseSchema } from './schemas.ts'

/**
 * `GET usagePath?from=&to=&caller=&model=`: what was spent per day, caller and model (admins only,
 * checked before the query is read).
 */
export function usageRoute (fastify: FastifyInstance, ai: Ai, http: HttpOptions): void {
  fastify.get<{ Querystring: UsageQuery }>(http.usagePath, {
    onRequest: adminOnly(http),
    schema: {
      operationId: 'usage',
      querystring: usageQuerySchema,
      response: { 200: usageResponseSchema, ...errorResponses }
    } as FastifySchema
  }, async function usage (request): Promise<UsageResponseBody> {
    const query: UsageQuery = {}
    for (const field of ['from', 'to', 'caller', 'model'] as const) {
      if (request.query[field] !== undefined) query[field] = request.query[field]
    }
    return await ai.usage(query)
  })
}
