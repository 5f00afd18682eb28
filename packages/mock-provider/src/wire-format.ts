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
  /** OpenAI Responses: the reasoning summary to answer with, and the `encrypted_content` issued for it. */
  reasoning?: { text: string, encryptedContent: string }
  /** OpenAI Responses: the request body, whose settings the Response object echoes. */
  request?: Record<string, unknown>
}

/** The data payloads of a stream, in order; the writer adds `data: ` and line endings. */
export interface StreamScript {
  /** Frames before the first content delta (role chunk, keep-alive chunks). */
  before: string[]
  /** One frame per content delta. */
  deltas: string[]
  /** Frames after the last delta (finish chunk, usage chunk, `[DONE]`). */
  after: string[]
  /**
   * Frames sent right before `deltas[i]` that do not count as deltas (lifecycle events between
   * two deltas, such as the Responses API's item done/added events between two output items).
   */
  leading?: string[][]
  /**
   * The in-band error frame of a stream failing after `written` frames, for formats whose failure
   * frame wraps the error object (the Responses API's `response.failed`, numbered in sequence).
   * `error` is the behaviour's `errorBody` or the format's `inBandError()`. Default: `error` alone.
   */
  failure?: (written: number, error: unknown) => string
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
