// Layer openai/ (the OpenAI-compatible routes and their wire format). May import sse/ and the base
// files; see docs/architecture.md.
//
// Only HTTP and SSE framing: what each frame says is the wire translator's
// (@platformatic/ai-provider's to-openai-chat-stream.ts).

import type { ServerResponse } from 'node:http'
import { AiShuttingDownError, createOpenAiChatStreamWriter, toOpenAiChatStreamError } from '@platformatic/ai-provider'
import type { AiStreamResponse, OpenAiChatStreamHeader } from '@platformatic/ai-provider'
import type { FastifyBaseLogger, FastifyReply } from 'fastify'
import { toOpenAiError } from './openai-error.ts'
import { sseConnection } from '../sse/sse-connection.ts'
import { recordStreamFailure } from '../observability/observability.ts'

/** What `sendChatStream` needs besides the core's stream. */
export interface ChatStreamOptions {
  /** What every chunk repeats. */
  header: OpenAiChatStreamHeader
  log: FastifyBaseLogger
  /** Fires when the server closes: the stream ends with an AI_SHUTTING_DOWN error frame. */
  shutdown: AbortSignal
  /** Stops the core request (its signal), so a pending read returns. */
  abortRequest: () => void
}

// Resolves when the socket can take more (or is gone): a slow reader must not make the
// gateway buffer a whole answer in memory.
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

async function writeData (raw: ServerResponse, data: unknown): Promise<void> {
  if (raw.destroyed || raw.writableEnded) return
  const ok = raw.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)
  if (!ok) await drained(raw)
}

/**
 * Send a started core stream as OpenAI `chat.completion.chunk` frames. Returns when the answer
 * ended, failed or the client left (the caller's AbortSignal, tied to the socket, stops upstream).
 */
export async function sendChatStream (reply: FastifyReply, stream: AiStreamResponse, options: ChatStreamOptions): Promise<void> {
  const raw = reply.raw
  reply.hijack()
  const headers: Record<string, string | number | string[]> = {}
  // Headers set before (session header, CORS, rate limits) must survive the hijack.
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
  function endForShutdown (): void {
    if (ended || raw.destroyed) return
    ended = true
    const error = new AiShuttingDownError()
    // Frame and end first, then abort: the loop must not report the aborted core stream as a failure.
    writeData(raw, toOpenAiChatStreamError(error.code, error.message)).catch(options.log.error.bind(options.log))
    raw.end()
    options.abortRequest()
  }
  if (options.shutdown.aborted) endForShutdown()
  options.shutdown.addEventListener('abort', endForShutdown)
  const writer = createOpenAiChatStreamWriter(options.header)
  try {
    await writeData(raw, writer.start())
    while (!ended && !raw.destroyed) {
      const next = await iterator.next()
      if (next.done === true) break
      for (const payload of writer.write(next.value)) await writeData(raw, payload)
      // The core's stream ends with `end` or `error`: nothing follows either.
      complete = next.value.type === 'end' || next.value.type === 'error'
      ended ||= complete
    }
    if (!ended && !raw.destroyed) {
      // The core's contract is to end with `end` or `error`; a stream that stops short must not look complete.
      const failure = { code: 'AI_PROVIDER_STREAM_ERROR', message: 'The answer ended unexpectedly' }
      recordStreamFailure(reply.request, { ...failure, statusCode: 502 })
      await writeData(raw, toOpenAiChatStreamError(failure.code, failure.message))
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
        if (known) options.log.warn({ code }, `OpenAI-compatible stream failed: ${(error as Error).message}`)
        else options.log.error({ err: error }, 'OpenAI-compatible stream failed')
      }
      await writeData(raw, toOpenAiError(error).body)
    }
  } finally {
    options.shutdown.removeEventListener('abort', endForShutdown)
    if (!complete && iterator.return !== undefined) {
      // Leaving the loop early (client gone, failure) must release the upstream call.
      await iterator.return().catch(function ignoreReturnFailure () {})
    }
    if (!raw.destroyed && !raw.writableEnded) raw.end()
  }
}
