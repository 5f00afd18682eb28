// What a plugin cannot set itself: options of the Fastify server the gateway runs on.

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
  /** Node's HTTP server options. */
  http: {
    /**
     * Milliseconds for a request's headers to arrive: the plugin's `bodyTimeout`, at most 60000
     * (Node's default). Past it Node
     * answers a bare 408 and closes the connection (there is no request yet to answer as JSON).
     */
    headersTimeout: number
    /** How often Node checks that timeout: at most 5 s, so it means what it says. */
    connectionsCheckingInterval: number
  }
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
    http: {
      headersTimeout,
      connectionsCheckingInterval: Math.min(LONGEST_CHECK_INTERVAL, headersTimeout)
    }
  }
}
