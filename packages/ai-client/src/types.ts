// Public types of the client. Wire shapes come from the server's protocol (import type only),
// so a change there breaks the client's typecheck instead of its users.
import type {
  AiResult,
  AiUsage,
  Message,
  ModelStatusBody,
  PromptRequestBody,
  ResponseFormat,
  Tool,
  ToolCall,
  ToolChoice,
  ToolResult,
  SessionResponseBody,
  UsageQuery,
  UsageResponseBody,
  EmbeddingsRequestBody,
  EmbeddingsResponseBody
} from './protocol.ts'
import type { AiClientStreamError } from './errors.ts'

export type {
  AiResult,
  AiUsage,
  AssistantMessage,
  ContentPart,
  FilePart,
  ImagePart,
  Message,
  ModelCapabilities,
  ModelStatusBody,
  ModelsResponseBody,
  SessionResponseBody,
  SessionTurn,
  UsageQuery,
  UsageResponseBody,
  ProviderData,
  ResponseFormat,
  SystemMessage,
  TextPart,
  Tool,
  ToolCall,
  ToolChoice,
  ToolMessage,
  ToolResult,
  UserMessage,
  UsageRow,
  UsageTotals,
  EmbeddingsRequestBody,
  EmbeddingsResponseBody
} from './protocol.ts'

/** A model to try: `provider:model` or `{ provider, model }`. */
export type AskModel = NonNullable<PromptRequestBody['models']>[number]

/** One prior turn given with `history`. */
export type AskHistoryTurn = NonNullable<PromptRequestBody['history']>[number]

/**
 * A logger. A pino logger works as it is: the argument order is pino's (`logger.debug(obj, msg)`).
 * The default is silent.
 */
export interface AiClientLogger {
  /** Each request and skipped event. */
  debug (object: Record<string, unknown>, message?: string): void
  /** Unused by the client today; part of the shape so any pino-like logger fits. */
  info (object: Record<string, unknown>, message?: string): void
  /** Stream interruptions, resumes and giving up. */
  warn (object: Record<string, unknown>, message?: string): void
  /** Unused by the client today (errors are thrown or yielded). */
  error (object: Record<string, unknown>, message?: string): void
}

/** How a dropped stream is resumed. */
export interface ResumeOptions {
  /** Reconnections in a row without progress before giving up (default 5). */
  maxAttempts?: number
  /** Delay before the first reconnection, in ms; doubled for each following one (default 100). */
  initialDelay?: number
  /**
   * Longest delay between reconnections, in ms (default 5000). A reconnection answered 429/503
   * with a longer `Retry-After` gives up with that error.
   */
  maxDelay?: number
}

/** Options of `buildClient`. */
export interface ClientOptions {
  /** Origin (and optional base path) of the AI Warp server, e.g. `http://127.0.0.1:3042`. */
  url: string
  /** Headers sent with every request (e.g. `authorization`). */
  headers?: Record<string, string>
  /**
   * Longest wait, in ms, for the answer's headers and for each next chunk of its body
   * (heartbeats count). Not a limit on the whole answer. Default 60000.
   */
  timeout?: number
  /** A pino-compatible logger; silent by default. */
  logger?: AiClientLogger
  /** Path of the JSON prompt route (default `/api/v1/prompt`). */
  promptPath?: string
  /** Path of the SSE stream route (default `/api/v1/stream`). */
  streamPath?: string
  /** Path of the sessions routes (default `/api/v1/sessions`). */
  sessionsPath?: string
  /** Path of the models route (default `/api/v1/models`). */
  modelsPath?: string
  /** Path of the usage report (default `/api/v1/usage`). */
  usagePath?: string
  /** Path of the embeddings route (default `/api/v1/embeddings`). */
  embeddingsPath?: string
  /**
   * Response header carrying the session id (default `x-session-id`); set it when the server's
   * `headerSessionIdName` is another one, or dropped streams of a new session cannot be resumed.
   */
  headerSessionIdName?: string
  /** Automatic resume of dropped streams (on by default); `false` disables it. */
  resume?: ResumeOptions | false
  /** The fetch implementation to use (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch
}

/** Options of `client.ask`. One of `prompt`, `messages` or `toolResults` is required. */
export interface AskOptions {
  /** The prompt (non-empty): a conversation of one user message. */
  prompt?: string
  /**
   * The conversation, instead of `prompt` (images and files as parts of user messages): without
   * `sessionId` the whole of it; with `sessionId` the messages this turn adds.
   */
  messages?: Message[]
  /**
   * The results of the tool calls the session's last answer made, with `sessionId`: the way to
   * continue a session after running its tools.
   */
  toolResults?: ToolResult[]
  /** Functions the model may call. */
  tools?: Tool[]
  /** Whether and which tool the model must call (default `auto`). */
  toolChoice?: ToolChoice
  /** Whether the model may make several calls in one answer. */
  parallelToolCalls?: boolean
  /** Text (default), any JSON object, or JSON following a schema. */
  responseFormat?: ResponseFormat
  /** Stream the answer (default true). */
  stream?: boolean
  /** Continue this session. */
  sessionId?: string
  /** System instructions, kept with the session. */
  context?: string
  /** 0..2 */
  temperature?: number
  /** Positive integer, capped by the model's limit on the server. */
  maxTokens?: number
  /** The models to try, in order (a subset of the configured ones). */
  models?: AskModel[]
  /** Prior turns (not together with `sessionId`). */
  history?: AskHistoryTurn[]
  /**
   * Sent to the server as `resume`: with `false` the first request always starts a fresh
   * answer. Automatic reconnections always resume; see the client's `resume` option.
   */
  resume?: boolean
  /**
   * Cancels the request and the stream. During a streamed answer it also asks the server to
   * stop generating it (`DELETE sessions/:id/stream`, best effort); a dropped connection, by
   * contrast, is resumed and the server finishes the answer.
   */
  signal?: AbortSignal
}

/** The answer of a non-streamed `ask`. */
export interface AskContent {
  /** The whole answer (`''` when the model only called tools). */
  text: string
  /** How the answer ended (`TOOL_CALLS`: run `toolCalls` and send their results). */
  result: AiResult
  /** The calls the model made, when it made any. */
  toolCalls?: ToolCall[]
  /** The session the turn was stored in. */
  sessionId: string
  /** `provider:model` that answered. */
  model: string
  /** Token usage, when the provider reported it. */
  usage?: AiUsage
}

/** What `ask({ stream: false })` resolves to. */
export interface AskContentResponse {
  /** The answer. */
  content: AskContent
  /** The answer's headers (`x-session-id`…). */
  headers: Headers
}

/** The `done` message's `response`: how the streamed answer ended. */
export interface AskDoneResponse {
  /** How the answer ended (`TOOL_CALLS`: run `toolCalls` and send their results). */
  result: AiResult
  /** Every call of the answer, in order (each came first as a `tool_call` message). */
  toolCalls?: ToolCall[]
  /** The session the turn was stored in. */
  sessionId: string
  /** `provider:model` that answered. */
  model: string
  /** Token usage, when the provider reported it. */
  usage?: AiUsage
}

/** A piece of the answer's text. */
export interface AskContentMessage {
  /** Discriminant. */
  type: 'content'
  /** The text delta. */
  content: string
}

/** A whole tool call, sent once the model finished it (its arguments are complete). */
export interface AskToolCallMessage {
  /** Discriminant. */
  type: 'tool_call'
  /** Its place among the answer's calls, from 0. */
  index: number
  /** The call: run it, then send its result with `toolResults` and the session id. */
  toolCall: ToolCall
}

/** The answer is complete (always the last message of a successful stream). */
export interface AskDoneMessage {
  /** Discriminant. */
  type: 'done'
  /** How the answer ended. */
  response: AskDoneResponse
}

/** The server ended the stream with an error (the last message). */
export interface AskErrorMessage {
  /** Discriminant. */
  type: 'error'
  /** The server's `code` and `message`. */
  error: AiClientStreamError
}

/** A message of a streamed answer. */
export type AskStreamMessage = AskContentMessage | AskToolCallMessage | AskDoneMessage | AskErrorMessage

/** What `ask()` (streaming) resolves to. */
export interface AskStreamResponse {
  /**
   * The messages; iterate once. Network and timeout failures that cannot be resumed are
   * thrown from the iterator; breaking out of the loop closes the connection.
   */
  stream: AsyncIterable<AskStreamMessage>
  /** The first answer's headers (`x-session-id`…). */
  headers: Headers
}

/** One configured model and its state, as returned by `client.models()`. */
export type ModelStatus = ModelStatusBody

/** A session and its turns, as returned by `client.getSession()`. */
export type Session = SessionResponseBody

/** Options of `client.usage()`: the report's filters (every one optional), and a signal. */
export interface UsageOptions extends UsageQuery {
  /** Cancels the request. */
  signal?: AbortSignal
}

/** Options of `client.embed()`: the route's body (docs/embeddings.md), and a signal. */
export interface EmbedOptions extends EmbeddingsRequestBody {
  /** Cancels the request. */
  signal?: AbortSignal
}

/** What `client.embed()` resolves to: the model that answered, one vector per input, usage. */
export type EmbedResponse = EmbeddingsResponseBody

/** The usage report, as returned by `client.usage()`. */
export type UsageReport = UsageResponseBody

/** The AI Warp client. */
export interface Client {
  /** Asks for a JSON answer. */
  ask (options: AskOptions & { stream: false }): Promise<AskContentResponse>
  /** Asks for a streamed answer (the default). */
  ask (options: AskOptions & { stream?: true }): Promise<AskStreamResponse>
  /** Asks, streamed or not depending on `stream`. */
  ask (options: AskOptions): Promise<AskContentResponse | AskStreamResponse>
  /** Reads a session and its turns. */
  getSession (sessionId: string, options?: { signal?: AbortSignal }): Promise<Session>
  /** Forgets a session. */
  deleteSession (sessionId: string, options?: { signal?: AbortSignal }): Promise<void>
  /** Lists the configured models and their state. */
  models (options?: { signal?: AbortSignal }): Promise<ModelStatus[]>
  /**
   * Reads the usage report: what was spent per day, caller and model. Admins only: the server
   * wants its admin token (`headers: { authorization: 'Bearer <adminToken>' }`) or a token with
   * the admin role; otherwise it is an AiClientHttpError (401 or 403).
   */
  usage (options?: UsageOptions): Promise<UsageReport>
  /**
   * Embeds texts (or token arrays) with the gateway's embedding models (`POST /api/v1/embeddings`):
   * one vector per input, in input order, as numbers or (`encodingFormat: 'base64'`) base64 of
   * little-endian float32 values.
   */
  embed (options: EmbedOptions): Promise<EmbedResponse>
}
