// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The gateway's errors in Anthropic's shape, `{"type": "error", "error": {"type", "message"},
// "request_id"}`, with the status Anthropic gives that type. Used for answers before the stream
// starts and for the in-band `error` event of a stream that fails after it started.

import type { AnthropicErrorBody, AnthropicErrorType } from './types.ts'

/** An error translated to Anthropic's shape, with its HTTP status. */
export interface AnthropicErrorAnswer {
  statusCode: number
  body: AnthropicErrorBody
  /** Seconds, for the `retry-after` header. */
  retryAfter?: number
}

// Our statuses -> Anthropic's status and type. A 503 of the gateway (no model could answer, a
// model cooling down, shutting down, the store gone) is what Anthropic calls overloaded: 529,
// which the Anthropic SDK and Claude Code retry after a pause.
const STATUSES: Record<number, { statusCode: number, type: AnthropicErrorType }> = {
  400: { statusCode: 400, type: 'invalid_request_error' },
  401: { statusCode: 401, type: 'authentication_error' },
  402: { statusCode: 402, type: 'billing_error' },
  403: { statusCode: 403, type: 'permission_error' },
  404: { statusCode: 404, type: 'not_found_error' },
  413: { statusCode: 413, type: 'request_too_large' },
  429: { statusCode: 429, type: 'rate_limit_error' },
  500: { statusCode: 500, type: 'api_error' },
  502: { statusCode: 502, type: 'api_error' },
  503: { statusCode: 529, type: 'overloaded_error' },
  504: { statusCode: 504, type: 'timeout_error' },
  529: { statusCode: 529, type: 'overloaded_error' }
}

// Codes whose answer differs from their status's row.
const CODES: Record<string, { statusCode: number, type: AnthropicErrorType }> = {
  // Anthropic answers an unknown model with 404 not_found_error.
  AI_MODEL_NOT_CONFIGURED: { statusCode: 404, type: 'not_found_error' }
}

const INTERNAL_MESSAGE = 'Internal server error'

interface ErrorFields {
  code?: unknown
  statusCode?: unknown
  message?: unknown
  retryAfter?: unknown
}

function rowFor (code: string | undefined, statusCode: number): { statusCode: number, type: AnthropicErrorType } {
  const special = code === undefined ? undefined : CODES[code]
  if (special !== undefined) return special
  const row = STATUSES[statusCode]
  if (row !== undefined) return row
  // Anthropic: "This error type may also be used for other 4XX status codes".
  if (statusCode >= 400 && statusCode < 500) return { statusCode, type: 'invalid_request_error' }
  return { statusCode: statusCode >= 500 && statusCode < 600 ? statusCode : 500, type: 'api_error' }
}

/** The Anthropic error type of a status, as `toAnthropicError` gives it (for in-band stream errors). */
export function anthropicErrorType (statusCode: number, code?: string): AnthropicErrorType {
  return rowFor(code, statusCode).type
}

/**
 * Translate any error (an AI_* error, or anything else: a 500 without details) into Anthropic's
 * answer. `requestId` is the answer's `request-id` header, repeated in the body.
 */
export function toAnthropicError (error: unknown, requestId?: string): AnthropicErrorAnswer {
  const fields: ErrorFields = typeof error === 'object' && error !== null ? error : {}
  const code = typeof fields.code === 'string' ? fields.code : undefined
  const status = typeof fields.statusCode === 'number' && fields.statusCode >= 400 && fields.statusCode < 600 ? fields.statusCode : 500
  const row = rowFor(code, status)
  // Unknown failures keep their details in the log, not in the answer.
  const known = code !== undefined && status !== 500
  const message = known && typeof fields.message === 'string' ? fields.message : INTERNAL_MESSAGE
  const answer: AnthropicErrorAnswer = { statusCode: row.statusCode, body: { type: 'error', error: { type: row.type, message } } }
  if (requestId !== undefined) answer.body.request_id = requestId
  if (typeof fields.retryAfter === 'number' && fields.retryAfter > 0) answer.retryAfter = Math.ceil(fields.retryAfter)
  return answer
}
