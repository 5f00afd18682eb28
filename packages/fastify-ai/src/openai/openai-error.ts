// Layer openai/ (the OpenAI-compatible routes and their wire format). May import sse/ and the base
// files; see docs/architecture.md.

import type { FastifyReply } from 'fastify'
import type { OpenAiErrorBody, OpenAiErrorType } from './types.ts'

/** An error translated to OpenAI's shape, with its HTTP status. */
export interface OpenAiErrorAnswer {
  statusCode: number
  body: OpenAiErrorBody
  /** Seconds, for the Retry-After header. */
  retryAfter?: number
}

interface ErrorFields {
  code?: unknown
  statusCode?: unknown
  message?: unknown
  param?: unknown
  retryAfter?: unknown
}

// AI_* codes whose OpenAI answer differs from "the error's status, type by status class".
const SPECIAL_CODES: Record<string, { statusCode: number, type: OpenAiErrorType, code: string, param?: string }> = {
  AI_MODEL_NOT_CONFIGURED: { statusCode: 404, type: 'invalid_request_error', code: 'model_not_found', param: 'model' },
  AI_SESSION_NOT_FOUND: { statusCode: 404, type: 'invalid_request_error', code: 'session_not_found' },
  AI_CALLER_RATE_LIMITED: { statusCode: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  AI_UNAUTHORIZED: { statusCode: 401, type: 'authentication_error', code: 'invalid_api_key' },
  AI_NO_MODELS_AVAILABLE: { statusCode: 503, type: 'server_error', code: 'no_models_available' }
}

function typeForStatus (statusCode: number): OpenAiErrorType {
  if (statusCode === 401 || statusCode === 403) return 'authentication_error'
  if (statusCode === 429) return 'rate_limit_error'
  if (statusCode >= 500) return 'server_error'
  return 'invalid_request_error'
}

/** Translate any error thrown while serving an OpenAI route into OpenAI's error answer. */
export function toOpenAiError (error: unknown): OpenAiErrorAnswer {
  const fields: ErrorFields = typeof error === 'object' && error !== null ? error : {}
  const code = typeof fields.code === 'string' ? fields.code : undefined
  const message = typeof fields.message === 'string' ? fields.message : 'Unknown error'
  const retryAfter = typeof fields.retryAfter === 'number' && fields.retryAfter > 0 ? Math.ceil(fields.retryAfter) : undefined
  const param = typeof fields.param === 'string' ? fields.param : null

  const special = code === undefined ? undefined : SPECIAL_CODES[code]
  if (special !== undefined) {
    return {
      statusCode: special.statusCode,
      body: { error: { message, type: special.type, param: special.param ?? param, code: special.code } },
      retryAfter
    }
  }

  const statusCode = typeof fields.statusCode === 'number' && fields.statusCode >= 400 && fields.statusCode < 600
    ? fields.statusCode
    : 500
  if (statusCode === 500 || code === undefined) {
    // Unknown failures keep their details in the log, not in the answer.
    return {
      statusCode,
      body: { error: { message: statusCode === 500 ? 'The server had an error while processing your request.' : message, type: typeForStatus(statusCode), param: null, code: statusCode === 500 ? 'server_error' : null } },
      retryAfter
    }
  }
  // Codes that are not the gateway's (an application's own error) are not part of the product.
  const openaiCode = (error as { openaiCode?: unknown }).openaiCode
  const answerCode = typeof openaiCode === 'string' ? openaiCode : code.startsWith('AI_') ? code : null
  return {
    statusCode,
    body: { error: { message, type: typeForStatus(statusCode), param, code: answerCode } },
    retryAfter
  }
}

/**
 * Answer an error in OpenAI's shape. It has been through the gateway's error mapping (toAiError)
 * and logged already: this only writes.
 */
export function sendOpenAiError (error: unknown, reply: FastifyReply): void {
  const answer = toOpenAiError(error)
  if (answer.retryAfter !== undefined) {
    reply.header('retry-after', String(answer.retryAfter))
  } else if (answer.statusCode === 429 || answer.statusCode === 503) {
    reply.header('retry-after', '1')
  }
  reply.code(answer.statusCode).send(answer.body)
}
