// Layer anthropic/ (the Anthropic Messages API route: HTTP, sessions and SSE around the
// wire/anthropic translators). May import sse/ and the base files; see docs/architecture.md.

import { randomBytes } from 'node:crypto'
import { contentText, estimateRequestTokens, fromAnthropicCountTokensRequest, fromAnthropicRequest, toAnthropicAnswer } from '@platformatic/ai-provider'
import type { AiRequest, AnthropicCountTokensResponse, AnthropicMessagesInput } from '@platformatic/ai-provider'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DEFAULT_REQUEST_LIMITS, checkRequestLimits } from '../request-limits.ts'
import type { RequestLimits } from '../request-limits.ts'
import { readSessionHeader, setSessionHeader } from '../session-header.ts'
import { abortWhenClientLeaves } from '../client-gone.ts'
import { turnStart, withWireOptions } from '../wire-request.ts'
import { REQUEST_ID_HEADER, createRequestId } from './anthropic-error.ts'
import { sendAnthropicStream } from './anthropic-stream.ts'

/** Options of `anthropicRoutes`. */
export interface AnthropicRoutesOptions {
  /**
   * The chain a request's `model` names, as the OpenAI-compatible API resolves it (its
   * model-catalog.ts): a `provider:model`, an alias (`openai.aliases`), a configured model's bare
   * name (`claude-sonnet-4-5`), or undefined for `default` (every model). Throws
   * AI_MODEL_NOT_CONFIGURED for anything else (Anthropic's 404 not_found_error).
   */
  resolveModel: (model: string) => string[] | undefined | Promise<string[] | undefined>
  /** The header that carries a session id, both ways. Default `x-session-id`. */
  headerSessionIdName?: string
  /** Who owns the sessions a request creates or continues. */
  getOwner?: (request: FastifyRequest) => string | undefined
  /** Who is asking, for usage and budgets. */
  getCaller?: (request: FastifyRequest) => string | undefined
  /** `maxPromptLength` and `maxMessages`. */
  requestLimits?: RequestLimits
  /** Milliseconds without an event before a stream's `ping`. Default 15000. */
  heartbeatInterval?: number
}

/** `msg_` and 24 random characters, like Anthropic's message ids. */
function createMessageId (): string {
  return 'msg_' + randomBytes(18).toString('base64url')
}

/**
 * A core error naming a tool result by its place among the turn's messages
 * (`messages[2].toolCallId`) named instead by where the client sent it, in Anthropic's dotted
 * terms (`messages.4.content.0.tool_use_id`); any other error as it is.
 */
function toolResultInBodyTerms (error: unknown, body: unknown, aiRequest: AiRequest): unknown {
  const field = (error as { field?: unknown }).field
  const match = typeof field === 'string' ? /^messages\[(\d+)\]\.toolCallId$/.exec(field) : null
  const message = match === null ? undefined : aiRequest.messages?.[Number(match[1])]
  if (message?.role !== 'tool') return error
  const sent = (body as { messages?: Array<{ content?: unknown }> }).messages ?? []
  for (let index = 0; index < sent.length; index++) {
    const blocks = Array.isArray(sent[index].content) ? sent[index].content as Array<{ type?: unknown, tool_use_id?: unknown }> : []
    const at = blocks.findIndex(function answers (block) {
      return block.type === 'tool_result' && typeof block.tool_use_id === 'string' && block.tool_use_id.startsWith(message.toolCallId)
    })
    if (at === -1) continue
    const path = `messages.${index}.content.${at}.tool_use_id`
    return Object.assign(error as object, { field: path, message: `${path}: tool_result ${JSON.stringify(message.toolCallId)} answers no tool_use of the conversation` })
  }
  return error
}

async function buildAiRequest (input: AnthropicMessagesInput, resolveModel: AnthropicRoutesOptions['resolveModel'], sessionId: string | undefined): Promise<AiRequest> {
  const start = turnStart(input.messages, sessionId)
  const aiRequest: AiRequest = { messages: start === 0 ? input.messages : input.messages.slice(start) }
  const models = await resolveModel(input.model)
  if (models !== undefined) aiRequest.models = models
  if (sessionId !== undefined) aiRequest.sessionId = sessionId
  // `thinking` among them: only a provider that can be asked to think reads it (Anthropic).
  return withWireOptions(aiRequest, input)
}

function checkLimits (limits: RequestLimits, input: AnthropicMessagesInput): void {
  checkRequestLimits(limits, input.messages.map(function limitedMessage (message) {
    return { field: message.role === 'system' ? 'system' : 'messages', text: contentText(message.content) }
  }), 'messages', input.tools)
}

/**
 * The Anthropic Messages API: `POST /messages` and `POST /messages/count_tokens`, under the prefix
 * given to `register` (fastify-ai uses `/v1`), so Claude Code (`ANTHROPIC_BASE_URL`) and the
 * Anthropic SDKs work unchanged. Every answer has a `request-id`; errors are answered in
 * Anthropic's shape by the gateway's error handler (error-answers.ts), which knows the prefix.
 * `anthropic-version` and `anthropic-beta` are accepted whatever their value: the gateway speaks
 * one version of the format, and its own provider sends its configured ones upstream.
 */
export async function anthropicRoutes (fastify: FastifyInstance, options: AnthropicRoutesOptions): Promise<void> {
  const headerName = (options.headerSessionIdName ?? 'x-session-id').toLowerCase()
  const limits = options.requestLimits ?? DEFAULT_REQUEST_LIMITS
  const heartbeatInterval = options.heartbeatInterval ?? 15000

  // preClose, not onClose: the HTTP server's close waits for open streams, so they must end first.
  const shutdown = new AbortController()
  fastify.addHook('preClose', async function endAnthropicStreams () {
    shutdown.abort()
  })
  fastify.addHook('onRequest', async function setRequestId (_request, reply) {
    reply.header(REQUEST_ID_HEADER, createRequestId())
  })

  fastify.post('/messages', async function createMessage (request, reply) {
    const input = fromAnthropicRequest(request.body)
    checkLimits(limits, input)
    // The caller continues a server-side session by sending its id back in the header.
    const sessionId = readSessionHeader(request, headerName)
    const aiRequest = await buildAiRequest(input, options.resolveModel, sessionId)
    const owner = options.getOwner?.(request)
    if (owner !== undefined) aiRequest.owner = owner
    const caller = options.getCaller?.(request)
    if (caller !== undefined) aiRequest.caller = caller
    const requestController = abortWhenClientLeaves(reply)
    aiRequest.signal = requestController.signal
    const id = createMessageId()

    function inAnthropicTerms (error: unknown): never {
      throw toolResultInBodyTerms(error, request.body, aiRequest)
    }

    if (!input.stream) {
      const response = await fastify.ai.request(aiRequest).catch(inAnthropicTerms)
      setSessionHeader(reply, headerName, response.sessionId)
      return toAnthropicAnswer(response, { id, model: response.model })
    }

    // A Messages request is always a new turn: never attach to or replay an earlier answer.
    // Nobody can resume it, so when its client leaves it stops after detachTimeout instead of
    // paying for tokens nobody reads.
    const stream = await fastify.ai.stream({ ...aiRequest, resume: false, onDisconnect: 'abort' }).catch(inAnthropicTerms)
    setSessionHeader(reply, headerName, stream.sessionId)
    await sendAnthropicStream(reply, stream, {
      header: { id, model: stream.model },
      inputTokens: estimateRequestTokens(input.messages, input.tools),
      heartbeatInterval,
      log: request.log,
      shutdown: shutdown.signal,
      abortRequest: function abortRequest () { requestController.abort() }
    })
  })

  fastify.post('/messages/count_tokens', async function countTokens (request): Promise<AnthropicCountTokensResponse> {
    const input = fromAnthropicCountTokensRequest(request.body)
    checkLimits(limits, input)
    // Counted by the target's provider when it can (a Claude model: Anthropic's own count_tokens),
    // else the core's estimate; a session's history counts as on /messages.
    const aiRequest = await buildAiRequest(input, options.resolveModel, readSessionHeader(request, headerName))
    const owner = options.getOwner?.(request)
    if (owner !== undefined) aiRequest.owner = owner
    const count = await fastify.ai.countTokens(aiRequest)
    return { input_tokens: count.inputTokens }
  })
}
