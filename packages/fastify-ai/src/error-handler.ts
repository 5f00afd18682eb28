import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AiBadRequestError, AiBodyTooLargeError } from '@platformatic/ai-provider'
import type { ErrorResponseBody } from './protocol.ts'
import { AiInternalError, AiRouteNotFoundError } from './errors.ts'

/** What an error can carry besides FastifyError's fields. */
interface AiErrorFields {
  /** Seconds until a retry can succeed (429 / 503). */
  retryAfter?: number
  /** Structured context (the field at fault, the attempts of the chain…). */
  details?: Record<string, unknown>
  /** The field at fault of a conversation the core refused (`tools[1].name`): answered as `details.field`. */
  field?: string
  /** Fastify's validation errors (Ajv), when another compiler produced them. */
  validation?: Array<{ instancePath?: string, message?: string }>
}

/** Any error a handler can receive, with the fields the gateway reads. */
export type AnyError = FastifyError & AiErrorFields

/** Longest piece of a request path repeated in a message: a 10 kB URL must not make a 10 kB answer. */
const PATH_IN_MESSAGE = 200

/** The path of a request for a message: without its query string, cut when very long. */
export function pathForMessage (url: string): string {
  const query = url.indexOf('?')
  const path = query === -1 ? url : url.slice(0, query)
  return path.length > PATH_IN_MESSAGE ? `${path.slice(0, PATH_IN_MESSAGE)}…` : path
}

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

function badRequest (error: AnyError): AnyError {
  return withCause(new AiBadRequestError(error.message), error)
}

function unsupportedContentType (error: AnyError, request: FastifyRequest): AnyError {
  const contentType = request.headers['content-type'] ?? ''
  const converted: AnyError = new AiBadRequestError(`Unsupported content-type ${JSON.stringify(contentType)}: send application/json`)
  converted.details = { field: 'content-type', location: 'headers', reason: 'unsupported media type' }
  return withCause(converted, error)
}

function routeNotFound (error: AnyError, request: FastifyRequest): AnyError {
  return withCause(new AiRouteNotFoundError(request.method, pathForMessage(request.url)), error)
}

// Fastify's own errors (and those of the plugins a Platformatic service registers) whose answer is
// not a plain AI_BAD_REQUEST; any other FST_* error with a 4xx status is one.
const FASTIFY_ERRORS: Record<string, (error: AnyError, request: FastifyRequest) => AnyError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: function bodyTooLarge (error, request) {
    return withCause(new AiBodyTooLargeError(request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit ?? 0), error)
  },
  // Fastify says 415; the API has always answered a body it cannot read with 400, on every route.
  FST_ERR_CTP_INVALID_MEDIA_TYPE: unsupportedContentType,
  FST_ERR_MAX_PARAM_LENGTH: function paramTooLong (error) {
    return withCause(new AiBadRequestError('A path parameter is longer than this server accepts (maxParamLength)'), error)
  },
  FST_ERR_NOT_FOUND: routeNotFound,
  // @fastify/static refusing a path (too long, dot segments): nothing is served there.
  FST_STATIC_FORBIDDEN_PATH: routeNotFound
}

function isClientStatus (statusCode: unknown): statusCode is number {
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500
}

/**
 * Turn any error into the error the gateway answers: AI_* errors as they are, Fastify's own by the
 * table above, an application's own client error (a 4xx with its own code) as it is, anything
 * else AI_INTERNAL_ERROR.
 */
export function toAiError (error: AnyError, request: FastifyRequest): AnyError {
  const code = typeof error.code === 'string' ? error.code : ''
  if (code.startsWith('AI_') && typeof error.statusCode === 'number') return error
  const known = FASTIFY_ERRORS[code]
  if (known !== undefined) return known(error, request)
  if (code === 'FST_ERR_VALIDATION' || Array.isArray(error.validation)) return fromValidation(error)
  if (isClientStatus(error.statusCode)) {
    if (code.startsWith('FST_') || error instanceof SyntaxError || (code === '' && error.statusCode === 400)) return badRequest(error)
    // An application's own client error (a plugin of the service, a hook): its status is its choice.
    return error
  }
  return new AiInternalError({ cause: error })
}

/** The JSON body of an error answer. */
export function errorBody (error: AnyError): ErrorResponseBody {
  const body: ErrorResponseBody = { code: error.code, message: error.message, statusCode: error.statusCode ?? 500 }
  if (error.details !== undefined && typeof error.details === 'object' && error.details !== null) body.details = error.details
  else if (typeof error.field === 'string') body.details = { field: error.field }
  return body
}

/** Seconds for Retry-After: the error's own value, else 1 (a 503 means "soon", never "never"). */
export function retryAfterSeconds (error: AnyError): number {
  return typeof error.retryAfter === 'number' && error.retryAfter > 0 ? Math.ceil(error.retryAfter) : 1
}

/**
 * Log a failed request once, on one line. A known AI_* failure is an expected condition (a store
 * outage, every model failing): its code and message say everything, and a stack trace per request
 * would bury the one warning that gives the cause. Only AI_INTERNAL_ERROR, a bug, logs the stack.
 */
export function logFailure (log: FastifyBaseLogger, error: AnyError, original: Error): void {
  const statusCode = error.statusCode ?? 500
  if (error.code === 'AI_INTERNAL_ERROR') {
    log.error({ err: original }, 'AI request failed')
  } else if (statusCode >= 500) {
    log.warn({ code: error.code, statusCode }, `AI request failed: ${error.message}`)
  } else {
    log.info({ code: error.code, statusCode }, `AI request refused: ${error.message}`)
  }
}

/** Answer an error (already through `toAiError`) as `{code, message, statusCode, details?}`. */
export function sendAiError (error: AnyError, reply: FastifyReply): void {
  const statusCode = error.statusCode ?? 500
  if (statusCode === 429 || statusCode === 503) {
    reply.header('retry-after', String(retryAfterSeconds(error)))
  }
  reply.code(statusCode).send(errorBody(error))
}
