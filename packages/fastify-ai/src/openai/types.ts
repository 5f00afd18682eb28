// Layer openai/ (the OpenAI-compatible routes and their wire format). May import sse/ and the base
// files; see docs/architecture.md.
//
// The options of the OpenAI-compatible routes, and the model list and error bodies they answer
// (docs/openai-compatibility.md). The chat completions wire format itself (request, answer,
// chunks) is @platformatic/ai-provider's (wire/openai-chat/).

import type { FastifyRequest } from 'fastify'
import type { RequestLimits } from '../request-limits.ts'

/** Options of the `openaiRoutes` plugin (`openai` in the fastify-ai options, plus what fastify-ai passes through). */
export interface OpenAiRoutesOptions {
  /** Route prefix, applied by `register`. Default `/v1`. */
  prefix?: string
  /**
   * Named model chains usable as `model`, e.g. `{ fast: ['openai:gpt-4o-mini', 'gemini:gemini-2.5-flash'] }`.
   * Every entry must be a configured `provider:model`. `default` (all configured models, in order)
   * exists unless an alias of that name replaces it.
   */
  aliases?: Record<string, string[]>
  /** Request and response header carrying the session id. Default `x-session-id`. */
  headerSessionIdName?: string
  /** Who owns sessions (e.g. the authenticated user id); sessions of another owner answer 404. */
  getOwner?: (request: FastifyRequest) => string | undefined
  /** Who is asking, for usage and caller budgets (fastify-ai passes its `getCaller`). */
  getCaller?: (request: FastifyRequest) => string | undefined
  /** `maxPromptLength` and `maxMessages`, as on the /api/v1 routes. Default 100000 and 1000. */
  requestLimits?: RequestLimits
  /** Milliseconds without a chunk before a `: ping` comment on a stream. Default 15000. */
  heartbeatInterval?: number
}

/** One entry of `GET /v1/models`. */
export interface OpenAiModel {
  /** A configured `provider:model` or an alias name. */
  id: string
  object: 'model'
  /** Unix seconds: when the gateway started. */
  created: number
  /** The provider name, or `ai-warp` for an alias. */
  owned_by: string
}

/** `GET /v1/models` */
export interface OpenAiModelList {
  object: 'list'
  data: OpenAiModel[]
}

/** `type` values of OpenAI error bodies that the gateway produces. */
export type OpenAiErrorType = 'invalid_request_error' | 'authentication_error' | 'rate_limit_error' | 'server_error'

/** Every error answer (and the data of a mid-stream error frame). */
export interface OpenAiErrorBody {
  error: {
    message: string
    type: OpenAiErrorType
    /** The request parameter at fault, e.g. `temperature` or `messages[2].content`. */
    param: string | null
    /** A stable code: `model_not_found`, `rate_limit_exceeded`, `unsupported_parameter`, or the AI_* code. */
    code: string | null
  }
}
