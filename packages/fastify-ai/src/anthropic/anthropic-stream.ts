// Layer anthropic/ (the Anthropic Messages API route: HTTP, sessions and SSE around the
// wire/anthropic translators). May import sse/ and the base files; see docs/architecture.md.

import type { ServerResponse } from 'node:http'
import { AiShuttingDownError, createAnthropicStreamWriter, toAnthropicError } from '@platformatic/ai-provider'
import type { AnthropicAnswerHeader, AnthropicStreamEvent, AiStreamResponse } from '@platformatic/ai-provider'
import type { FastifyBaseLogger, FastifyReply } from 'fastify'
import { sseConnection } from '../sse/sse-connection.ts'
import { recordStreamFailure } from '../observability/observability.ts'

/** What `sendAnthropicStream` needs besides the core's stream. */
export interface AnthropicStreamOptions {
  /** The message's id and model. */
  header: AnthropicAnswerHeader
  /** Input tokens for `message_start` (an estimate; `message_delta` has the count). */
  inputTokens: number
  /** Milliseconds without an event before a `ping` event. */
  heartbeatInterval: number
  log: FastifyBaseLogger
  /** Fires when the server closes: the stream ends with an in-band overloaded error. */
  shutdown: AbortSignal
  /** Stops the core request (its signal), so a pending read returns. */
  abortRequest: () => void
}

// Resolves when the socket can take more (or is gone): a slow reader must not make the gateway
// buffer a whole answer in memory.
function drained (raw: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    function done (): void {
      raw.off('drain', done)
      raw.off('close', done)
      resolve()
    }
    raw.on('drain', done)
    raw.on('close', done)
  })
}

/** One SSE frame: the event's type is its `event:` name, as Anthropic sends them (its SDK skips frames without one). */
function frame (event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}

const PING = frame({ type: 'ping' })

async function writeFrame (raw: ServerResponse, text: string): Promise<void> {
  if (raw.destroyed || raw.writableEnded) return
  if (!raw.write(text)) await drained(raw)
}

/**
 * Send a started core stream as Messages API events. Returns when the answer ended, failed or the
 * client left (the caller's AbortSignal, tied to the socket, stops upstream).
 */
export async function sendAnthropicStream (reply: FastifyReply, stream: AiStreamResponse, options: AnthropicStreamOptions): Promise<void> {
  const raw = reply.raw
  reply.hijack()
  const headers: Record<string, string | number | string[]> = {}
  // Headers set before (request-id, session header, CORS, rate limits) must survive the hijack.
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value
  }
  headers['content-type'] = 'text/event-stream; charset=utf-8'
  headers['cache-control'] = 'no-cache'
  headers['x-accel-buffering'] = 'no'
  const connection = sseConnection(reply.request.raw, headers.connection)
  if (connection !== undefined) headers.connection = connection
  raw.writeHead(200, headers)

  // ended: nothing more is written; complete: the core's stream sent its last event.
  let ended = false
  let complete = false
  const iterator = stream.events[Symbol.asyncIterator]()
  // A ping whenever nothing was written for a while, as Anthropic's own streams do, so proxies
  // and clients keep a slow answer's connection.
  const heartbeat = setInterval(function ping () {
    if (!ended && !raw.destroyed && !raw.writableNeedDrain) raw.write(PING)
  }, options.heartbeatInterval)
  heartbeat.unref()
  function endForShutdown (): void {
    if (ended || raw.destroyed) return
    ended = true
    const error = new AiShuttingDownError()
    // Frame and end first, then abort: the loop must not report the aborted core stream as a failure.
    writeFrame(raw, frame({ type: 'error', error: toAnthropicError(error).body.error })).catch(options.log.error.bind(options.log))
    raw.end()
    options.abortRequest()
  }
  if (options.shutdown.aborted) endForShutdown()
  options.shutdown.addEventListener('abort', endForShutdown)
  const writer = createAnthropicStreamWriter(options.header, { inputTokens: options.inputTokens })
  try {
    for (const event of writer.start()) await writeFrame(raw, frame(event))
    await writeFrame(raw, PING)
    while (!ended && !raw.destroyed) {
      const next = await iterator.next()
      if (next.done === true) break
      for (const event of writer.write(next.value)) await writeFrame(raw, frame(event))
      heartbeat.refresh()
      // The core's stream ends with `end` or `error`: nothing follows either.
      complete = next.value.type === 'end' || next.value.type === 'error'
      ended ||= complete
    }
    if (!ended && !raw.destroyed) {
      // The core's contract is to end with `end` or `error`; a stream that stops short must not look complete.
      const failure = { code: 'AI_PROVIDER_STREAM_ERROR', message: 'The answer ended unexpectedly', statusCode: 502 }
      recordStreamFailure(reply.request, failure)
      await writeFrame(raw, frame({ type: 'error', error: toAnthropicError(failure).body.error }))
    }
  } catch (error) {
    if (!ended) {
      const code = (error as { code?: unknown }).code
      const known = typeof code === 'string' && code.startsWith('AI_')
      // A known failure (the store went away) is one line; only a bug is worth its stack. The
      // request's own line says it when it has one.
      const failure = known
        ? { code, message: (error as Error).message, statusCode: (error as { statusCode?: number }).statusCode ?? 500 }
        : { code: 'AI_INTERNAL_ERROR', message: 'Internal error', statusCode: 500, original: error }
      if (!recordStreamFailure(reply.request, failure)) {
        if (known) options.log.warn({ code }, `Anthropic Messages stream failed: ${(error as Error).message}`)
        else options.log.error({ err: error }, 'Anthropic Messages stream failed')
      }
      await writeFrame(raw, frame({ type: 'error', error: toAnthropicError(error).body.error }))
    }
  } finally {
    clearInterval(heartbeat)
    options.shutdown.removeEventListener('abort', endForShutdown)
    if (!complete && iterator.return !== undefined) {
      // Leaving the loop early (client gone, failure) must release the upstream call.
      await iterator.return().catch(function ignoreReturnFailure () {})
    }
    if (!raw.destroyed && !raw.writableEnded) raw.end()
  }
}
