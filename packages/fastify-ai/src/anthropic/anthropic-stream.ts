// Layer anthropic/ (the Anthropic Messages API route: HTTP, sessions and SSE around the
// wire/anthropic translators). May import sse/ and the base files; see docs/architecture.md.
//
// Only SSE framing: what each event says is the wire translator's (to-anthropic-stream.ts); the
// loop is sse/relay.ts's.

import { createAnthropicStreamWriter, toAnthropicError } from '@platformatic/ai-provider'
import type { AnthropicAnswerHeader, AnthropicStreamEvent, AiStreamResponse } from '@platformatic/ai-provider'
import type { FastifyBaseLogger, FastifyReply } from 'fastify'
import { relayStream } from '../sse/relay.ts'
import type { RelayFailure, RelayFormat } from '../sse/relay.ts'
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

/** One SSE frame: the event's type is its `event:` name, as Anthropic sends them (its SDK skips frames without one). */
function frame (event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
}

/** A `ping` whenever nothing was written for a while, as Anthropic's own streams do. */
const PING = frame({ type: 'ping' })

/** An in-band `error` event: the failure in Anthropic's terms (a thrown error as it would be answered before the headers). */
function errorFrame (failure: RelayFailure, error?: unknown): string {
  return frame({ type: 'error', error: toAnthropicError(error ?? failure).body.error })
}

/**
 * Send a started core stream as Messages API events. Returns when the answer ended, failed or the
 * client left (the caller's AbortSignal, tied to the socket, stops upstream).
 */
export async function sendAnthropicStream (reply: FastifyReply, stream: AiStreamResponse, options: AnthropicStreamOptions): Promise<void> {
  const writer = createAnthropicStreamWriter(options.header, { inputTokens: options.inputTokens })
  const format: RelayFormat = {
    name: 'Anthropic Messages',
    ping: PING,
    start: function start () { return [...writer.start().map(frame), PING] },
    write: function write (event) { return writer.write(event).map(frame) },
    error: errorFrame
  }
  await relayStream(reply, stream.events[Symbol.asyncIterator](), format, {
    heartbeatInterval: options.heartbeatInterval,
    log: options.log,
    shutdown: options.shutdown,
    abortRequest: options.abortRequest,
    recordFailure: function recordFailure (failure) { return recordStreamFailure(reply.request, failure) }
  })
}
