// Layer routes/ (the /api/v1 routes, their schemas, body -> core request). May import sse/ and the
// base files; see docs/architecture.md.

import type { FastifyRequest } from 'fastify'
import type { AiRequest, AiStreamRequest } from '@platformatic/ai-provider'
import { AiBadRequestError } from '@platformatic/ai-provider'
import type { HttpOptions } from '../options.ts'
import type { ContentPart, PromptRequestBody } from '../protocol.ts'
import { checkRequestLimits } from '../request-limits.ts'
import type { LimitedMessage } from '../request-limits.ts'
import { readSessionHeader } from '../session-header.ts'

/** A request of the prompt or stream route, its body validated. */
type PromptRouteRequest = FastifyRequest<{ Body: PromptRequestBody }>

/** The text of a message's content, as the request limits measure it (images and files are the body limit's). */
function textOf (content: string | ContentPart[]): string {
  if (typeof content === 'string') return content
  let text = ''
  for (const part of content) if (part.type === 'text') text += part.text
  return text
}

/**
 * The body's messages, as the request limits count them: the prompt, the context, two per history
 * turn, each message, each tool result.
 */
function messagesOf (body: PromptRequestBody): LimitedMessage[] {
  const messages: LimitedMessage[] = []
  if (body.prompt !== undefined) messages.push({ field: 'prompt', text: body.prompt })
  if (body.context !== undefined) messages.push({ field: 'context', text: body.context })
  body.history?.forEach(function turnMessages (turn, index) {
    messages.push({ field: `history[${index}].prompt`, text: turn.prompt }, { field: `history[${index}].response`, text: turn.response })
  })
  body.messages?.forEach(function conversationMessage (message, index) {
    messages.push({ field: `messages[${index}].content`, text: textOf(message.content) })
  })
  body.toolResults?.forEach(function toolResult (result, index) {
    messages.push({ field: `toolResults[${index}].content`, text: result.content })
  })
  return messages
}

/** The session of the request: the body's `sessionId` or the session header; both must agree when both are sent. */
function sessionIdOf (request: PromptRouteRequest, http: HttpOptions): string | undefined {
  const fromHeader = readSessionHeader(request, http.headerSessionIdName)
  const fromBody = request.body.sessionId
  if (fromHeader !== undefined && fromBody !== undefined && fromHeader !== fromBody) {
    const error = new AiBadRequestError(`The "${http.headerSessionIdName}" header and the body's "sessionId" name different sessions`)
    throw Object.assign(error, { details: { field: 'sessionId', location: 'body', reason: `differs from the ${http.headerSessionIdName} header` } })
  }
  return fromBody ?? fromHeader
}

/**
 * The core request for a validated body, held to the request limits. Only fields the caller gave
 * are passed on; the session comes from the body or the session header.
 */
export function toAiRequest (request: PromptRouteRequest, http: HttpOptions, signal: AbortSignal): AiRequest {
  const body = request.body
  checkRequestLimits(http.limits, messagesOf(body), body.messages === undefined ? 'history' : 'messages', body.tools)
  if (body.prompt === undefined && body.messages === undefined && body.toolResults === undefined) {
    const error = new AiBadRequestError('Missing body field "prompt": send a prompt, messages or toolResults')
    Object.assign(error, { details: { field: 'prompt', location: 'body', reason: 'missing' } })
    throw error
  }
  if (body.prompt !== undefined && body.prompt.trim() === '') {
    const error = new AiBadRequestError('Invalid body field "prompt": must not be blank')
    Object.assign(error, { details: { field: 'prompt', location: 'body', reason: 'blank' } })
    throw error
  }
  // Passed on as they are, one by one so the compiler holds the protocol to the core's types;
  // the core checks what they mean.
  const aiRequest: AiRequest = { signal }
  if (body.prompt !== undefined) aiRequest.prompt = body.prompt
  if (body.messages !== undefined) aiRequest.messages = body.messages
  if (body.toolResults !== undefined) aiRequest.toolResults = body.toolResults
  if (body.tools !== undefined) aiRequest.tools = body.tools
  if (body.toolChoice !== undefined) aiRequest.toolChoice = body.toolChoice
  if (body.parallelToolCalls !== undefined) aiRequest.parallelToolCalls = body.parallelToolCalls
  if (body.responseFormat !== undefined) aiRequest.responseFormat = body.responseFormat
  if (body.context !== undefined) aiRequest.context = body.context
  if (body.temperature !== undefined) aiRequest.temperature = body.temperature
  if (body.maxTokens !== undefined) aiRequest.maxTokens = body.maxTokens
  if (body.models !== undefined) aiRequest.models = body.models
  if (body.history !== undefined) aiRequest.history = body.history
  const sessionId = sessionIdOf(request, http)
  if (sessionId !== undefined) aiRequest.sessionId = sessionId
  const owner = http.getOwner(request)
  if (owner !== undefined) aiRequest.owner = owner
  const caller = http.getCaller(request)
  if (caller !== undefined) aiRequest.caller = caller
  return aiRequest
}

/** An empty event id (as an EventSource that has seen none may send) is no event id. */
function eventId (value: string | undefined): string | undefined {
  return value === '' ? undefined : value
}

/** The core stream request: the body plus resume (`lastEventId` in the body wins over the `Last-Event-ID` header). */
export function toAiStreamRequest (routeRequest: PromptRouteRequest, http: HttpOptions, signal: AbortSignal): AiStreamRequest {
  const body = routeRequest.body
  const lastEventIdHeader = routeRequest.headers['last-event-id'] as string | undefined
  const request: AiStreamRequest = toAiRequest(routeRequest, http, signal)
  request.resume = body.resume ?? true
  if (body.onDisconnect !== undefined) request.onDisconnect = body.onDisconnect
  const lastEventId = eventId(body.lastEventId) ?? eventId(lastEventIdHeader)
  if (lastEventId !== undefined && request.resume) request.lastEventId = lastEventId
  return request
}
