import type { IncomingHttpHeaders } from 'node:http'

/**
 * Which provider's wire format a request was spoken in, decided by its path: `openai` is chat
 * completions (`/v1/chat/completions`) and embeddings (`/v1/embeddings`), `openai-responses`
 * OpenAI's Responses API (`/v1/responses`), `deepseek` `/chat/completions`, `gemini` the
 * `/v1beta/models/…` paths, `anthropic` `/v1/messages`.
 */
export type MockProviderName = 'openai' | 'openai-responses' | 'deepseek' | 'gemini' | 'anthropic'

/** Token counts the mock reports, in the provider's own usage fields. */
export interface MockUsage {
  /** Tokens of the prompt (OpenAI `prompt_tokens`, Gemini `promptTokenCount`). */
  promptTokens: number
  /** Tokens of the answer (OpenAI `completion_tokens`, Gemini `candidatesTokenCount`). */
  completionTokens: number
  /**
   * Prompt tokens read from the provider's cache: OpenAI `prompt_tokens_details.cached_tokens`,
   * DeepSeek `prompt_cache_hit_tokens` (and the same `prompt_tokens_details` field), Gemini
   * `cachedContentTokenCount`, Anthropic `cache_read_input_tokens`. Default 0 (Gemini: omitted).
   */
  cachedTokens?: number
  /** Anthropic: prompt tokens written to the cache (`cache_creation_input_tokens`). Default 0. */
  cacheCreationTokens?: number
  /**
   * Tokens the model spent thinking: OpenAI and DeepSeek `completion_tokens_details.reasoning_tokens`,
   * Gemini `thoughtsTokenCount`. Default 0 (DeepSeek and Gemini: omitted).
   */
  reasoningTokens?: number
}

/** A tool call the mock answers with. */
export interface MockToolCall {
  /** The call's id. OpenAI default: `call_<n>`. Gemini: sent as `functionCall.id` only when given (the Developer API leaves the optional field out). */
  id?: string
  /** The function's name. */
  name: string
  /** The arguments as the JSON text the model "produced"; sent as is to OpenAI (even malformed), parsed into `args` for Gemini (`{}` when it is not JSON). */
  arguments: string
  /** Gemini: the `thoughtSignature` on this call's part (Gemini 3 puts one on the first call of a parallel answer only). Ignored by OpenAI. */
  thoughtSignature?: string
}

/**
 * How the mock answers one request. Every field is optional; an empty object answers
 * `Echo: <last user message>` with the provider's usual shape. Fault fields counting
 * "deltas" count content deltas already written (0 = before the first one).
 */
export interface MockBehaviour {
  /** The whole answer. Default: `Echo: <text of the last user message>`. */
  text?: string
  /** Stream chunks. Default: `text` split after each space (at least one chunk). */
  deltas?: string[]
  /** The provider's own finish reason. Default `stop` (Gemini `STOP`); e.g. `length` / `MAX_TOKENS`. */
  finishReason?: string
  /** Reported usage. Default: computed from the words of the prompt and the answer; `false` omits usage. */
  usage?: MockUsage | false
  /** Answer this HTTP status with the provider's real error body (e.g. 400, 401, 403, 404, 429, 500, 503). */
  status?: number
  /** `Retry-After` header value sent with `status` (Gemini 429 also gets a RetryInfo detail). */
  retryAfter?: string
  /**
   * Replaces the error body JSON (for `status`) and the in-band error object (for `inBandErrorAfter`;
   * Responses API: the `error` of the `response.failed` event's response, the event staying whole).
   */
  errorBody?: unknown
  /** Wait this long before sending the response headers. */
  headersDelayMs?: number
  /** Wait this long between stream frames. */
  deltaDelayMs?: number
  /** After N deltas stop writing and keep the socket open until the client closes it. Non-stream: headers only. */
  stallAfter?: number
  /** After N deltas destroy the socket, without any terminator. Non-stream: after half the body. */
  cutAfter?: number
  /** Write every SSE frame in several writes, split inside `data:`, inside a multi-byte UTF-8 character and inside the line ending. */
  splitFrames?: boolean
  /** SSE line endings: `true` CRLF, `false` LF. Default LF for OpenAI/DeepSeek, CRLF for Gemini (as the real API). */
  crlf?: boolean
  /** OpenAI/DeepSeek: send a chunk with `"choices": []` (keep-alive / filter-results style) before the deltas. */
  emptyChoicesChunk?: boolean
  /**
   * After N deltas send an in-band error object (`data: {"error":{...}}`) and end the stream without
   * terminator. Responses API: a `response.failed` event (its response `status: 'failed'`,
   * `error: { code: 'server_error', message }`), numbered next in sequence.
   */
  inBandErrorAfter?: number
  /** After N deltas send a frame whose data is not JSON and end the stream. Non-stream: a body that is not JSON. */
  malformedAfter?: number
  /**
   * 200 with empty content (non-stream) or no content delta (stream). Gemini: a candidate content
   * without parts. Responses API: an `output` without a message item (nor tool calls).
   */
  emptyAnswer?: boolean
  /**
   * Answer with these tool calls, after the text if `text` (or `deltas`) is given, alone otherwise.
   * OpenAI: `message.tool_calls`, `finish_reason` `tool_calls`, `content` null without text; a
   * stream sends each call as OpenAI does (a first delta with `index`, `id`, `type` and
   * `function.name`, then `function.arguments` fragments), calls one after the other by index.
   * Gemini: `functionCall` parts (with `thoughtSignature` when given), `finishReason` `STOP`; a
   * stream sends every call whole in one chunk. Responses API: `function_call` output items after
   * the message (`call_id` the call's `id`, default `call_<answer>_<index>`); a stream sends each
   * item's arguments in `response.function_call_arguments.delta` fragments. The fault counters
   * count tool-call deltas too.
   */
  toolCalls?: MockToolCall[]
  /**
   * OpenAI stream of `toolCalls`: split names and arguments where the format allows but the API
   * rarely does: each name over two deltas (the second one carries only `index` and the rest of
   * `function.name`, which the format's accumulation rule appends), arguments after their first
   * character, inside the first string value, and inside the first escape sequence. Responses API:
   * the same cuts of the arguments (the name comes whole in `response.output_item.added`).
   */
  awkwardToolDeltas?: boolean
  /**
   * Gemini: answer 400 INVALID_ARGUMENT, as Gemini 3 does, when the request's current turn holds a
   * model step whose first `functionCall` part carries no `thoughtSignature`, or carries one the
   * mock never issued. The current turn starts at the last `user` content holding something other
   * than `functionResponse` parts; earlier turns are not checked. Gemini's documented dummy values
   * `skip_thought_signature_validator` and `context_engineering_is_the_way_to_go` pass, as do the
   * signatures of any `toolCalls` this mock answered with.
   */
  requireThoughtSignatures?: boolean
  /**
   * Anthropic: a thinking block with this text before the answer, signed with a signature the
   * mock issues (a stream sends it as thinking_delta fragments and a signature_delta). Whatever
   * the behaviour, a request with `thinking` enabled is refused (400) when the assistant message
   * its tool results answer does not start with a thinking block, or carries a signature the mock
   * never issued, as the API does.
   */
  thinking?: string
  /**
   * Responses API: a reasoning item with this summary text before the answer, `{ type: 'reasoning',
   * id: 'rs_…', summary: [{ type: 'summary_text', text }], encrypted_content }`, its encrypted
   * content an opaque string the mock issues (a stream sends the summary as
   * `response.reasoning_summary_text.delta` events, which the fault counters do not count).
   * Whatever the behaviour, a request whose `input` holds a reasoning item with an
   * `encrypted_content` the mock never issued is refused (400 `invalid_encrypted_content`).
   */
  reasoning?: string
}

/** One request the mock received (kept only when recording). */
export interface MockRequest {
  /** The wire format, by path (OpenAI-compatible clients hit the `openai` path, their Responses API `openai-responses`). */
  provider: MockProviderName
  /** The request URL path, with its query string. */
  path: string
  /** Model name: the body's `model` (OpenAI/DeepSeek/Anthropic) or the path segment (Gemini). */
  model: string
  /** Whether a stream was asked for (`stream: true` or `:streamGenerateContent`). */
  stream: boolean
  /** Request headers as Node received them (lower-case names). */
  headers: IncomingHttpHeaders
  /** The parsed JSON body (`undefined` when the body was not JSON). Read its images with `requestImages()`. */
  body: any
  /** True once the client closed the connection before the mock finished answering. */
  closedEarly: boolean
  /** Resolves when the exchange is over: `true` if the client closed early. */
  closed: Promise<boolean>
}

/** Options of `createMockProvider`. */
export interface MockProviderOptions {
  /** Port to listen on. Default 0 (a free port). */
  port?: number
  /** Host to listen on. Default `127.0.0.1`. */
  host?: string
  /** Keep received requests in `mock.requests`. Default true; false keeps memory flat (benchmarks). */
  record?: boolean
  /**
   * Demo mode: the default answer also says how many earlier turns reached the model and quotes
   * the last one (`Echo: What is my name? (1 earlier turn; the last one: "My name is Ada.")`), so a
   * session visibly differs from a fresh prompt. Default false: tests rely on `Echo: <prompt>`.
   */
  demo?: boolean
}

/** A running mock provider server. */
export interface MockProvider {
  /** Origin of the server, e.g. `http://127.0.0.1:34567`. */
  url: string
  /** The port the server listens on. */
  port: number
  /** Requests received, in order (empty when `record: false`). */
  readonly requests: MockRequest[]
  /** Number of requests received since start or the last `reset()`, recorded or not. */
  readonly requestCount: number
  /** Sets the default behaviour of a model name, for all providers; `'*'` applies to every model without its own. */
  setBehaviour (model: string, behaviour: MockBehaviour): void
  /** Queues one-shot behaviours for a model, consumed one per request before the default. */
  enqueue (model: string, ...behaviours: MockBehaviour[]): void
  /** Resolves once `n` requests were received since start or the last `reset()`. */
  waitForRequests (n: number): Promise<void>
  /** Forgets behaviours, queues, recorded requests and the signatures (and encrypted reasoning) answered so far. */
  reset (): void
  /** Stops listening and closes every open connection. */
  close (): Promise<void>
}
