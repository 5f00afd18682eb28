// Layer routes/ (the /api/v1 routes, their schemas, body -> core request). May import sse/ and the
// base files; see docs/architecture.md.

import type { FastifySchema, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Ai, AiStreamResponse } from '@platformatic/ai-provider'
import type { HttpOptions } from '../options.ts'
import type { PromptRequestBody } from '../protocol.ts'
import type { LiveStreams, LiveStream } from '../sse/live-streams.ts'
import { toAiStreamRequest } from './ai-request.ts'
import { errorResponses, promptBodySchema, streamHeadersSchema } from './schemas.ts'
import { setSessionHeader } from '../session-header.ts'
import { formatErrorFrame, formatEvent, openSse } from '../sse/sse-writer.ts'
import { readBatch } from '../sse/event-batches.ts'
import type { BatchedEvents } from '../sse/event-batches.ts'
import { sseConnection } from '../sse/sse-connection.ts'
import { recordStreamFailure } from '../observability/observability.ts'

interface StreamRoute {
  Body: PromptRequestBody
  Headers: { 'last-event-id'?: string }
}

function sseHeaders (request: FastifyRequest, reply: FastifyReply): Record<string, string | string[] | number> {
  // Headers set by hooks (CORS, the session header…) would be lost by hijack: carry them over.
  const headers: Record<string, string | string[] | number> = {}
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value
  }
  headers['content-type'] = 'text/event-stream'
  headers['cache-control'] = 'no-cache'
  headers['x-accel-buffering'] = 'no'
  const connection = sseConnection(request.raw, headers.connection)
  if (connection !== undefined) headers.connection = connection
  return headers
}

/** Write the core's events as SSE until `end` / `error`, the client leaving, or shutdown. */
async function pipeEvents (request: FastifyRequest, reply: FastifyReply, response: AiStreamResponse, abort: () => void, http: HttpOptions, live: LiveStreams): Promise<void> {
  const writer = openSse(reply.raw, sseHeaders(request, reply), http.heartbeatInterval, abort)
  const stream: LiveStream = { writer, abort }
  live.add(stream)
  const events: BatchedEvents = response.events[Symbol.asyncIterator]()
  let finished = false
  try {
    while (!writer.closed) {
      const batch = await readBatch(events)
      if (batch === undefined) break
      // All the events handed over together go out as one string, up to the last one.
      let frames = ''
      for (const event of batch) {
        frames += formatEvent(event)
        if (event.type === 'end' || event.type === 'error') {
          finished = true
          break
        }
      }
      // The last frames end the answer with them: one socket write for the data and the end.
      if (finished) {
        writer.end(frames)
        break
      }
      // Waits only when the socket is full (or the client left): no promise per write.
      if (!writer.send(frames) && !await writer.ready()) break
    }
    if (!finished && !writer.closed) {
      // A bug: said by the request's line (with the code of the frame), or here.
      if (!recordStreamFailure(request, { code: 'AI_INTERNAL_ERROR', message: 'The stream ended without an end event', statusCode: 500 })) {
        request.log.error({ sessionId: response.sessionId }, 'AI stream ended without an end event')
      }
      await writer.write(formatErrorFrame('AI_INTERNAL_ERROR', 'The stream ended unexpectedly'))
    }
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const known = typeof code === 'string' && code.startsWith('AI_')
    // A known failure (the store went away) is one line; only a bug is worth its stack. The
    // request's own line says it when it has one.
    const failure = known
      ? { code, message: (error as Error).message, statusCode: (error as { statusCode?: number }).statusCode ?? 500 }
      : { code: 'AI_INTERNAL_ERROR', message: 'Internal error', statusCode: 500, original: error }
    if (!recordStreamFailure(request, failure)) {
      if (known) request.log.warn({ code, sessionId: response.sessionId }, `AI stream failed: ${(error as Error).message}`)
      else request.log.error({ err: error, sessionId: response.sessionId }, 'AI stream failed')
    }
    await writer.write(formatErrorFrame(failure.code, failure.message))
  } finally {
    live.delete(stream)
    writer.end()
    // Lets the core run its cleanup (and, when the client left, abort upstream); it may be
    // suspended on an await, so do not wait for it.
    events.return?.().catch(function ignore () {})
  }
}

/** `POST streamPath`: the answer as Server-Sent Events, with resume (`Last-Event-ID`). */
export function streamRoute (fastify: FastifyInstance, ai: Ai, http: HttpOptions, live: LiveStreams): void {
  fastify.post<StreamRoute>(http.streamPath, {
    bodyLimit: http.bodyLimit.stream,
    schema: {
      operationId: 'stream',
      body: promptBodySchema(),
      headers: streamHeadersSchema,
      response: errorResponses
    } as FastifySchema
  }, async function stream (request, reply): Promise<void> {
    const controller = new AbortController()
    function abort (): void {
      controller.abort()
    }
    function onEarlyClose (): void {
      if (!reply.raw.writableEnded) abort()
    }
    // Until the stream starts, errors are JSON answers (thrown to the error handler).
    reply.raw.on('close', onEarlyClose)
    let response: AiStreamResponse
    try {
      response = await ai.stream(toAiStreamRequest(request, http, controller.signal))
    } finally {
      reply.raw.off('close', onEarlyClose)
    }
    setSessionHeader(reply, http.headerSessionIdName, response.sessionId)
    reply.hijack()
    if (controller.signal.aborted || reply.raw.destroyed) {
      abort()
      response.events[Symbol.asyncIterator]().return?.().catch(function ignore () {})
      return
    }
    await pipeEvents(request, reply, response, abort, http, live)
  })
}
