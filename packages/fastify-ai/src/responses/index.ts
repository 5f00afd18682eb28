// Layer responses/ (the OpenAI Responses API routes: HTTP, sessions, SSE). May import sse/ and
// the base files; see docs/architecture.md.
//
// `POST /responses`, `GET /responses/:id` (`?stream=true&starting_after=N` resumes),
// `DELETE /responses/:id`, `POST /responses/:id/cancel`, under the OpenAI prefix. A response is a
// turn of an AI Warp session: `previous_response_id` continues that session (on any instance
// sharing the store), `store: false` deletes it once answered. docs/openai-compatibility.md says
// what is supported, translated or refused.

import { randomUUID } from 'node:crypto'
import type { AiRequest, AiStreamEvent, OpenAiResponsesInput, ResponsesResponse } from '@platformatic/ai-provider'
import {
  contentText, createOpenAiResponsesStreamWriter, fromOpenAiResponsesRequest, responsesParameterError, toOpenAiResponsesAnswer,
  toOpenAiResponsesShell
} from '@platformatic/ai-provider'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { setSessionHeader } from '../session-header.ts'
import { abortWhenClientLeaves } from '../client-gone.ts'
import { withWireOptions } from '../wire-request.ts'
import { DEFAULT_REQUEST_LIMITS, checkRequestLimits } from '../request-limits.ts'
import type { LimitedMessage, RequestLimits } from '../request-limits.ts'
import type { ResponseRecord } from './response-records.ts'
import { createResponseRecords } from './response-records.ts'
import { sendResponsesStream } from './responses-stream.ts'
import { rebuildFromTurn } from './rebuild-response.ts'

/** Options of the Responses routes (the plugin passes its own). */
export interface ResponsesRoutesOptions {
  /** The chain of a request's `model` (a configured model, an alias, `default`: undefined for every model). */
  resolveModel: (model: string) => string[] | undefined
  /** How long a response is kept: the session's `limits.historyExpiration`, in ms. */
  ttlMs: number
  /** Response header carrying the session id. Default `x-session-id`. */
  headerSessionIdName?: string
  /** Milliseconds between keep-alive comments of a stream. Default 15000. */
  heartbeatInterval?: number
  getOwner?: (request: FastifyRequest) => string | undefined
  getCaller?: (request: FastifyRequest) => string | undefined
  /** `maxPromptLength`, `maxMessages` and `maxTools`, as on every route. */
  requestLimits?: RequestLimits
}

interface IdParams { id: string }
interface RetrieveQuery { stream?: string, starting_after?: string }

function unixSeconds (): number {
  return Math.floor(Date.now() / 1000)
}

function buildAiRequest (input: OpenAiResponsesInput, models: string[] | undefined): AiRequest {
  const request: AiRequest = { messages: input.messages }
  if (input.instructions !== undefined) request.context = input.instructions
  if (models !== undefined) request.models = models
  return withWireOptions(request, input)
}

function readStartingAfter (query: RetrieveQuery): number {
  const value = query.starting_after
  if (value === undefined || value === '') return -1
  if (!/^\d+$/.test(value)) throw responsesParameterError('starting_after', 'starting_after must be a non-negative integer', 'invalid_type')
  return Number(value)
}

/** The Responses API routes; register under the OpenAI prefix (errors are answered in OpenAI's shape there). */
export async function responsesRoutes (fastify: FastifyInstance, options: ResponsesRoutesOptions): Promise<void> {
  const headerName = (options.headerSessionIdName ?? 'x-session-id').toLowerCase()
  const heartbeatInterval = options.heartbeatInterval ?? 15000
  const limits = options.requestLimits ?? DEFAULT_REQUEST_LIMITS
  const records = createResponseRecords(fastify.ai.store, options.ttlMs)
  const shutdown = new AbortController()
  fastify.addHook('preClose', async function endResponsesStreams () {
    shutdown.abort()
  })

  /** Forget a session nobody may continue (`store: false`); it may already be gone. */
  async function forgetSession (sessionId: string, owner: string | undefined): Promise<void> {
    await fastify.ai.deleteSession(sessionId, owner).catch(function alreadyGone () {})
  }

  fastify.post('/responses', async function createResponse (request, reply) {
    const input = fromOpenAiResponsesRequest(request.body)
    const limited: LimitedMessage[] = input.messages.map(function limitedItem (message, index) {
      return { field: `input[${index}]`, text: contentText(message.content) }
    })
    if (input.instructions !== undefined) limited.unshift({ field: 'instructions', text: input.instructions })
    checkRequestLimits(limits, limited, 'input', input.tools)
    const aiRequest = buildAiRequest(input, options.resolveModel(input.model))
    const owner = options.getOwner?.(request)
    if (owner !== undefined) aiRequest.owner = owner
    const caller = options.getCaller?.(request)
    if (caller !== undefined) aiRequest.caller = caller
    if (input.previousResponseId !== undefined) {
      // Continuing a stored conversation stores the turn in it: nothing to keep apart.
      if (!input.store) throw responsesParameterError('store', 'store: false cannot be used with previous_response_id: the conversation it continues is stored', 'unsupported_value')
      const previous = await records.read(input.previousResponseId, owner)
      aiRequest.sessionId = previous.sessionId
    }
    const controller = abortWhenClientLeaves(reply)
    aiRequest.signal = controller.signal
    const id = `resp_${randomUUID().replaceAll('-', '')}`
    const startedAt = new Date().toISOString()
    const identity = { id, createdAt: unixSeconds(), model: '' }
    const previousId = input.previousResponseId
    if (previousId !== undefined) {
      // Claimed atomically before any model is asked: two requests continuing one response never
      // both get in (the second would see the first's turn in its conversation).
      if (!await records.claimHead(aiRequest.sessionId as string, previousId, id)) {
        throw responsesParameterError('previous_response_id', `Response "${previousId}" is not the latest of its conversation: only the latest response can be continued (branching is not supported)`)
      }
      try {
        return await answerResponse()
      } catch (error) {
        // Nothing was answered: the conversation's latest response is the previous one again.
        await records.releaseHead(aiRequest.sessionId as string, id, previousId).catch(function logged (storeError: unknown) {
          request.log.warn({ err: storeError }, 'could not give a conversation its latest response back')
        })
        throw error
      }
    }
    return await answerResponse()

    /** Ask the core, answer the client, store the response. */
    async function answerResponse (): Promise<ResponsesResponse | undefined> {
      if (!input.stream) {
        const answer = await fastify.ai.request(aiRequest)
        const response = toOpenAiResponsesAnswer(toOpenAiResponsesShell(input, { ...identity, model: answer.model }), answer)
        if (input.store) {
          await records.write(id, { sessionId: answer.sessionId, owner, response, startedAt }, true)
          setSessionHeader(reply, headerName, answer.sessionId)
        } else {
          await forgetSession(answer.sessionId, owner)
        }
        return response
      }

      // A new response is always a new turn: never attach to or replay an earlier answer.
      const stream = await fastify.ai.stream({ ...aiRequest, resume: false })
      const events = stream.events[Symbol.asyncIterator]()
      const shell = toOpenAiResponsesShell(input, { ...identity, model: stream.model })
      let first: AiStreamEvent | undefined
      try {
        const read = await events.next()
        first = read.done === true ? undefined : read.value
        if (input.store) {
          const record: ResponseRecord = { sessionId: stream.sessionId, owner, response: shell, startedAt }
          if (first !== undefined) record.stream = { firstEventId: Number(first.id), messages: input.messages }
          await records.write(id, record, true)
        }
      } catch (error) {
        await events.return?.().catch(function ignore () {})
        throw error
      }
      if (input.store) setSessionHeader(reply, headerName, stream.sessionId)
      await sendResponsesStream(reply, events, first, {
        writer: createOpenAiResponsesStreamWriter(shell),
        startingAfter: -1,
        heartbeatInterval,
        log: request.log,
        shutdown: shutdown.signal,
        abortRequest: function abortRequest () { controller.abort() },
        onEnd: async function storeEnd (response: ResponsesResponse) {
          if (!input.store) return
          const record: ResponseRecord = { sessionId: stream.sessionId, owner, response, startedAt }
          if (first !== undefined) record.stream = { firstEventId: Number(first.id), messages: input.messages }
          await records.write(id, record, false)
        }
      })
      if (!input.store) await forgetSession(stream.sessionId, owner)
      return undefined
    }
  })

  fastify.get('/responses/:id', async function retrieveResponse (request: FastifyRequest<{ Params: IdParams, Querystring: RetrieveQuery }>, reply) {
    const { id } = request.params
    const owner = options.getOwner?.(request)
    const startingAfter = readStartingAfter(request.query)
    const record = await records.read(id, owner)
    if (request.query.stream !== 'true') {
      if (record.response.status !== 'in_progress') return record.response
      // Its stream's client left before the end: the session's turn says how it ended.
      const head = await records.isHead(id, record.sessionId)
      return head ? rebuildFromTurn(record, await fastify.ai.getSession(record.sessionId, owner)) : record.response
    }
    if (record.stream === undefined) throw responsesParameterError('stream', `Response "${id}" was not streamed: retrieve it without stream=true`)
    // The session's event log holds the events of its latest streamed turn only.
    if (!await records.isHead(id, record.sessionId)) {
      throw responsesParameterError('stream', `Response "${id}" is no longer the latest of its conversation: its events are gone; retrieve it without stream=true`)
    }
    const controller = abortWhenClientLeaves(reply)
    // The same input as the turn's, so the core attaches to that turn's log, from its first event.
    const resumed = await fastify.ai.stream({
      sessionId: record.sessionId,
      messages: record.stream.messages,
      lastEventId: String(record.stream.firstEventId - 1),
      resume: true,
      // A retrieve: when the log holds another turn now, an error, never a new (paid) answer.
      resumeOnly: true,
      owner,
      signal: controller.signal
    })
    const shell: ResponsesResponse = { ...record.response, status: 'in_progress', output: [], usage: null, incomplete_details: null, error: null }
    await sendResponsesStream(reply, resumed.events[Symbol.asyncIterator](), undefined, {
      writer: createOpenAiResponsesStreamWriter(shell),
      startingAfter,
      heartbeatInterval,
      log: request.log,
      shutdown: shutdown.signal,
      abortRequest: function abortRequest () { controller.abort() }
    })
  })

  fastify.delete('/responses/:id', async function deleteResponse (request: FastifyRequest<{ Params: IdParams }>) {
    const { id } = request.params
    const owner = options.getOwner?.(request)
    const record = await records.read(id, owner)
    // The latest response takes its conversation with it: nothing can continue it any more.
    if (await records.remove(id, record)) await forgetSession(record.sessionId, owner)
    return { id, object: 'response', deleted: true }
  })

  fastify.post('/responses/:id/cancel', async function cancelResponse (request: FastifyRequest<{ Params: IdParams }>) {
    await records.read(request.params.id, options.getOwner?.(request))
    throw responsesParameterError('response_id', 'Only background responses can be cancelled, and this gateway does not create them (background is not supported)', 'unsupported_value')
  })
}
