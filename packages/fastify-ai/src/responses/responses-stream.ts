// Layer responses/ (the OpenAI Responses API routes: HTTP, sessions, SSE). May import sse/ and
// the base files; see docs/architecture.md.
//
// A streamed response on the wire: the core's events through the Responses stream writer, as
// `event: <type>` / `data: <json>` frames, from `starting_after` on (a resume replays the turn's
// events from its first one: the writer numbers them as it did the first time).

import type { AiStreamEvent, OpenAiResponsesStreamWriter, ResponsesResponse, ResponsesStreamEvent } from '@platformatic/ai-provider'
import type { FastifyBaseLogger, FastifyReply } from 'fastify'
import { relayStream } from '../sse/relay.ts'
import type { RelayFailure, RelayFormat } from '../sse/relay.ts'
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

/** The `error` event of a failure the core's stream did not carry (it has no place in the numbering). */
function errorFrame (failure: RelayFailure): string {
  return `event: error\ndata: ${JSON.stringify({ type: 'error', code: failure.code, message: failure.message, param: null, sequence_number: -1 })}\n\n`
}

/** `first` (already read, when given), then the rest of `events`. */
async function * startingWith (first: AiStreamEvent | undefined, events: AsyncIterator<AiStreamEvent>): AsyncGenerator<AiStreamEvent, void, undefined> {
  try {
    if (first !== undefined) yield first
    while (true) {
      const next = await events.next()
      if (next.done === true) return
      yield next.value
    }
  } finally {
    // Left early: the core's stream is released with it.
    await events.return?.()
  }
}

/** Stream `events` (the first one already read, when given) to the client as typed events. */
export async function sendResponsesStream (reply: FastifyReply, events: AsyncIterator<AiStreamEvent>, first: AiStreamEvent | undefined, options: ResponsesStreamOptions): Promise<void> {
  const { writer, startingAfter } = options
  function numbered (typed: ResponsesStreamEvent[]): string[] {
    const frames: string[] = []
    for (const event of typed) {
      if (event.sequence_number > startingAfter) frames.push(frameOf(event))
    }
    return frames
  }
  const format: RelayFormat = {
    name: 'Responses',
    start: function start () { return numbered(writer.start()) },
    write: function write (event) { return numbered(writer.write(event)) },
    error: errorFrame
  }
  await relayStream(reply, startingWith(first, events), format, {
    heartbeatInterval: options.heartbeatInterval,
    log: options.log,
    shutdown: options.shutdown,
    abortRequest: options.abortRequest,
    recordFailure: function recordFailure (failure) { return recordStreamFailure(reply.request, failure) }
  })
  const final = writer.final
  if (final !== undefined && options.onEnd !== undefined) {
    await options.onEnd(final).catch(function logStoreFailure (error: unknown) {
      options.log.warn({ err: error }, 'the finished response could not be stored')
    })
  }
}
