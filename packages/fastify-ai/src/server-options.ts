// What a plugin cannot set itself: options of the Fastify server the gateway runs on.

import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { FastifyAiOptions } from './options.ts'
import { normalizeHttpOptions } from './options.ts'
import type { AiErrorHandler } from './error-answers.ts'
import { errorAnswersFor } from './error-answers.ts'

// Node checks its header timeout every 30 s by default, so a 30 s limit could take a minute.
const LONGEST_CHECK_INTERVAL = 5000
// Node's own default: headers never need longer (and a longer one must not pass its requestTimeout).
const LONGEST_HEADERS_TIMEOUT = 60000

/** Fastify server options for an application serving `@platformatic/fastify-ai`. */
export interface FastifyAiServerOptions {
  /**
   * Answers the errors Fastify raises before any route (a bad percent-encoding, a path parameter
   * longer than `maxParamLength`) in the gateway's shapes instead of Fastify's.
   */
  frameworkErrors: AiErrorHandler
  /**
   * Answers what Node refuses before there is a request (headers that time out, malformed or
   * oversized headers) in the `{code, message, statusCode}` shape instead of Fastify's.
   */
  clientErrorHandler: (this: FastifyInstance, error: Error & { code?: string }, socket: Socket) => void
  /** Node's HTTP server options. */
  http: {
    /**
     * Milliseconds for a request's headers to arrive: the plugin's `bodyTimeout`, at most 60000
     * (Node's default). Past it `clientErrorHandler` answers 408 `AI_REQUEST_TIMEOUT` and the
     * connection is closed.
     */
    headersTimeout: number
    /** How often Node checks that timeout: at most 5 s, so it means what it says. */
    connectionsCheckingInterval: number
  }
}

// Node's reasons to refuse a connection's request before Fastify sees it, and the answer to each.
const CLIENT_ERRORS: Record<string, { code: string, message: string, statusCode: number }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'AI_REQUEST_TIMEOUT', message: 'The request was not received in full in time', statusCode: 408 },
  HPE_HEADER_OVERFLOW: { code: 'AI_BAD_REQUEST', message: 'The request headers are larger than this server accepts', statusCode: 400 }
}
const MALFORMED = { code: 'AI_BAD_REQUEST', message: 'The request is not valid HTTP', statusCode: 400 }

/** Fastify's `clientErrorHandler`, in the gateway's shape (there is no route, so never OpenAI's). */
function answerClientError (this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  // The client is gone: nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const answer = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED
  this.log.debug({ code: answer.code, cause: error.code }, `client error: ${answer.message}`)
  if (socket.writable) {
    const body = JSON.stringify(answer)
    socket.write(`HTTP/1.1 ${answer.statusCode} ${STATUS_CODES[answer.statusCode]}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`)
  }
  socket.destroy(error)
}

/**
 * The server options to give `Fastify()` for the gateway, from the options given to the plugin:
 * `Fastify({ ...fastifyAiServerOptions(options), logger: true })`.
 */
export function fastifyAiServerOptions (options: FastifyAiOptions = {}): FastifyAiServerOptions {
  const http = normalizeHttpOptions(options)
  const headersTimeout = Math.min(http.bodyTimeout, LONGEST_HEADERS_TIMEOUT)
  return {
    frameworkErrors: errorAnswersFor(http).errorHandler,
    clientErrorHandler: answerClientError,
    http: {
      headersTimeout,
      connectionsCheckingInterval: Math.min(LONGEST_CHECK_INTERVAL, headersTimeout)
    }
  }
}
