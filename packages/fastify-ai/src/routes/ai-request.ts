// Layer routes/ (the /api/v1 routes, their schemas, body -> core request). May import sse/ and the
// base files; see docs/architecture.md.

import type { FastifyReply } from 'fastify'
import type { AiRequest, AiStreamRequest } from '@platformatic/ai-provider'
import { AiBadRequestError } from '@platformatic/ai-provider'
import type { PromptRequestBody } from '../protocol.ts'

/** The core request for a validated body. Only fields the caller gave are passed on. */
export function toAiRequest (body: PromptRequestBody, owner: string | undefined, signal: AbortSignal): AiRequest {
  if (body.prompt.trim() === '') {
    const error = new AiBadRequestError('Invalid body field "prompt": must not be blank')
    Object.assign(error, { details: { field: 'prompt', location: 'body', reason: 'blank' } })
    throw error
  }
  const request: AiRequest = { prompt: body.prompt, signal }
  if (body.context !== undefined) request.context = body.context
  if (body.temperature !== undefined) request.temperature = body.temperature
  if (body.maxTokens !== undefined) request.maxTokens = body.maxTokens
  if (body.models !== undefined) request.models = body.models
  if (body.history !== undefined) request.history = body.history
  if (body.sessionId !== undefined) request.sessionId = body.sessionId
  if (owner !== undefined) request.owner = owner
  return request
}

/** An empty event id (as an EventSource that has seen none may send) is no event id. */
function eventId (value: string | undefined): string | undefined {
  return value === '' ? undefined : value
}

/** The core stream request: the body plus resume (`lastEventId` in the body wins over the header). */
export function toAiStreamRequest (body: PromptRequestBody, lastEventIdHeader: string | undefined, owner: string | undefined, signal: AbortSignal): AiStreamRequest {
  const request: AiStreamRequest = toAiRequest(body, owner, signal)
  request.resume = body.resume ?? true
  const lastEventId = eventId(body.lastEventId) ?? eventId(lastEventIdHeader)
  if (lastEventId !== undefined && request.resume) request.lastEventId = lastEventId
  return request
}

/**
 * An AbortController aborted when the client closes the connection before the answer was
 * written, so the core can stop the upstream call. `release()` stops listening.
 */
export function abortOnDisconnect (reply: FastifyReply): { signal: AbortSignal, release: () => void } {
  const controller = new AbortController()
  function onClose (): void {
    if (!reply.raw.writableEnded) controller.abort()
  }
  reply.raw.on('close', onClose)
  return {
    signal: controller.signal,
    release () {
      reply.raw.off('close', onClose)
    }
  }
}
