// Layer responses/ (the OpenAI Responses API routes: HTTP, sessions, SSE). May import sse/ and
// the base files; see docs/architecture.md.
//
// A streamed response on the wire: the core's events through the Responses stream writer, as
// `event: <type>` / `data: <json>` frames, from `starting_after` on (a resume replays the turn's
// events from its first one: the writer numbers them as it did the first time).

import type { AiStreamEvent, OpenAiResponsesStreamWriter, ResponsesResponse, ResponsesStreamEvent } from '@platformatic/ai-provider'
import { AiShuttingDownError } from '@platformatic/ai-provider'
import type { FastifyBaseLogger, FastifyReply } from 'fastify'
import { openSse } from '../sse/sse-writer.ts'
import { recordStreamFailure } from '../observability/observability.ts'

/** What one streamed answer needs besides its events. */
export interface ResponsesStreamOptions {
  /** The writer, fresh (it numbers from 0). */
  writer: OpenAiResponsesStreamWriter
  /** Send only the events numbered above this (-1: all). */
  startingAfter: number
  heartbeatInterval: number
  log: FastifyBaseLogger
  /** Fires when the server closes: the stream ends with an `error` event. */
  shutdown: AbortSignal
  /** Releases the core's request (client gone). */
  abortRequest: () => void
  /** Told the response once its end was written (to store it). */
  onEnd?: (response: ResponsesResponse) => Promise<void>
}

function frameOf (event: ResponsesStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}

function errorFrame (code: string, message: string): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', code, message, param: null, sequence_number: -1 })}\n\n`
}

/** Stream `events` (the first one already read, when given) to the client as typed events. */
export async function sendResponsesStream (reply: FastifyReply, events: AsyncIterator<AiStreamEvent>, first: AiStreamEvent | undefined, options: ResponsesStreamOptions): Promise<void> {
  reply.hijack()
  const headers: Record<string, string> = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (typeof value === 'string') headers[name] = value
  }
  const sse = openSse(reply.raw, headers, options.heartbeatInterval, options.abortRequest)
  const { writer, startingAfter } = options
  let complete = false

  async function send (typed: ResponsesStreamEvent[]): Promise<void> {
    for (const event of typed) {
      if (event.sequence_number > startingAfter) await sse.write(frameOf(event))
    }
  }

  function endForShutdown (): void {
    if (sse.closed) return
    const error = new AiShuttingDownError()
    sse.send(errorFrame(error.code, error.message))
    sse.end()
    options.abortRequest()
  }
  if (options.shutdown.aborted) endForShutdown()
  options.shutdown.addEventListener('abort', endForShutdown)
  try {
    await send(writer.start())
    let next = first
    while (!sse.closed) {
      if (next === undefined) {
        const read = await events.next()
        if (read.done === true) break
        next = read.value
      }
      await send(writer.write(next))
      complete = next.type === 'end' || next.type === 'error'
      next = undefined
      if (complete) break
    }
    if (!complete && !sse.closed) {
      const failure = { code: 'AI_PROVIDER_STREAM_ERROR', message: 'The answer ended unexpectedly' }
      recordStreamFailure(reply.request, { ...failure, statusCode: 502 })
      await sse.write(errorFrame(failure.code, failure.message))
    }
  } catch (error) {
    if (!sse.closed) {
      const code = (error as { code?: unknown }).code
      const known = typeof code === 'string' && code.startsWith('AI_')
      const failure = known
        ? { code, message: (error as Error).message, statusCode: (error as { statusCode?: number }).statusCode ?? 500 }
        : { code: 'AI_INTERNAL_ERROR', message: 'Internal error', statusCode: 500, original: error }
      if (!recordStreamFailure(reply.request, failure)) options.log.warn({ err: error }, 'Responses stream failed')
      await sse.write(errorFrame(failure.code, failure.message))
    }
  } finally {
    options.shutdown.removeEventListener('abort', endForShutdown)
    // Leaving early (client gone, failure) releases the core's stream and its upstream call.
    if (!complete) await events.return?.().catch(function ignoreReturnFailure () {})
    sse.end()
  }
  const final = writer.final
  if (final !== undefined && options.onEnd !== undefined) {
    await options.onEnd(final).catch(function logStoreFailure (error: unknown) {
      options.log.warn({ err: error }, 'the finished response could not be stored')
    })
  }
}
