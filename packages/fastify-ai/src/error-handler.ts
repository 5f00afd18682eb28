import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AiBadRequestError, AiBodyTooLargeError } from '@platformatic/ai-provider'
import type { ErrorResponseBody } from './protocol.ts'
import { AiInternalError } from './errors.ts'

/** What an error can carry besides FastifyError's fields. */
interface AiErrorFields {
  /** Seconds until a retry can succeed (429 / 503). */
  retryAfter?: number
  /** Structured context (the field at fault, the attempts of the chain…). */
  details?: Record<string, unknown>
  /** Fastify's validation errors (Ajv), when another compiler produced them. */
  validation?: Array<{ instancePath?: string, message?: string }>
}

type AnyError = FastifyError & AiErrorFields

/** Fastify's own errors that are the caller's fault, by code. */
const BAD_REQUEST_CODES = new Set([
  'FST_ERR_CTP_INVALID_JSON_BODY',
  'FST_ERR_CTP_EMPTY_JSON_BODY',
  'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  'FST_ERR_CTP_INVALID_CONTENT_LENGTH',
  'FST_ERR_CTP_INVALID_TYPE',
  'FST_ERR_CTP_EMPTY_TYPE'
])

function fromValidation (error: AnyError): AnyError {
  const first = error.validation?.[0]
  const field = (first?.instancePath ?? '').split('/').filter(Boolean).join('.') || (error as { validationContext?: string }).validationContext || 'body'
  const converted: AnyError = new AiBadRequestError(`Invalid field "${field}": ${first?.message ?? error.message}`)
  converted.details = { field, reason: first?.message ?? error.message }
  return converted
}

function withCause (error: AnyError, cause: Error): AnyError {
  error.cause = cause
  return error
}

/** Turn any error into one of the API's AI_* errors. */
export function toAiError (error: AnyError, request: FastifyRequest): AnyError {
  const code = typeof error.code === 'string' ? error.code : ''
  if (code.startsWith('AI_') && typeof error.statusCode === 'number') return error
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return withCause(new AiBodyTooLargeError(request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 0), error)
  }
  if (code === 'FST_ERR_VALIDATION' || Array.isArray(error.validation)) return fromValidation(error)
  if (BAD_REQUEST_CODES.has(code) || (error instanceof SyntaxError && error.statusCode === 400)) {
    return withCause(new AiBadRequestError(error.message), error)
  }
  return new AiInternalError({ cause: error })
}

/** The JSON body of an error answer. */
export function errorBody (error: AnyError): ErrorResponseBody {
  const body: ErrorResponseBody = { code: error.code, message: error.message, statusCode: error.statusCode ?? 500 }
  if (error.details !== undefined && typeof error.details === 'object' && error.details !== null) body.details = error.details
  return body
}

/** Seconds for Retry-After: the error's own value, else 1 (a 503 means "soon", never "never"). */
export function retryAfterSeconds (error: AnyError): number {
  return typeof error.retryAfter === 'number' && error.retryAfter > 0 ? Math.ceil(error.retryAfter) : 1
}

/** Error handler of the plugin's routes: every error is `{code, message, statusCode, details?}`. */
export function aiErrorHandler (this: unknown, original: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = toAiError(original, request)
  const statusCode = error.statusCode ?? 500
  if (statusCode >= 500) {
    const level = error.code === 'AI_INTERNAL_ERROR' ? 'error' : 'warn'
    request.log[level]({ err: original }, 'AI request failed')
  }
  if (statusCode === 429 || statusCode === 503) {
    reply.header('retry-after', String(retryAfterSeconds(error)))
  }
  return reply.code(statusCode).send(errorBody(error))
}
