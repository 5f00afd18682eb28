// The gateway's one answer to every error. The error handler of its routes, the handler of unknown
// routes, Fastify's `frameworkErrors` (bad URLs, over-long path parameters, answered before any
// route) and the body deadline all end here, so the shape is decided in one place: Anthropic's
// under the Anthropic Messages path, OpenAI's under the OpenAI prefix, `{code, message, statusCode,
// details?}` everywhere else.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyAiOptions, HttpOptions } from './options.ts'
import { normalizeHttpOptions } from './options.ts'
import type { AnyError } from './error-handler.ts'
import { logFailure, pathForMessage, sendAiError, toAiError } from './error-handler.ts'
import { AiRouteNotFoundError } from './errors.ts'
import type { BodyTimeoutHook } from './body-timeout.ts'
import { bodyTimeoutHook } from './body-timeout.ts'
import { sendOpenAiError } from './openai/openai-error.ts'
import { sendAnthropicError } from './anthropic/anthropic-error.ts'
import type { RequestFailure } from './observability/request-log.ts'

/** Takes a failure for the request's own log line instead of a line of its own. */
export type FailureRecorder = (request: FastifyRequest, reply: FastifyReply, failure: RequestFailure) => void

/** An error handler, as `setErrorHandler` and the `frameworkErrors` server option take it. */
export type AiErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void

/** The gateway's handlers of errors and unknown routes, sharing one rule for the answer's shape. */
export interface AiErrorAnswers {
  /** For `setErrorHandler` and for Fastify's `frameworkErrors` server option. */
  errorHandler: AiErrorHandler
  /** For `setNotFoundHandler`: 404 `AI_ROUTE_NOT_FOUND`, through `errorHandler`. */
  notFoundHandler: (request: FastifyRequest, reply: FastifyReply) => void
  /**
   * A plugin to register once, without a prefix: makes `notFoundHandler` the application's, in a
   * scope of its own where a body is never read (a 404 never waits for a body, nor becomes a 400
   * because of one) and `errorHandler` answers.
   */
  unknownRoutes: (scope: FastifyInstance) => Promise<void>
  /**
   * A preParsing hook failing a body not in after `bodyTimeout` ms with 408 `AI_REQUEST_TIMEOUT`
   * (answered by `errorHandler`, connection closed). Added twice, it watches a body once.
   */
  bodyTimeout: BodyTimeoutHook
}

/** True when `url` is `prefix` or below it (`/v1`, `/v1/…`, `/v1?…`, not `/v1beta`). */
function isBelow (url: string, prefix: string): boolean {
  if (!url.startsWith(prefix)) return false
  const next = url.charAt(prefix.length)
  return next === '' || next === '/' || next === '?'
}

/**
 * The answers for validated HTTP options (the plugin's own). With `recordFailure`, the failures of
 * the routes (`errorHandler`) go to it, for the one line each request logs; unknown routes still
 * log theirs.
 */
export function errorAnswersFor (http: HttpOptions, recordFailure?: FailureRecorder): AiErrorAnswers {
  const openaiPrefix = http.routes.openai ? http.openai.prefix : undefined
  // Below the OpenAI prefix too (both are `/v1` by default): looked at first.
  const anthropicPath = http.routes.anthropic ? `${http.anthropic.prefix}/messages` : undefined

  function answerError (error: FastifyError, request: FastifyRequest, reply: FastifyReply, record?: FailureRecorder): void {
    const answer = toAiError(error as AnyError, request)
    if (record === undefined) logFailure(request.log, answer, error)
    else record(request, reply, { code: answer.code, message: answer.message, statusCode: answer.statusCode ?? 500, original: error })
    if (anthropicPath !== undefined && isBelow(request.url, anthropicPath)) {
      sendAnthropicError(answer, reply)
    } else if (openaiPrefix !== undefined && isBelow(request.url, openaiPrefix)) {
      sendOpenAiError(answer, reply)
    } else {
      sendAiError(answer, reply)
    }
  }

  function answerRouteNotFound (request: FastifyRequest, reply: FastifyReply): void {
    // The body of an unknown route is never read: when it is still arriving, close the connection
    // after the answer instead of waiting for it.
    if (!request.raw.complete && request.raw.httpVersionMajor === 1) reply.header('connection', 'close')
    answerError(new AiRouteNotFoundError(request.method, pathForMessage(request.url)), request, reply)
  }

  function answerUnknownRouteError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    // A content-type Fastify refuses before any parser (a malformed header) says nothing about a
    // route that does not exist.
    if (typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_')) {
      answerRouteNotFound(request, reply)
      return
    }
    answerError(error, request, reply)
  }

  async function unknownRoutes (scope: FastifyInstance): Promise<void> {
    scope.setErrorHandler(answerUnknownRouteError)
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', function skipBody (_request, _payload, done) {
      done(null, undefined)
    })
    scope.setNotFoundHandler(answerRouteNotFound)
  }

  function answerRouteError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    answerError(error, request, reply, recordFailure)
  }

  return { errorHandler: answerRouteError, notFoundHandler: answerRouteNotFound, unknownRoutes, bodyTimeout: bodyTimeoutHook(http.bodyTimeout) }
}

/**
 * The handlers of errors and unknown routes the plugin uses, for an application that installs
 * them itself (ai-warp does, at its root): pass the options given to the plugin.
 */
export function createErrorAnswers (options: FastifyAiOptions = {}): AiErrorAnswers {
  return errorAnswersFor(normalizeHttpOptions(options))
}
