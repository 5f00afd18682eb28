// The HTTP protocol of AI Warp (shared/SPEC.md §5), as types. @platformatic/ai-client imports
// these with `import type` only, so the client and the server cannot drift apart.

/** How an answer ended. */
export type AiResult = 'COMPLETE' | 'INCOMPLETE_MAX_TOKENS' | 'INCOMPLETE_UNKNOWN'

/** Token usage reported by the provider that answered. */
export interface AiUsage {
  promptTokens: number
  completionTokens: number
  totalTokens: number
  /** Of `promptTokens`, those the provider read from its prompt cache, when it says. */
  cachedPromptTokens?: number
  /** What the answer cost, in the currency of the model's configured `price`, when it has one. */
  cost?: number
}

/** Body of `POST /api/v1/prompt` and `POST /api/v1/stream`. */
export interface PromptRequestBody {
  /** The prompt (required, non-empty). */
  prompt: string
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
  text: string
  result: AiResult
  sessionId: string
  /** `provider:model` that answered. */
  model: string
  usage?: AiUsage
}

/** Data of the SSE `content` event. */
export interface ContentEventData {
  response: string
}

/** Data of the SSE `end` event (sent exactly once, last). */
export interface EndEventData {
  response: AiResult
  sessionId: string
  model: string
  usage?: AiUsage
}

/** Data of the SSE `error` event (last, for a failure after the stream started). */
export interface ErrorEventData {
  code: string
  message: string
}

/** SSE event names. */
export type StreamEventName = 'content' | 'end' | 'error'

/** Every error answer. */
export interface ErrorResponseBody {
  code: string
  message: string
  statusCode: number
  details?: Record<string, unknown>
}

/** One turn of `GET /api/v1/sessions/:sessionId`. */
export interface SessionTurn {
  prompt: string
  response: string
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
  state: 'ready' | 'cooling-down'
  until?: string
  reason?: string
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
