// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// Anthropic's Messages API (`POST /v1/messages`), as its reference documents it
// (https://docs.anthropic.com/en/api/messages, /en/docs/build-with-claude/streaming,
// /extended-thinking, /prompt-caching, /structured-outputs, /en/api/errors): the request, the
// answer, the stream events and the error body. Written once for both directions: the
// provider side writes requests and reads answers, the inbound route reads requests and
// writes answers. Fields the gateway never reads are typed loosely (`unknown`) rather than
// left out, so a route can pass them on.

/** `cache_control` on a block, a tool or a system block: a cache breakpoint. */
export interface AnthropicCacheControl {
  type: 'ephemeral'
  /** `5m` (the default) or `1h`. */
  ttl?: '5m' | '1h'
}

/** A text block. */
export interface AnthropicTextBlock {
  type: 'text'
  text: string
  cache_control?: AnthropicCacheControl | null
  /** Citations of documents (answers only; never read by the gateway). */
  citations?: unknown[] | null
}

/** Where an image's bytes are: inline base64, or a URL Anthropic fetches. */
export type AnthropicImageSource =
  | { type: 'base64', media_type: 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp', data: string }
  | { type: 'url', url: string }

/** An image block (user messages and tool results). */
export interface AnthropicImageBlock {
  type: 'image'
  source: AnthropicImageSource
  cache_control?: AnthropicCacheControl | null
}

/** Where a document's content is: a base64 PDF, plain text, or a URL. */
export type AnthropicDocumentSource =
  | { type: 'base64', media_type: 'application/pdf', data: string }
  | { type: 'text', media_type: 'text/plain', data: string }
  | { type: 'url', url: string }

/** A document block (PDF or plain text) in a user message. */
export interface AnthropicDocumentBlock {
  type: 'document'
  source: AnthropicDocumentSource
  /** A title for the model (and citations). */
  title?: string | null
  /** Context about the document, not cited. */
  context?: string | null
  citations?: { enabled: boolean }
  cache_control?: AnthropicCacheControl | null
}

/** A call the model made: `input` is the arguments as a JSON object. */
export interface AnthropicToolUseBlock {
  type: 'tool_use'
  /** `toolu_…`; the `tool_result` answering it names it. */
  id: string
  name: string
  input: Record<string, unknown>
  cache_control?: AnthropicCacheControl | null
}

/** The result of a call, in the user message after the call's. */
export interface AnthropicToolResultBlock {
  type: 'tool_result'
  tool_use_id: string
  /** Text, or text and image blocks. */
  content?: string | Array<AnthropicTextBlock | AnthropicImageBlock>
  /** True when the tool failed; the model reads the content as an error. */
  is_error?: boolean
  cache_control?: AnthropicCacheControl | null
}

/** Extended thinking: the model's reasoning, signed; sent back unchanged in a tool loop. */
export interface AnthropicThinkingBlock {
  type: 'thinking'
  /** The (summarized) reasoning. */
  thinking: string
  /** Opaque; proves the block is the model's own. */
  signature: string
}

/** Reasoning flagged by safety systems, encrypted; sent back unchanged like a thinking block. */
export interface AnthropicRedactedThinkingBlock {
  type: 'redacted_thinking'
  data: string
}

/** A block of a request message. */
export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock

/** A message of a request: roles alternate, the first is `user`. */
export interface AnthropicMessage {
  role: 'user' | 'assistant'
  content: string | AnthropicContentBlock[]
}

/** A function the model may call. */
export interface AnthropicTool {
  name: string
  description?: string
  /** A JSON Schema of type object. */
  input_schema: Record<string, unknown>
  cache_control?: AnthropicCacheControl | null
  /** Hold the input to the schema exactly (structured outputs). */
  strict?: boolean
  /** Anthropic-defined tools (`bash_20250124`, `web_search_20250305`…) carry a `type`; custom ones may say `custom`. */
  type?: string
}

/** Whether and which tool the model must call. */
export type AnthropicToolChoice =
  | { type: 'auto', disable_parallel_tool_use?: boolean }
  | { type: 'any', disable_parallel_tool_use?: boolean }
  | { type: 'tool', name: string, disable_parallel_tool_use?: boolean }
  | { type: 'none' }

/** Extended thinking on or off. */
export type AnthropicThinkingConfig =
  | { type: 'enabled', budget_tokens: number }
  | { type: 'disabled' }

/** A JSON answer following a schema (structured outputs, `output_config.format`). */
export interface AnthropicOutputFormat {
  type: 'json_schema'
  schema: Record<string, unknown>
}

/** The body of `POST /v1/messages`. */
export interface AnthropicRequest {
  model: string
  messages: AnthropicMessage[]
  /** Required: the most tokens the answer may have. */
  max_tokens: number
  /** Instructions: a string, or text blocks (each may carry `cache_control`). */
  system?: string | AnthropicTextBlock[]
  stop_sequences?: string[]
  stream?: boolean
  /** 0..1, default 1. */
  temperature?: number
  top_p?: number
  top_k?: number
  tools?: AnthropicTool[]
  tool_choice?: AnthropicToolChoice
  thinking?: AnthropicThinkingConfig
  /** Structured outputs: `{ format: { type: 'json_schema', schema } }`. */
  output_config?: { format?: AnthropicOutputFormat, [key: string]: unknown }
  /** `{ user_id }`, an opaque id of the end user. */
  metadata?: { user_id?: string | null }
  /** `auto` or `standard_only`. */
  service_tier?: string
  /** Other fields (MCP servers, container…), passed on by the inbound route as they came. */
  [key: string]: unknown
}

/** Why the model stopped. */
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded'

/** Token counts of an answer; `input_tokens` excludes the cached and cache-written ones. */
export interface AnthropicUsage {
  input_tokens: number
  output_tokens: number
  /** Prompt tokens written to the cache by this request. */
  cache_creation_input_tokens?: number | null
  /** Prompt tokens read from the cache. */
  cache_read_input_tokens?: number | null
  /** Cache writes by TTL: `{ ephemeral_5m_input_tokens, ephemeral_1h_input_tokens }`. */
  cache_creation?: Record<string, number> | null
  server_tool_use?: Record<string, number> | null
  service_tier?: string | null
}

/**
 * A block of an answer. Server tools add others (`server_tool_use`, `web_search_tool_result`…),
 * which readers skip: check `type` before trusting the shape.
 */
export type AnthropicAnswerBlock =
  | AnthropicTextBlock
  | AnthropicToolUseBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock

/** The answer of `POST /v1/messages` (and the `message` of `message_start`, with empty content). */
export interface AnthropicResponse {
  /** `msg_…`. */
  id: string
  type: 'message'
  role: 'assistant'
  content: AnthropicAnswerBlock[]
  model: string
  /** Null in `message_start`; set in the answer and in `message_delta`. */
  stop_reason: AnthropicStopReason | null
  /** The stop sequence that matched, with `stop_sequence`. */
  stop_sequence: string | null
  usage: AnthropicUsage
}

/** A change to the block at `index` of a stream. */
export type AnthropicBlockDelta =
  | { type: 'text_delta', text: string }
  /** A fragment of a tool_use block's `input`, as JSON text; the fragments joined are the input. */
  | { type: 'input_json_delta', partial_json: string }
  | { type: 'thinking_delta', thinking: string }
  /** The thinking block's signature, sent just before its content_block_stop. */
  | { type: 'signature_delta', signature: string }
  | { type: 'citations_delta', citation: unknown }

/** The error object of an error body or an in-band `error` event. */
export interface AnthropicErrorObject {
  type: AnthropicErrorType
  message: string
}

/** Every error type, with its HTTP status in ANTHROPIC_ERROR_STATUS. */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error'

/** The HTTP status of each error type (the inbound route answers with it; 529 is Anthropic's own). */
export const ANTHROPIC_ERROR_STATUS: Readonly<Record<AnthropicErrorType, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529
}

/** An error answer: `{"type":"error","error":{"type","message"},"request_id"?}`. */
export interface AnthropicErrorBody {
  type: 'error'
  error: AnthropicErrorObject
  request_id?: string
}

/**
 * One event of a stream, its `type` also the SSE `event:` name. The order: message_start, then
 * per block content_block_start, its deltas, content_block_stop; then message_delta (stop
 * reason, final usage) and message_stop. `ping`s may come anywhere; an `error` event ends a
 * stream that failed after its 200 (an overloaded API, typically).
 */
export type AnthropicStreamEvent =
  | { type: 'message_start', message: AnthropicResponse }
  | { type: 'content_block_start', index: number, content_block: AnthropicAnswerBlock }
  | { type: 'content_block_delta', index: number, delta: AnthropicBlockDelta }
  | { type: 'content_block_stop', index: number }
  | {
    type: 'message_delta'
    delta: { stop_reason: AnthropicStopReason | null, stop_sequence: string | null }
    /** Cumulative: output_tokens so far (and the input counts, which some models repeat here). */
    usage: Partial<AnthropicUsage>
  }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error', error: AnthropicErrorObject }

/** The stream event types, in the order a block's life runs (for tables keyed by them). */
export type AnthropicStreamEventType = AnthropicStreamEvent['type']

/** The body of `POST /v1/messages/count_tokens` (a request's fields without max_tokens and stream). */
export type AnthropicCountTokensRequest = Omit<AnthropicRequest, 'max_tokens' | 'stream'>

/** The answer of `POST /v1/messages/count_tokens`. */
export interface AnthropicCountTokensResponse {
  input_tokens: number
}

/**
 * Rate-limit headers of every answer (and of a 429): `anthropic-ratelimit-<kind>-limit`,
 * `-remaining`, and `-reset` (RFC 3339), for kinds `requests`, `tokens`, `input-tokens`,
 * `output-tokens`; a 429 also has `retry-after` (seconds).
 */
export const ANTHROPIC_RATELIMIT_HEADER_PREFIX = 'anthropic-ratelimit-'
