// Layer openai/ (the OpenAI-compatible routes and their wire format). May import sse/ and the base
// files; see docs/architecture.md.

import type { AiRequest } from '@platformatic/ai-provider'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DEFAULT_REQUEST_LIMITS, checkRequestLimits } from '../request-limits.ts'
import { readSessionHeader, setSessionHeader } from '../session-header.ts'
import { foldMessages } from './chat-messages.ts'
import { readChatRequest } from './chat-request.ts'
import type { ChatRequest } from './chat-request.ts'
import { buildCompletion, createCompletionId, unixSeconds } from './chat-response.ts'
import { sendChatStream } from './chat-stream.ts'
import { createModelCatalog } from './model-catalog.ts'
import type { ModelCatalog } from './model-catalog.ts'
import type { OpenAiRoutesOptions } from './types.ts'

export type * from './types.ts'

// Aborts when the client goes away before its answer was fully sent, so the core aborts the
// upstream call instead of paying for tokens nobody reads.
function abortWhenClientLeaves (reply: FastifyReply): AbortController {
  const controller = new AbortController()
  reply.raw.once('close', function abortWhenClientLeft () {
    if (!reply.raw.writableFinished) controller.abort()
  })
  return controller
}

function buildAiRequest (chat: ChatRequest, catalog: ModelCatalog, sessionId: string | undefined): AiRequest {
  const models = catalog.resolve(chat.model)
  const conversation = foldMessages(chat.messages)
  const aiRequest: AiRequest = { prompt: conversation.prompt }
  if (conversation.context !== undefined) aiRequest.context = conversation.context
  if (models !== undefined) aiRequest.models = models
  if (chat.temperature !== undefined) aiRequest.temperature = chat.temperature
  if (chat.maxTokens !== undefined) aiRequest.maxTokens = chat.maxTokens
  if (chat.topP !== undefined) aiRequest.topP = chat.topP
  if (chat.stop !== undefined) aiRequest.stop = chat.stop
  // With a session the server holds the history: the messages before the last user message
  // are the client's copy of it and are not sent twice.
  if (sessionId !== undefined) {
    aiRequest.sessionId = sessionId
  } else if (conversation.history.length > 0) {
    aiRequest.history = conversation.history
  }
  return aiRequest
}

/**
 * The OpenAI-compatible API: `POST /chat/completions`, `GET /models`, `GET /models/:model`, under
 * the prefix given to `register` (fastify-ai uses `/v1`). Uses `fastify.ai`; errors are answered
 * in OpenAI's shape by the gateway's error handler (error-answers.ts), which knows the prefix.
 */
export async function openaiRoutes (fastify: FastifyInstance, options: OpenAiRoutesOptions): Promise<void> {
  const headerName = (options.headerSessionIdName ?? 'x-session-id').toLowerCase()
  const getOwner = options.getOwner
  const getCaller = options.getCaller
  const limits = options.requestLimits ?? DEFAULT_REQUEST_LIMITS
  const configured = (await fastify.ai.models()).map((model) => model.name)
  const catalog = createModelCatalog(configured, options.aliases)

  // preClose, not onClose: the HTTP server's close waits for open streams, so they must end first.
  const shutdown = new AbortController()
  fastify.addHook('preClose', async function endOpenAiStreams () {
    shutdown.abort()
  })

  fastify.get('/models', async function listModels () {
    return catalog.list()
  })

  // A wildcard, not `:model`: a model name may contain `/` (e.g. `openrouter:meta-llama/llama-3`).
  fastify.get('/models/*', async function getModel (request: FastifyRequest<{ Params: { '*': string } }>) {
    return catalog.get(request.params['*'])
  })

  fastify.post('/chat/completions', async function chatCompletions (request, reply) {
    const chat = readChatRequest(request.body)
    checkRequestLimits(limits, chat.messages.map(function limitedMessage (message, index) {
      return { field: `messages[${index}].content`, text: message.content }
    }), 'messages')
    // The caller continues a server-side session by sending its id back in the header.
    const sessionId = readSessionHeader(request, headerName)
    const aiRequest = buildAiRequest(chat, catalog, sessionId)
    const owner = getOwner?.(request)
    if (owner !== undefined) aiRequest.owner = owner
    const caller = getCaller?.(request)
    if (caller !== undefined) aiRequest.caller = caller
    const requestController = abortWhenClientLeaves(reply)
    aiRequest.signal = requestController.signal
    const id = createCompletionId()

    if (!chat.stream) {
      const response = await fastify.ai.request(aiRequest)
      setSessionHeader(reply, headerName, response.sessionId)
      return buildCompletion(response, id, unixSeconds())
    }

    // An OpenAI request is always a new turn: never attach to or replay an earlier answer.
    const stream = await fastify.ai.stream({ ...aiRequest, resume: false })
    setSessionHeader(reply, headerName, stream.sessionId)
    await sendChatStream(reply, stream, {
      header: { id, created: unixSeconds(), model: stream.model, includeUsage: chat.includeUsage },
      log: request.log,
      shutdown: shutdown.signal,
      abortRequest: function abortRequest () { requestController.abort() }
    })
  })
}
