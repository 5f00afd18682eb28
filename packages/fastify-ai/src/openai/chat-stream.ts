// Layer openai/ (the OpenAI-compatible routes and their wire format). May import sse/ and the base
// files; see docs/architecture.md.
//
// Only HTTP and SSE framing: what each frame says is the wire translator's
// (@platformatic/ai-provider's to-openai-chat-stream.ts); the loop is sse/relay.ts's.

import { createOpenAiChatStreamWriter, toOpenAiChatStreamError } from '@platformatic/ai-provider'
import type { AiStreamResponse, OpenAiChatStreamHeader } from '@platformatic/ai-provider'
import type { FastifyBaseLogger, FastifyReply } from 'fastify'
import { toOpenAiError } from './openai-error.ts'
import { relayStream } from '../sse/relay.ts'
import type { RelayFailure, RelayFormat } from '../sse/relay.ts'
import { recordStreamFailure } from '../observability/observability.ts'

/** What `sendChatStream` needs besides the core's stream. */
export interface ChatStreamOptions {
  /** What every chunk repeats. */
  header: OpenAiChatStreamHeader
  /** Milliseconds without a chunk before a `: ping` comment (the SDKs skip comments). */
  heartbeatInterval: number
  log: FastifyBaseLogger
  /** Fires when the server closes: the stream ends with an AI_SHUTTING_DOWN error frame. */
  shutdown: AbortSignal
  /** Stops the core request (its signal), so a pending read returns. */
  abortRequest: () => void
}

function data (payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`
}

/**
 * A failure after the headers: OpenAI's in-band error object, which the openai SDK raises as an
 * APIError and the Vercel AI SDK as an error part. No `[DONE]` follows. A thrown error is
 * answered as the same error would be before the headers; the gateway's own (shutdown, a
 * stream cut short) as a server error with our code.
 */
function errorFrame (failure: RelayFailure, error?: unknown): string {
  return data(error === undefined ? toOpenAiChatStreamError(failure.code, failure.message) : toOpenAiError(error).body)
}

/**
 * Send a started core stream as OpenAI `chat.completion.chunk` frames. Returns when the answer
 * ended, failed or the client left (the caller's AbortSignal, tied to the socket, stops upstream).
 */
export async function sendChatStream (reply: FastifyReply, stream: AiStreamResponse, options: ChatStreamOptions): Promise<void> {
  const writer = createOpenAiChatStreamWriter(options.header)
  const format: RelayFormat = {
    name: 'OpenAI-compatible',
    start: function start () { return [data(writer.start())] },
    write: function write (event) { return writer.write(event).map(data) },
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
