// Public types of @platformatic/ai-provider. This file is the contract between the core and
// every package built on it (fastify-ai, ai-warp, the Valkey store): change it with care.

import type { AiCapabilities, AiCapability } from './conversation/capabilities.ts'
import type { AiMessage, AiReasoning } from './conversation/messages.ts'
import type { AiResponseFormat } from './conversation/response-format.ts'
import type { AiTool, AiToolCall, AiToolChoice, AiToolResult } from './conversation/tools.ts'
import type { AiEmbeddingRequest, AiEmbeddingResponse, AiModelType, EmbeddingOptions } from './embedding-types.ts'

export type * from './conversation/content.ts'
export type * from './conversation/messages.ts'
export type * from './conversation/tools.ts'
export type * from './conversation/response-format.ts'
export type { AiCapability, AiCapabilities } from './conversation/capabilities.ts'
export type * from './embedding-types.ts'

/** Milliseconds, or a string `<n>ms|s|m|h|d` such as `'500ms'`, `'30s'`, `'1d'`. */
export type TimeWindow = number | string

/** A fixed-window request budget for one model. */
export interface RateLimitOptions {
  /** Requests admitted per window. Default 200. */
  max?: number
  /** Window length. Default `'30s'`. */
  timeWindow?: TimeWindow
}

/**
 * A fixed-window token budget for one model, like a provider's tokens per minute: prompt plus
 * completion tokens of the requests it answers. A request reserves its estimate before the call
 * and settles to the real usage after it; a model whose window is spent is skipped
 * (`AI_MODEL_TOKEN_LIMITED`) until the window ends.
 */
export interface TokenLimitOptions {
  /** Tokens admitted per window (a request is admitted while the window holds fewer). Required, unless a model overrides only the window of the global `limits.tokens`. */
  max?: number
  /** Window length. Default `'1m'`. */
  timeWindow?: TimeWindow
}

/** Retries of transient failures (network errors, 5xx, 429) on the same model. */
export interface RetryOptions {
  /** Extra attempts after the first one. Default 1. */
  max?: number
  /** Milliseconds between attempts. Default 1000. */
  interval?: number
}

/** Limits that a model definition can override field by field. */
export interface ModelLimits {
  /** Upper bound of output tokens; a request's `maxTokens` is capped by it. */
  maxTokens?: number
  /** Requests per window for this model, counted in the store (shared by every instance with Valkey). */
  rate?: RateLimitOptions
  /** Tokens per window for this model (TPM), counted in the store; none when omitted. */
  tokens?: TokenLimitOptions
  /** Milliseconds for one upstream call; for streams, until headers and between two chunks. Default 30000. */
  requestTimeout?: number
  /** Retry of transient failures on the same model. */
  retry?: RetryOptions
  /**
   * What a stream's generation does when its client goes away: `'continue'` (default) goes on
   * to its end, its events kept for a resume at any time within the session's life;
   * `'abort'` waits `detachTimeout` for a resume, then aborts upstream (saves tokens).
   */
  onDisconnect?: OnDisconnect
  /** Longest a streamed answer may be generated, attached or not; then it is stopped (`AI_GENERATION_TIMEOUT`). Default `'10m'`. */
  maxGenerationTime?: TimeWindow
}

/** What a stream's generation does when its client goes away. */
export type OnDisconnect = 'continue' | 'abort'

/** Global limits: the model limits plus the session settings. */
export interface GlobalLimits extends ModelLimits {
  /** A session expires this long after its last write. Default `'1d'`. */
  historyExpiration?: TimeWindow
  /** Turns kept per session (older ones are dropped). Default 50. */
  historyLength?: number
  /**
   * Milliseconds a stream keeps generating after its client went away, waiting for the client
   * to resume it (from any instance); after that the upstream call is aborted and the turn is
   * stored as INTERRUPTED. Default 1000.
   */
  detachTimeout?: number
  /**
   * How long a streamed answer's generation holds its session's log without a sign of life:
   * its instance renews this lease while it generates (every third of it). An answer whose
   * instance or store died is seen as interrupted once the lease lapses, so it is never waited
   * on or attached to. At least `'1s'`. Default `'10s'`.
   */
  streamLease?: TimeWindow
  /**
   * Most generations an instance keeps running without their client (`onDisconnect:
   * 'continue'`); beyond it the oldest is aborted, with a logged reason. Default 1000.
   */
  maxDetachedStreams?: number
}

/** How long a model cools down after each kind of failure. */
export interface RestoreOptions {
  /** Accepted for compatibility, no effect: a model whose own rate limit is used up is skipped until its window ends. Default `'1m'`. */
  rateLimit?: TimeWindow
  /** Accepted for compatibility, no effect: failures cool a model down by their kind (timeout, providerCommunicationError, providerExceededError). Default `'1m'`. */
  retry?: TimeWindow
  /** After a timeout. Default `'1m'`. */
  timeout?: TimeWindow
  /** After a network failure, a 5xx, a malformed or empty answer, or a 401/403. Default `'1m'`. */
  providerCommunicationError?: TimeWindow
  /** After a 429 or a quota/billing error (or the provider's Retry-After when longer). Default `'10m'`. */
  providerExceededError?: TimeWindow
}

/** undici Pool options for one provider. */
export interface PoolOptions {
  /** Maximum sockets to the provider. Default: undici's (unbounded). */
  connections?: number
  /** Requests pipelined per socket. Default 1. */
  pipelining?: number
  /** Milliseconds to establish a connection. Default 10000. */
  connectTimeout?: number
  /** Milliseconds to keep an idle socket. Default 4000 (undici's). */
  keepAliveTimeout?: number
}

/** The OpenAI APIs a provider of the OpenAI wire format can be reached through. */
export type OpenAiApi = 'chat' | 'responses'

/** The provider kinds AI Warp speaks. */
export type ProviderType = 'openai' | 'deepseek' | 'gemini' | 'anthropic' | 'openai-compatible'

/** One configured provider. The key in `providers` is its name, used in `provider:model`. */
export interface ProviderOptions extends PoolOptions {
  /** Wire format. Defaults to the key when that is `openai`, `deepseek`, `gemini` or `anthropic`; required otherwise. */
  type?: ProviderType
  /** API key, sent as the provider expects (Bearer, `x-goog-api-key` for Gemini, `x-api-key` for Anthropic). */
  apiKey?: string
  /** Origin plus optional path prefix, e.g. `http://127.0.0.1:11434/v1`. Defaults to the provider's public API. */
  baseUrl?: string
  /** Extra headers sent with every upstream request. */
  headers?: Record<string, string>
  /**
   * OpenAI wire format only (not `gemini`): ask for the token usage of a stream (`stream_options:
   * {include_usage: true}`). Default true. Set it to false for servers that reject the field
   * (Mistral answers 422 "Extra inputs are not permitted"); usage they send anyway is still read.
   */
  streamUsage?: boolean
  /**
   * `openai` and `openai-compatible` only: which OpenAI API to call. `chat` (default): Chat
   * Completions (`/chat/completions`). `responses`: the Responses API (`/responses`), statelessly
   * (`store: false`, the whole conversation every time: sessions and `previous_response_id` stay
   * AI Warp's, so every model of the chain can take the next turn). Every route of the gateway
   * can be answered either way.
   */
  api?: OpenAiApi
  /** Anthropic only: the `anthropic-version` header. Default `2023-06-01`. */
  version?: string
  /** Anthropic only: beta features, sent as the `anthropic-beta` header (e.g. `['interleaved-thinking-2025-05-14']`). */
  beta?: string[]
}

/**
 * What a model costs, per million tokens, in the currency you bill in (prices are yours: AI Warp
 * ships none). The cost of an answer is `usage.cost`, in the same currency.
 */
export interface ModelPrice {
  /** Per million prompt tokens. */
  input: number
  /** Per million completion tokens (reasoning tokens included, as providers bill them). */
  output: number
  /** Per million prompt tokens read from the provider's cache. Default: `input`. */
  cachedInput?: number
}

/** A model in the fallback chain, in its object form. */
export interface ModelDefinition {
  /** A key of `providers`. */
  provider: string
  /** The provider's model name (may contain `:`). */
  model: string
  /**
   * `chat` (default) or `embedding`: an embedding model serves `ai.embed()` only, in its own
   * chain (the embedding models in config order), and a chat model never gets an embedding request.
   */
  type?: AiModelType
  /** Overrides of the global limits for this model. */
  limits?: ModelLimits
  /** Overrides of the global cool-down windows for this model. */
  restore?: RestoreOptions
  /** What the model costs; without it its answers have no `cost`. */
  price?: ModelPrice
  /**
   * What the model serves beyond text, overriding its provider's defaults (docs/tools.md): the
   * chain skips it (`AI_MODEL_UNSUPPORTED`) for a request that needs what it lacks.
   */
  capabilities?: Partial<Record<AiCapability, boolean>>
}

/** In-process store (the default). */
export interface MemoryStorageOptions {
  type: 'memory'
  /** Most sessions kept at once; the least recently written is evicted beyond it. Default 100000. */
  maxSessions?: number
  /**
   * Most data kept at once, in characters of what is stored (about bytes for ASCII text; base64
   * images are ASCII): turns, event logs and values, plus ~200 per key. Beyond it the least
   * recently written keys are evicted, as beyond `maxSessions`: what bounds memory when sessions
   * are large (whole conversations, images). Default 536870912 (512 Mi).
   */
  maxBytes?: number
}

/** Where a Valkey node (or a Sentinel) listens: `'host:port'` or `{ host, port }`. */
export type ValkeyNodeAddress = string | { host: string, port: number }

/** A Valkey Cluster (or a managed service in cluster mode) instead of one server. */
export interface ValkeyClusterOptions {
  /** Seed nodes: some of the cluster's nodes (one is enough); the others are found from them. */
  nodes: ValkeyNodeAddress[]
  /**
   * Addresses the nodes announce, mapped to the address this gateway reaches them at (NAT,
   * Docker): `{ '10.0.0.5:6379': { host: '203.0.113.5', port: 6379 } }`.
   */
  natMap?: Record<string, ValkeyNodeAddress>
  /**
   * More options of iovalkey's Cluster client (`maxRedirections`, `slotsRefreshInterval`,
   * `redisOptions`…). The store sets the ones its guarantees rest on: `keyPrefix`,
   * `enableOfflineQueue`, `lazyConnect`, `scaleReads` and `retryDelayOnFailover` are refused.
   */
  options?: Record<string, unknown>
}

/** Valkey (or Redis) store, shared by every instance that points at the same server, Sentinel group or cluster. */
export interface ValkeyStorageOptions {
  type: 'valkey'
  /** `redis://` or `rediss://` URL. Takes precedence over host/port/username/password/database. */
  url?: string
  /** Default `127.0.0.1`. */
  host?: string
  /** Default 6379. */
  port?: number
  username?: string
  password?: string
  /** Database index. Default 0. */
  database?: number
  /** `true` or tls.connect options; implied by `rediss://`. With a cluster or Sentinel, for every node (and sentinel) too. */
  tls?: boolean | Record<string, unknown>
  /** A Valkey Cluster instead of one server (not with `url`, `host`, `port`, `database` or `sentinels`). */
  cluster?: ValkeyClusterOptions
  /** Sentinels that name the primary of the group `name` and follow its failovers (not with `url`, `host`, `port` or `cluster`). */
  sentinels?: ValkeyNodeAddress[]
  /** The Sentinel group (`sentinel monitor <name> …`); required with `sentinels`. */
  name?: string
  /** ACL user on the sentinels, when they require one. */
  sentinelUsername?: string
  /** Password of the sentinels, when they require one (`requirepass` in their configuration). */
  sentinelPassword?: string
  /** Prefix of every key. Default `aiwarp:`. */
  keyPrefix?: string
  /** Milliseconds to connect. Default 5000. */
  connectTimeout?: number
  /** Milliseconds for one command before it fails with AI_STORAGE_UNAVAILABLE. Default 2000. */
  commandTimeout?: number
  /** An iovalkey client (`Valkey`, or `Cluster` for a cluster) to use instead of building one (it is not closed by AI Warp). */
  client?: unknown
}

export type StorageOptions = MemoryStorageOptions | ValkeyStorageOptions

/**
 * What each caller (`AiRequest.caller`) may spend per window, in tokens and/or cost, shared by
 * every instance on one Valkey. A request reserves its estimate before the call (the prompt's
 * tokens plus its maximum output), settles to the real usage after it, and gives the reservation
 * back when no model answered. A caller whose window is spent gets `AI_BUDGET_EXCEEDED` (429)
 * until the window ends. Requests without a `caller` are not held to it.
 */
export interface CallerBudgetOptions {
  /** Tokens (prompt plus completion) per window and caller. */
  tokens?: number
  /** Cost per window and caller, in the currency of the models' `price` (every model needs one). */
  cost?: number
  /** Window length. Default `'1d'`. */
  timeWindow?: TimeWindow
}

/** The usage kept per caller, model and day (`ai.usage()`, `GET /api/v1/usage`). */
export interface UsageOptions {
  /** Record the usage of every request. Default true. */
  record?: boolean
  /** How long a day's usage is kept after its last request. Default `'90d'`. */
  retention?: TimeWindow
}

/** Options of the core, identical to the `ai` section of the service config. */
export interface AiOptions {
  /** Providers by name. */
  providers: Record<string, ProviderOptions>
  /** The fallback chain, in order: `'provider:model'` (split at the first colon) or objects. */
  models: Array<string | ModelDefinition>
  /** Global limits. */
  limits?: GlobalLimits
  /** Global cool-down windows. */
  restore?: RestoreOptions
  /** Where sessions, limits and model state live. Default `{ type: 'memory' }`. */
  storage?: StorageOptions
  /** What each caller may spend per window; callers are not limited when omitted. */
  callerBudget?: CallerBudgetOptions
  /** The usage kept per caller, model and day. Default: recorded, kept 90 days. */
  usage?: UsageOptions
  /** Bounds of embedding requests (docs/embeddings.md). */
  embeddings?: EmbeddingOptions
}

/** How an answer ended: `TOOL_CALLS` when the model stopped to have its tool calls run. */
export type AiResult = 'COMPLETE' | 'INCOMPLETE_MAX_TOKENS' | 'INCOMPLETE_UNKNOWN' | 'TOOL_CALLS'

/** Token usage as reported by the provider that answered. */
export interface AiUsage {
  promptTokens: number
  completionTokens: number
  totalTokens: number
  /** Of `promptTokens`, those the provider read from its prompt cache, when it says. */
  cachedPromptTokens?: number
  /** Of `completionTokens`, those the model spent reasoning (thinking), when the provider says. */
  reasoningTokens?: number
  /** Of `promptTokens`, those the provider wrote to its prompt cache (Anthropic's cache creation), when it says. */
  cacheCreationTokens?: number
  /**
   * What the answer cost, from the model's `price` (in its currency), when the model has one.
   * Counted in billionths and given here rounded to them.
   */
  cost?: number
}

/** Reasoning before the answer (Anthropic extended thinking), for the models whose provider can be asked for it. */
export interface AiThinkingOptions {
  /** Most tokens the model may spend thinking (Anthropic: at least 1024, and below the output budget). */
  budgetTokens: number
}

/** A model picked for a request: `'provider:model'` or an object. */
export type AiModelSelector = string | { provider: string, model: string }

/** One request to the gateway. */
export interface AiRequest {
  /** The user's prompt (non-empty): a conversation of one user message. One of `prompt`, `messages` or `toolResults` is required. */
  prompt?: string
  /**
   * The conversation, instead of `prompt`: without `sessionId` the whole of it; with `sessionId`
   * the messages this turn adds to the stored ones (a user message, tool results).
   */
  messages?: AiMessage[]
  /**
   * Results of the tool calls the session's last answer made, to continue it (with
   * `sessionId`): added as tool messages after `messages`, if any.
   */
  toolResults?: AiToolResult[]
  /** Functions the model may call. */
  tools?: AiTool[]
  /** Whether and which tool the model must call. Default `auto` (with tools). */
  toolChoice?: AiToolChoice
  /** Whether the model may make several calls in one answer (providers' default: yes). */
  parallelToolCalls?: boolean
  /** Text (default), any JSON object, or JSON following a schema. */
  responseFormat?: AiResponseFormat
  /** Let the model think before it answers (Anthropic `thinking`); its reasoning is kept with the turn, never shown as text. */
  thinking?: AiThinkingOptions
  /** System instructions; kept with the session so follow-ups need not resend it. */
  context?: string
  /** 0..2 */
  temperature?: number
  /** Output token budget, capped by the model's `limits.maxTokens`. */
  maxTokens?: number
  /** Nucleus sampling, 0..1. */
  topP?: number
  /** Stop sequences. */
  stop?: string[]
  /** A subset of the configured models, in the order to try. Default: all, in config order. */
  models?: AiModelSelector[]
  /** Prior turns supplied by the caller (not with `sessionId`). */
  history?: Array<{ prompt: string, response: string }>
  /** Continue this session (404 when unknown or expired). */
  sessionId?: string
  /**
   * Bind a new session to an owner (e.g. an authenticated user id); a session is only
   * visible to requests that pass the same owner.
   */
  owner?: string
  /**
   * Who is asking, for accounting: usage is recorded per caller, and `callerBudget` holds each
   * caller (an opaque string, e.g. `user:<id>` or `ip:<address>`). Usage of a request without
   * it is recorded as `anonymous`, and it is not held to a budget.
   */
  caller?: string
  /** Cancels the request and aborts the upstream call. */
  signal?: AbortSignal
}

/** What `ai.countTokens()` answers. */
export interface AiTokenCount {
  /** The input tokens of the request's conversation (history, tools and system included). */
  inputTokens: number
  /** `provider:model` the count is for: the request's first candidate. */
  model: string
  /** True when no provider counted them: the core's estimate (about four characters a token). */
  estimated: boolean
}

/** A stream request adds resume. */
export interface AiStreamRequest extends AiRequest {
  /** Default true: with `sessionId`, attach to an answer still being generated or replay after `lastEventId`. */
  resume?: boolean
  /** The last event id the client saw (the `Last-Event-ID` header). */
  lastEventId?: string
  /** Overrides the model's `limits.onDisconnect` for this request. */
  onDisconnect?: OnDisconnect
  /**
   * Only follow or replay the session's answer to this input, never start a new turn (a
   * retrieve, not a question): AI_STREAM_NOT_RESUMABLE (409) when there is none.
   */
  resumeOnly?: boolean
}

/** A complete answer. */
export interface AiResponse {
  /** The answer's text (`''` when the model only called tools). */
  text: string
  result: AiResult
  /** The calls the model made (with `result` `TOOL_CALLS`, usually). */
  toolCalls?: AiToolCall[]
  /** The model's reasoning blocks (never part of `text`), with what their provider needs back. */
  reasoning?: AiReasoning[]
  sessionId: string
  /** `provider:model` that answered. */
  model: string
  usage?: AiUsage
}

/** Events of a normalized stream, as sent to clients. `id` is unique and ordered within a session. */
export type AiStreamEvent =
  | { type: 'content', id: string, text: string }
  /** A whole tool call, sent once the model finished it; `index` is its place among the answer's calls. */
  | { type: 'tool_call', id: string, index: number, toolCall: AiToolCall }
  /** A whole reasoning block (thinking), in its place before the text it leads to: never answer text. */
  | { type: 'reasoning', id: string, reasoning: AiReasoning }
  | { type: 'end', id: string, result: AiResult, sessionId: string, model: string, usage?: AiUsage, toolCalls?: AiToolCall[], reasoning?: AiReasoning[] }
  | { type: 'error', id: string, code: string, message: string }

/** A stream ready to be sent: a model has accepted it (fallback is over) or it is a resume. */
export interface AiStreamResponse {
  sessionId: string
  /** `provider:model` generating the answer. */
  model: string
  /** Events in order; ends after `end` or `error`. Breaking out of the loop aborts upstream. */
  events: AsyncIterable<AiStreamEvent>
}

/** One stored turn of a session. */
export interface AiTurn {
  /** The text of the turn's user message (`''` for a turn that only carried tool results). */
  prompt: string
  /**
   * The messages the turn added before its answer, when they are more than `prompt` as one user
   * message: parts, tool results, or the whole conversation of a request without a session.
   * Inline images and files above 256 KiB are not kept (a text note stands in for each).
   */
  input?: AiMessage[]
  /** The answer text (possibly partial when `result` is not COMPLETE). */
  response: string
  /** The answer's tool calls, with what their provider needs back. */
  toolCalls?: AiToolCall[]
  /** The answer's reasoning blocks, replayed with it (Anthropic needs them back in a tool loop). */
  reasoning?: AiReasoning[]
  /** `provider:model` that answered, when one did. */
  model?: string
  /** How the turn ended: an answer result, or `INTERRUPTED` (client left) / `FAILED` (provider failed mid-answer, or no model answered at all). */
  result: AiResult | 'INTERRUPTED' | 'FAILED'
  /** ISO 8601 time of the turn. */
  createdAt: string
  /** Error code when the turn failed. */
  errorCode?: string
  usage?: AiUsage
}

/** A session as returned by `sessions.get`. */
export interface AiSession {
  sessionId: string
  context?: string
  turns: AiTurn[]
  /** ISO 8601 time at which the session expires unless written again. */
  expiresAt: string
}

/** State of one configured model. */
export interface AiModelStatus {
  /** `provider:model`. */
  name: string
  provider: string
  model: string
  /** `chat` or `embedding`. */
  type: AiModelType
  state: 'ready' | 'cooling-down'
  /** What the model serves beyond text (its provider's defaults and its own overrides). */
  capabilities: AiCapabilities
  /** ISO 8601, when cooling down. */
  until?: string
  /** Error code that caused the cool-down. */
  reason?: string
}

/** Which usage `ai.usage()` reports. */
export interface AiUsageQuery {
  /** First day, `YYYY-MM-DD` (UTC), inclusive. Default: `to`. */
  from?: string
  /** Last day, `YYYY-MM-DD` (UTC), inclusive. Default: today. At most 366 days after `from`. */
  to?: string
  /** Only this caller. */
  caller?: string
  /** Only this `provider:model`. */
  model?: string
}

/** What was spent in one day by one caller on one model. */
export interface AiUsageRow {
  /** `YYYY-MM-DD` (UTC). */
  day: string
  caller: string
  /** `provider:model` that answered. */
  model: string
  /** Requests answered (or partly answered, for a stream that failed after its first event). */
  requests: number
  promptTokens: number
  completionTokens: number
  /** Of `promptTokens`, those read from a provider's prompt cache. */
  cachedPromptTokens: number
  totalTokens: number
  /** What they cost, when the model had a price (in its currency). */
  cost?: number
  /** Of `requests`, those whose tokens were estimated (the provider reported no usage, or the stream failed). */
  estimatedRequests: number
}

/** Usage totals over the rows of a report. */
export interface AiUsageTotals {
  requests: number
  promptTokens: number
  completionTokens: number
  cachedPromptTokens: number
  totalTokens: number
  /** The sum of the rows' cost (rows without a price count nothing). */
  cost: number
  estimatedRequests: number
}

/** The answer of `ai.usage()`. */
export interface AiUsageReport {
  from: string
  to: string
  /** By day, then caller, then model. */
  rows: AiUsageRow[]
  totals: AiUsageTotals
}

/** A clock, injectable so tests can move time. */
export interface Clock {
  now (): number
}

/** The subset of a pino logger that AI Warp uses; pino (and fastify.log) fit as they are. */
export interface Logger {
  debug (obj: object, msg?: string): void
  info (obj: object, msg?: string): void
  warn (obj: object, msg?: string): void
  error (obj: object, msg?: string): void
}

/** What the core can be given instead of building it (tests and embedders). */
export interface AiDependencies {
  /** Default: a silent logger. */
  logger?: Logger
  /** Default: `Date`. Drives windows, cool-downs and session expiry. */
  clock?: Clock
  /** A store to use instead of the one `options.storage` describes (it is closed by `close()`). */
  store?: import('./store.ts').AiStore
  /**
   * undici dispatchers to reach providers through, by provider name, instead of the Pool each
   * provider gets by default (a proxy agent, an in-memory double). They are not closed by `close()`.
   */
  dispatchers?: Record<string, import('undici').Dispatcher>
}

/** The gateway core, built by `createAi`. */
export interface Ai {
  /** Answer a prompt, walking the fallback chain. */
  request (request: AiRequest): Promise<AiResponse>
  /**
   * Start (or resume) a streamed answer. Resolves once a model has accepted the request and
   * produced its first event (fallback happens before that), or with a replay for a resume.
   */
  stream (request: AiStreamRequest): Promise<AiStreamResponse>
  /**
   * The input tokens of a request (its session's history included) for its first candidate model:
   * counted by the provider where its API can (Anthropic's count_tokens), else (or when that call
   * fails) estimated. Nothing is stored and no rate unit is taken.
   */
  countTokens (request: AiRequest): Promise<AiTokenCount>
  /** A session and its turns; AiSessionNotFoundError when unknown, expired or owned by another owner. */
  getSession (sessionId: string, owner?: string): Promise<AiSession>
  /** Forget a session; AiSessionNotFoundError when unknown (or another owner's). */
  deleteSession (sessionId: string, owner?: string): Promise<void>
  /**
   * Cancel the answer being generated for a session, on whichever instance generates it (it
   * ends with `AI_STREAM_CANCELLED`, its turn stored INTERRUPTED); resolves true when there was
   * one. AiSessionNotFoundError when the session is unknown (or another owner's).
   */
  cancelStream (sessionId: string, owner?: string): Promise<boolean>
  /**
   * Embed texts (or token arrays) with the embedding models' chain (models of `type:
   * 'embedding'`): fallback, rate limits, cool-downs and usage as for a prompt.
   */
  embed (request: AiEmbeddingRequest): Promise<AiEmbeddingResponse>
  /** Configured models (chat models, then embedding models), each chain in its order, with their state. */
  models (): Promise<AiModelStatus[]>
  /**
   * The usage recorded per day, caller and model (`usage.record`); AiBadRequestError for a bad
   * date or range.
   */
  usage (query?: AiUsageQuery): Promise<AiUsageReport>
  /**
   * Be told what this instance does (requests, attempts, fallbacks, streams, cool-downs, store
   * calls; see observer.ts): metrics, traces, request logs and usage accounting subscribe here.
   * Returns the function that unsubscribes.
   */
  observe (observer: import('./observer.ts').AiObserver): () => void
  /** The store, shared with embedders (e.g. caller rate limits). */
  readonly store: import('./store.ts').AiStore
  /** Close pools and the store; streams in flight end with an AI_SHUTTING_DOWN error event. */
  close (): Promise<void>
}
