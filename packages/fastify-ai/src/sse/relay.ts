// Layer sse/ (SSE frames, heartbeat, backpressure, open streams). May import the base files only;
// see docs/architecture.md.
//
// The one loop the wire-format routes stream with (OpenAI chat completions, OpenAI Responses,
// Anthropic Messages): the core's events through a format's writer, as SSE frames, with the
// heartbeat and backpressure of openSse. What can go wrong after the headers is handled here
// once: the server shutting down, the client leaving, a core stream that stops short, a failure.

import type { AiStreamEvent } from '@platformatic/ai-provider'
import type { FastifyBaseLogger, FastifyReply } from 'fastify'
import { openSse } from './sse-writer.ts'
import { readBatch } from './event-batches.ts'
import type { BatchedEvents } from './event-batches.ts'
import { sseConnection } from './sse-connection.ts'

/** A failure after the headers, as the request's log line and the error frame say it. */
export interface RelayFailure {
  code: string
  message: string
  statusCode: number
  /** The error itself, when it was not one of ours (a bug): logged, never shown. */
  original?: unknown
}

/** How one wire format writes a relayed stream. */
export interface RelayFormat {
  /** The API's name in log lines, e.g. `Anthropic Messages`. */
  readonly name: string
  /** The heartbeat frame. Default: the comment `: ping`. */
  readonly ping?: string
  /** Frames before the first event. */
  start (): string[]
  /** Frames of one core event (none, for an event the format cannot carry). */
  write (event: AiStreamEvent): string[]
  /** The in-band error frame of a failure after the headers; `error` is what was thrown, if anything was. */
  error (failure: RelayFailure, error?: unknown): string
}

/** What `relayStream` needs besides the events and the format. */
export interface RelayOptions {
  /** Milliseconds without a frame before a heartbeat. */
  heartbeatInterval: number
  log: FastifyBaseLogger
  /** Fires when the server closes: the stream ends with an AI_SHUTTING_DOWN error frame. */
  shutdown: AbortSignal
  /** Stops the core request (its signal), so a pending read returns. */
  abortRequest: () => void
  /** Puts a failure on the request's log line; false when the request has none (then it is logged here). */
  recordFailure: (failure: RelayFailure) => boolean
}

const SHUTTING_DOWN: RelayFailure = { code: 'AI_SHUTTING_DOWN', message: 'The server is shutting down', statusCode: 503 }
const CUT_SHORT: RelayFailure = { code: 'AI_PROVIDER_STREAM_ERROR', message: 'The answer ended unexpectedly', statusCode: 502 }

/** What a thrown error is on the wire: ours (AI_*) as it is, anything else an internal error. */
function failureOf (error: unknown): RelayFailure {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code.startsWith('AI_')) {
    return { code, message: (error as Error).message, statusCode: (error as { statusCode?: number }).statusCode ?? 500 }
  }
  return { code: 'AI_INTERNAL_ERROR', message: 'Internal error', statusCode: 500, original: error }
}

/**
 * Answer `events` as an SSE stream in `format`. Resolves true when the core's stream reached its
 * last event (`end` or `error`), false when it did not (client gone, failure, shutdown: the core's
 * iterator is then returned, which stops upstream).
 */
export async function relayStream (reply: FastifyReply, events: BatchedEvents, format: RelayFormat, options: RelayOptions): Promise<boolean> {
  reply.hijack()
  const headers: Record<string, string | number | string[]> = {}
  // Headers set before (session header, request id, CORS, rate limits) must survive the hijack.
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value
  }
  headers['content-type'] = 'text/event-stream; charset=utf-8'
  headers['cache-control'] = 'no-cache'
  headers['x-accel-buffering'] = 'no'
  const connection = sseConnection(reply.request.raw, headers.connection)
  if (connection !== undefined) headers.connection = connection
  const sse = openSse(reply.raw, headers, options.heartbeatInterval, options.abortRequest, format.ping)

  let complete = false
  function endForShutdown (): void {
    if (sse.closed) return
    // Frame and end first, then abort: the loop must not report the aborted core stream as a failure.
    sse.send(format.error(SHUTTING_DOWN))
    sse.end()
    options.abortRequest()
  }
  if (options.shutdown.aborted) endForShutdown()
  options.shutdown.addEventListener('abort', endForShutdown)
  try {
    const opening = format.start().join('')
    if (opening !== '') await sse.write(opening)
    while (!sse.closed) {
      const batch = await readBatch(events)
      if (batch === undefined) break
      // The frames of every event handed over together go out as one string, as on the native route.
      let frames = ''
      for (const event of batch) {
        for (const frame of format.write(event)) frames += frame
        // The core's stream ends with `end` or `error`: nothing follows either.
        complete = event.type === 'end' || event.type === 'error'
        if (complete) break
      }
      // The last frames end the answer with them: one socket write for both.
      if (complete) {
        sse.end(frames)
        break
      }
      // Waits only when the socket is full (or the client left).
      if (frames !== '' && !sse.send(frames) && !await sse.ready()) break
    }
    if (!complete && !sse.closed) {
      // The core's contract is to end with `end` or `error`; a stream that stops short must not look complete.
      options.recordFailure(CUT_SHORT)
      await sse.write(format.error(CUT_SHORT))
    }
  } catch (error) {
    if (!sse.closed) {
      const failure = failureOf(error)
      // A known failure (the store went away) is one line; only a bug is worth its stack. The
      // request's own line says it when it has one.
      if (!options.recordFailure(failure)) {
        if (failure.original === undefined) options.log.warn({ code: failure.code }, `${format.name} stream failed: ${failure.message}`)
        else options.log.error({ err: error }, `${format.name} stream failed`)
      }
      await sse.write(format.error(failure, error))
    }
  } finally {
    options.shutdown.removeEventListener('abort', endForShutdown)
    // Leaving early (client gone, failure) must release the upstream call.
    if (!complete) await events.return?.().catch(function ignoreReturnFailure () {})
    sse.end()
  }
  return complete
}
