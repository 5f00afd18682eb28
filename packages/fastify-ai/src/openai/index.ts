// Layer openai/ (the OpenAI-compatible routes and their wire format). May import sse/ and the base
// files; see docs/architecture.md.

import { randomUUID } from 'node:crypto'
import { contentText, fromOpenAiChatRequest, toOpenAiChatAnswer, toOpenAiChatParam } from '@platformatic/ai-provider'
import type { AiRequest, OpenAiChatInput } from '@platformatic/ai-provider'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DEFAULT_REQUEST_LIMITS, checkRequestLimits } from '../request-limits.ts'
import { readSessionHeader, setSessionHeader } from '../session-header.ts'
import { abortWhenClientLeaves } from '../client-gone.ts'
import { turnStart, withWireOptions } from '../wire-request.ts'
import { sendChatStream } from './chat-stream.ts'
import { createModelCatalog } from './model-catalog.ts'
import type { ModelCatalog } from './model-catalog.ts'
import type { OpenAiRoutesOptions } from './types.ts'

export type * from './types.ts'

/** `chatcmpl-` and 32 hex digits, like OpenAI's ids. */
function createCompletionId (): string {
  return 'chatcmpl-' + randomUUID().replaceAll('-', '')
}

/** Unix seconds, OpenAI's `created`. */
function unixSeconds (): number {
  return Math.floor(Date.now() / 1000)
}

function buildAiRequest (chat: OpenAiChatInput, catalog: ModelCatalog, sessionId: string | undefined, start: number): AiRequest {
  const aiRequest: AiRequest = { messages: start === 0 ? chat.messages : chat.messages.slice(start) }
  const models = catalog.resolve(chat.model)
  if (models !== undefined) aiRequest.models = models
  if (sessionId !== undefined) aiRequest.sessionId = sessionId
  return withWireOptions(aiRequest, chat)
}

/**
 * The core names the field at fault in its own terms (`error.field`: `messages[0].toolCallId`);
 * an OpenAI client reads `param` in OpenAI's, counted in the messages it sent.
 */
function inOpenAiTerms (error: unknown, start: number): unknown {
  if (typeof error !== 'object' || error === null) return error
  const fields = error as { field?: unknown, param?: unknown }
  if (typeof fields.field !== 'string' || fields.param !== undefined) return error
  return Object.assign(error, { param: toOpenAiChatParam(fields.field, start) })
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
  const heartbeatInterval = options.heartbeatInterval ?? 15000
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
    const chat = fromOpenAiChatRequest(request.body)
    checkRequestLimits(limits, chat.messages.map(function limitedMessage (message, index) {
      return { field: `messages[${index}].content`, text: contentText(message.content) }
    }), 'messages', chat.tools)
    // The caller continues a server-side session by sending its id back in the header.
    const sessionId = readSessionHeader(request, headerName)
    const start = turnStart(chat.messages, sessionId)
    const aiRequest = buildAiRequest(chat, catalog, sessionId, start)
    const owner = getOwner?.(request)
    if (owner !== undefined) aiRequest.owner = owner
    const caller = getCaller?.(request)
    if (caller !== undefined) aiRequest.caller = caller
    const requestController = abortWhenClientLeaves(reply)
    aiRequest.signal = requestController.signal
    const id = createCompletionId()

    if (!chat.stream) {
      const response = await fastify.ai.request(aiRequest).catch(function nameParam (error: unknown) { throw inOpenAiTerms(error, start) })
      setSessionHeader(reply, headerName, response.sessionId)
      return toOpenAiChatAnswer(response, id, unixSeconds())
    }

    // An OpenAI request is always a new turn: never attach to or replay an earlier answer.
    // Nobody can resume this answer (an OpenAI request is always a new turn): when its client
    // leaves, it stops after detachTimeout instead of paying for tokens nobody reads.
    const stream = await fastify.ai.stream({ ...aiRequest, resume: false, onDisconnect: 'abort' }).catch(function nameParam (error: unknown) { throw inOpenAiTerms(error, start) })
    setSessionHeader(reply, headerName, stream.sessionId)
    await sendChatStream(reply, stream, {
      header: { id, created: unixSeconds(), model: stream.model, includeUsage: chat.includeUsage },
      heartbeatInterval,
      log: request.log,
      shutdown: shutdown.signal,
      abortRequest: function abortRequest () { requestController.abort() }
    })
  })
}
