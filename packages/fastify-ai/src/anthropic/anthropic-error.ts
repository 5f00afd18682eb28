// Layer anthropic/ (the Anthropic Messages API route: HTTP, sessions and SSE around the
// wire/anthropic translators). May import sse/ and the base files; see docs/architecture.md.

import { randomBytes } from 'node:crypto'
import { toAnthropicError } from '@platformatic/ai-provider'
import type { FastifyReply } from 'fastify'

/** The header naming an answer, as Anthropic's API sends it. */
export const REQUEST_ID_HEADER = 'request-id'

/** `req_` and 24 random characters, like Anthropic's request ids. */
export function createRequestId (): string {
  return 'req_' + randomBytes(18).toString('base64url')
}

/** The answer's `request-id`, set now when nothing set it yet. */
export function requestIdOf (reply: FastifyReply): string {
  const current = reply.getHeader(REQUEST_ID_HEADER)
  if (typeof current === 'string') return current
  const id = createRequestId()
  reply.header(REQUEST_ID_HEADER, id)
  return id
}

/**
 * Answer an error in Anthropic's shape, `{"type":"error","error":{"type","message"},"request_id"}`.
 * It has been through the gateway's error mapping (toAiError) and logged already: this only writes.
 */
export function sendAnthropicError (error: unknown, reply: FastifyReply): void {
  const answer = toAnthropicError(error, requestIdOf(reply))
  if (answer.retryAfter !== undefined) {
    reply.header('retry-after', String(answer.retryAfter))
  } else if (answer.statusCode === 429 || answer.statusCode === 529) {
    reply.header('retry-after', '1')
  }
  reply.code(answer.statusCode).send(answer.body)
}
