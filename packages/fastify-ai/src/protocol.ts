// The HTTP protocol of AI Warp (shared/SPEC.md §5), as types. @platformatic/ai-client imports
// these with `import type` only, so the client and the server cannot drift apart.

/** How an answer ended: `TOOL_CALLS` when the model stopped for its tool calls to be run. */
export type AiResult = 'COMPLETE' | 'INCOMPLETE_MAX_TOKENS' | 'INCOMPLETE_UNKNOWN' | 'TOOL_CALLS'

/** Token usage reported by the provider that answered. */
export interface AiUsage {
  promptTokens: number
  completionTokens: number
  totalTokens: number
  /** Of `promptTokens`, those the provider read from its prompt cache, when it says. */
  cachedPromptTokens?: number
  /** Of `completionTokens`, those the model spent reasoning, when the provider says. */
  reasoningTokens?: number
  /** What the answer cost, in the currency of the model's configured `price`, when it has one. */
  cost?: number
}

/** Text, as a part of a message's content. */
export interface TextPart {
  type: 'text'
  text: string
}

/** An image: an `https:` URL or a base64 `data:` URL (`image/png`, `image/jpeg`, `image/gif`, `image/webp`). */
export interface ImagePart {
  type: 'image'
  /** `https://…` or `data:image/png;base64,…`. */
  url: string
  /** The image's media type; read from a `data:` URL when absent. */
  mediaType?: string
  /** OpenAI's `detail` hint, for providers that read it. */
  detail?: 'auto' | 'low' | 'high'
}

/** A document (a PDF, text…), inline as base64. */
export interface FilePart {
  type: 'file'
  /** The file's bytes, base64. */
  data: string
  /** `application/pdf`, `text/plain`, `text/markdown`, `text/csv`, `text/html` or `application/json`. */
  mediaType: string
  /** The file's name, if any. */
  filename?: string
}

/** One part of a message's content. */
export type ContentPart = TextPart | ImagePart | FilePart

/**
 * What a provider needs back on a later turn, by wire format (`{ gemini: { thoughtSignature } }`):
 * send it back exactly as received.
 */
export type ProviderData = Record<string, Record<string, unknown>>

/** A call the model made. */
export interface ToolCall {
  /** The call's id: the tool result answering it names it. */
  id: string
  /** The tool's name. */
  name: string
  /** The arguments, as the JSON string the model produced (passed on as is, even when malformed). */
  arguments: string
  /** What the provider needs back with this call (keep it with the call). */
  providerData?: ProviderData
}

/** Instructions. */
export interface SystemMessage {
  role: 'system'
  content: string
}

/** What the user says: text, or parts (text, images, files). */
export interface UserMessage {
  role: 'user'
  content: string | ContentPart[]
}

/** What the model said: text and/or tool calls. */
export interface AssistantMessage {
  role: 'assistant'
  /** The answer's text (`''` when it only called tools). */
  content: string
  /** The calls it made, in order. */
  toolCalls?: ToolCall[]
  /** What the provider needs back with this message. */
  providerData?: ProviderData
}

/** The result of one tool call. */
export interface ToolMessage {
  role: 'tool'
  /** The `id` of the call it answers. */
  toolCallId: string
  /** What the tool returned. */
  content: string | ContentPart[]
}

/** One message of a conversation. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage

/** A function the model may call. */
export interface Tool {
  /** `^[a-zA-Z0-9_-]{1,64}$`, unique in the request. */
  name: string
  /** What it does, for the model to decide when to call it. */
  description?: string
  /** Its arguments, as a JSON Schema of type `object`. Default: no arguments. */
  parameters?: Record<string, unknown>
  /** Ask the provider to hold the arguments to the schema exactly (where it can). */
  strict?: boolean
}

/** `auto` (the model decides), `none` (text only), `required` (at least one call), or `{ name }` (that tool). */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string }

/** Free text (default), any JSON object, or JSON valid against a schema. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
    type: 'json_schema'
    /** The schema's name, `^[a-zA-Z0-9_-]{1,64}$`. */
    name: string
    /** A JSON Schema. */
    schema: Record<string, unknown>
    /** What the answer is for. */
    description?: string
    /** Ask the provider to follow the schema exactly (where it can). */
    strict?: boolean
  }

/** The result of a tool call the caller ran, to continue its session. */
export interface ToolResult {
  /** The `id` of the call it answers. */
  toolCallId: string
  /** What the tool returned (text, usually JSON). */
  content: string
}

/** Body of `POST /api/v1/prompt` and `POST /api/v1/stream`. */
export interface PromptRequestBody {
  /** The prompt, non-empty: a conversation of one user message. One of `prompt`, `messages` or `toolResults` is required. */
  prompt?: string
  /**
   * The conversation, instead of `prompt`: without `sessionId` the whole of it; with `sessionId`
   * the messages this turn adds to the stored ones.
   */
  messages?: Message[]
  /** Results of the tool calls the session's last answer made (with `sessionId`): added after `messages`. */
  toolResults?: ToolResult[]
  /** Functions the model may call. */
  tools?: Tool[]
  /** Whether and which tool the model must call. Default `auto`. */
  toolChoice?: ToolChoice
  /** Whether the model may make several calls in one answer (providers' default: yes). */
  parallelToolCalls?: boolean
  /** Text (default), any JSON object, or JSON following a schema. */
  responseFormat?: ResponseFormat
  /** System instructions, kept with the session. */
  context?: string
  /** 0..2 */
  temperature?: number
  /** Positive integer, capped by the model's limit. */
  maxTokens?: number
  /** A subset of the configured models, in the order to try. */
  models?: Array<string | { provider: string, model: string }>
  /** Prior turns (not together with `sessionId`). */
  history?: Array<{ prompt: string, response: string }>
  /** Continue this session. */
  sessionId?: string
  /** Stream only: resume or attach to the session's answer (default true). */
  resume?: boolean
  /** Stream only: same as the `Last-Event-ID` header. */
  lastEventId?: string
  /**
   * Stream only: what the answer's generation does if this client goes away: `continue` (to
   * its end, kept for a resume) or `abort` (saves tokens). Default: the model's `limits.onDisconnect`.
   */
  onDisconnect?: 'continue' | 'abort'
  /** Accepted for compatibility; the route decides. */
  stream?: boolean
}

/** 200 answer of `POST /api/v1/prompt`. */
export interface PromptResponseBody {
  /** The answer's text (`''` when the model only called tools). */
  text: string
  result: AiResult
  /** The calls the model made, to run and answer with `toolResults` (with `result` `TOOL_CALLS`, usually). */
  toolCalls?: ToolCall[]
  sessionId: string
  /** `provider:model` that answered. */
  model: string
  usage?: AiUsage
}

/** Data of the SSE `content` event. */
export interface ContentEventData {
  response: string
}

/**
 * Data of the SSE `tool_call` event: one whole call, sent once the model finished it (its
 * `arguments` are complete). `index` is its place among the answer's calls, from 0.
 */
export interface ToolCallEventData extends ToolCall {
  index: number
}

/**
 * Data of the SSE `reasoning` event: one whole reasoning block of the model (Anthropic's
 * thinking), in its place before the text it leads to. Never part of the answer's text;
 * `providerData` holds what its provider needs back (its signature).
 */
export interface ReasoningEventData {
  text: string
  providerData?: Record<string, Record<string, unknown>>
}

/** Data of the SSE `end` event (sent exactly once, last). */
export interface EndEventData {
  response: AiResult
  sessionId: string
  model: string
  usage?: AiUsage
  /** Every call of the answer, in order (the `tool_call` events' calls), when it made any. */
  toolCalls?: ToolCall[]
}

/** Data of the SSE `error` event (last, for a failure after the stream started). */
export interface ErrorEventData {
  code: string
  message: string
}

/** SSE event names. */
export type StreamEventName = 'content' | 'tool_call' | 'reasoning' | 'end' | 'error'

/** Every error answer. */
export interface ErrorResponseBody {
  code: string
  message: string
  statusCode: number
  details?: Record<string, unknown>
}

/** One turn of `GET /api/v1/sessions/:sessionId`. */
export interface SessionTurn {
  /** The text of the turn's user message (`''` for a turn of tool results only). */
  prompt: string
  /** The messages the turn added, when more than `prompt` (parts, tool results, a whole conversation). */
  input?: Message[]
  response: string
  /** The answer's tool calls. */
  toolCalls?: ToolCall[]
  model?: string
  result: AiResult | 'INTERRUPTED' | 'FAILED'
  createdAt: string
  errorCode?: string
  usage?: AiUsage
}

/** 200 answer of `GET /api/v1/sessions/:sessionId`. */
export interface SessionResponseBody {
  sessionId: string
  context?: string
  turns: SessionTurn[]
  expiresAt: string
}

/** One model of `GET /api/v1/models`. */
export interface ModelStatusBody {
  name: string
  provider: string
  model: string
  /** `chat`, or `embedding` for a model of the embedding chain (docs/embeddings.md). */
  type: 'chat' | 'embedding'
  state: 'ready' | 'cooling-down'
  /** What the model serves beyond text: its provider's defaults and its own overrides. */
  capabilities: ModelCapabilities
  until?: string
  reason?: string
}

/** What a model serves beyond text (docs/tools.md). */
export interface ModelCapabilities {
  /** Tool calls. */
  tools: boolean
  /** Tool calls in a streamed answer. */
  streamingTools: boolean
  /** Image parts. */
  vision: boolean
  /** File parts (PDF…). */
  files: boolean
  /** `responseFormat` `json_schema`. */
  jsonSchema: boolean
  /** `responseFormat` `json_object`. */
  jsonObject: boolean
}

/** Body of `POST /api/v1/embeddings` (docs/embeddings.md). */
export interface EmbeddingsRequestBody {
  /** A text, texts, or token arrays (OpenAI-format models only). */
  input: string | string[] | number[][]
  /** Embedding models to try, in order. Default: every model of `type: "embedding"`, in config order. */
  models?: Array<string | { provider: string, model: string }>
  /** Length of the vectors (a positive integer), for models that can shorten theirs. */
  dimensions?: number
  /** `float` (default) or `base64` (little-endian float32 values). */
  encodingFormat?: 'float' | 'base64'
  /** Gemini's `taskType` (`RETRIEVAL_QUERY`, `RETRIEVAL_DOCUMENT`…); ignored by OpenAI-format models. */
  taskType?: 'RETRIEVAL_QUERY' | 'RETRIEVAL_DOCUMENT' | 'SEMANTIC_SIMILARITY' | 'CLASSIFICATION' | 'CLUSTERING' | 'QUESTION_ANSWERING' | 'FACT_VERIFICATION' | 'CODE_RETRIEVAL_QUERY'
}

/** 200 answer of `POST /api/v1/embeddings`. */
export interface EmbeddingsResponseBody {
  /** `provider:model` that answered. */
  model: string
  /** One vector per input, in input order: numbers, or a base64 string with `encodingFormat: "base64"`. */
  embeddings: Array<{ index: number, embedding: number[] | string }>
  usage: {
    promptTokens: number
    totalTokens: number
    /** True when the provider reported no usage (Gemini) and the tokens are estimated. */
    estimated?: boolean
    /** From the model's `price.input`, when it has one. */
    cost?: number
  }
}

/** 200 answer of `GET /api/v1/models`. */
export interface ModelsResponseBody {
  models: ModelStatusBody[]
}

/** Query of `GET /api/v1/usage`. */
export interface UsageQuery {
  /** First day, `YYYY-MM-DD` (UTC), inclusive. Default: `to`. */
  from?: string
  /** Last day, `YYYY-MM-DD` (UTC), inclusive. Default: today. */
  to?: string
  /** Only this caller (`user:<id>`, `ip:<address>`). */
  caller?: string
  /** Only this `provider:model`. */
  model?: string
}

/** One day, caller and model of the usage report. */
export interface UsageRow {
  /** `YYYY-MM-DD` (UTC). */
  day: string
  caller: string
  /** `provider:model`. */
  model: string
  requests: number
  promptTokens: number
  completionTokens: number
  cachedPromptTokens: number
  totalTokens: number
  /** When the model had a price. */
  cost?: number
  /** Requests whose tokens were estimated (no usage from the provider, or a stream that failed). */
  estimatedRequests: number
}

/** The sums of a usage report's rows. */
export interface UsageTotals {
  requests: number
  promptTokens: number
  completionTokens: number
  cachedPromptTokens: number
  totalTokens: number
  cost: number
  estimatedRequests: number
}

/** 200 answer of `GET /api/v1/usage`. */
export interface UsageResponseBody {
  from: string
  to: string
  /** By day, then caller, then model. */
  rows: UsageRow[]
  totals: UsageTotals
}
