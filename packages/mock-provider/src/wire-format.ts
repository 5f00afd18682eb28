import type { Answer } from './answer.ts'
import type { MockProviderName } from './types.ts'

/** Per-request facts a wire format needs besides the answer. */
export interface FormatContext {
  /** Which provider's dialect to speak. */
  provider: MockProviderName
  /** Answer id (`chatcmpl-…` / Gemini `responseId`). */
  id: string
  /** Unix seconds of the answer. */
  created: number
  /** OpenAI `stream_options.include_usage`. */
  includeUsage: boolean
  /** OpenAI: add a chunk with `"choices": []` before the deltas. */
  emptyChoicesChunk: boolean
  /** Anthropic: the thinking block to answer with, and its signature. */
  thinking?: { text: string, signature: string }
}

/** The data payloads of a stream, in order; the writer adds `data: ` and line endings. */
export interface StreamScript {
  /** Frames before the first content delta (role chunk, keep-alive chunks). */
  before: string[]
  /** One frame per content delta. */
  deltas: string[]
  /** Frames after the last delta (finish chunk, usage chunk, `[DONE]`). */
  after: string[]
}

/** How one provider family writes answers and errors. */
export interface WireFormat {
  /** Default SSE line ending of the real API. */
  crlf: boolean
  /** Content-Type of a JSON answer. */
  jsonContentType: string
  /** Content-Type of a stream. */
  streamContentType: string
  /** The whole (non-stream) answer body. */
  completion (answer: Answer, context: FormatContext): unknown
  /** The frames of a streamed answer. */
  streamScript (answer: Answer, context: FormatContext): StreamScript
  /** The provider's error body for an HTTP status. */
  errorBody (status: number, model: string, retryAfter: string | undefined): unknown
  /** The object sent in-band in a stream when it fails midway. */
  inBandError (): unknown
  /** Headers sent with an error status besides `retry-after` (Anthropic's rate-limit headers). */
  errorHeaders? (status: number, retryAfter: string | undefined): Record<string, string> | undefined
  /** The SSE `event:` name of a frame, for formats that name their events (Anthropic). */
  eventName? (payload: string): string | undefined
}
