// Layer observability/ (metrics, spans and the request log line). May import the base files only;
// see docs/architecture.md.
//
// What one plugin instance observes: its core's events (ai.observe) joined to the HTTP requests
// of its routes, for the one log line per request, the metrics and the spans. A core request is
// joined to the route handler that started it: the handlers of the gateway's routes are wrapped
// (onRoute) to say which request runs, and the core publishes `requestStart` synchronously from
// `ai.request()` / `ai.stream()`, before their first await.

import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Ai, AiObserver, ObservedMiss, ObservedRequest } from '@platformatic/ai-provider'
import { trace } from '@opentelemetry/api'
import type { FastifyAiMetricsOptions, FastifyAiTracingOptions, HttpOptions } from '../options.ts'
import { AiOptionsError } from '@platformatic/ai-provider'
import type { GatewayMetrics } from './metrics.ts'
import { createGatewayMetrics } from './metrics.ts'
import { createGatewayTracing } from './tracing.ts'
import type { RequestFailure, RequestLine } from './request-log.ts'
import { logRequestLine, tokensOf } from './request-log.ts'

/** The observability options, validated. */
export interface ObservabilitySettings {
  metrics: FastifyAiMetricsOptions | undefined
  /** Undefined: no spans. */
  tracing: (FastifyAiTracingOptions & { recordContent: boolean }) | undefined
}

/** Validate `metrics` and `tracing` (guard clauses naming the option). */
export function normalizeObservability (metrics: unknown, tracing: unknown): ObservabilitySettings {
  if (metrics !== undefined) {
    const registry = (metrics as { registry?: { registerMetric?: unknown } } | null)?.registry
    if (typeof registry?.registerMetric !== 'function') throw new AiOptionsError('metrics.registry must be a prom-client Registry')
  }
  if (tracing === false) return { metrics: metrics as FastifyAiMetricsOptions | undefined, tracing: undefined }
  const options = (tracing ?? {}) as FastifyAiTracingOptions
  if (typeof options !== 'object' || options === null) throw new AiOptionsError(`tracing must be false or an object, got ${JSON.stringify(tracing)}`)
  if (options.tracer !== undefined && typeof options.tracer?.startSpan !== 'function') throw new AiOptionsError('tracing.tracer must be an OpenTelemetry Tracer')
  if (options.parentContext !== undefined && typeof options.parentContext !== 'function') throw new AiOptionsError('tracing.parentContext must be a function')
  if (options.recordContent !== undefined && typeof options.recordContent !== 'boolean') {
    throw new AiOptionsError(`tracing.recordContent must be a boolean, got ${JSON.stringify(options.recordContent)}`)
  }
  return { metrics: metrics as FastifyAiMetricsOptions | undefined, tracing: { ...options, recordContent: options.recordContent ?? false } }
}

/** What is known of one HTTP request of a gateway route, until its line is logged. */
interface Exchange {
  reply: FastifyReply | undefined
  /** The core request its handler started (the last one, if several). */
  observed: ObservedRequest | undefined
  /** The error its answer was built from. */
  failure: RequestFailure | undefined
  /** A stream request, counted in the open streams until the end. */
  streaming: boolean
  logged: boolean
}

/** The observability of one plugin instance. */
export interface Observability {
  /** For the gateway's error handler: the request's line will say this failure. */
  recordFailure (request: FastifyRequest, reply: FastifyReply, failure: RequestFailure): void
  /** Hooks on the gateway's scope, before its routes are registered. */
  install (scope: FastifyInstance): void
  /** Stop observing the core; remove the metrics from their registry. */
  close (): void
}

const OK = 'OK'

/** Observe `ai` for the routes of one plugin instance. */
export function createObservability (ai: Ai, http: HttpOptions, settings: ObservabilitySettings): Observability {
  const exchanges = new WeakMap<FastifyRequest, Exchange>()
  /** The request of each answer a route handler writes, for `finishOnClose`. */
  const requestsOfAnswers = new WeakMap<ServerResponse, FastifyRequest>()
  /** The request whose route handler is running (synchronously), see the top of this file. */
  let current: FastifyRequest | undefined
  let metrics: GatewayMetrics | undefined

  function exchangeOf (request: FastifyRequest, reply: FastifyReply | undefined): Exchange {
    let exchange = exchanges.get(request)
    if (exchange === undefined) {
      exchange = { reply, observed: undefined, failure: undefined, streaming: false, logged: false }
      exchanges.set(request, exchange)
    } else if (exchange.reply === undefined) {
      exchange.reply = reply
    }
    return exchange
  }

  const joinRequests: AiObserver = {
    requestStart (observed: ObservedRequest): void {
      const request = current
      if (request === undefined) return
      const exchange = exchangeOf(request, undefined)
      exchange.observed = observed
      if (observed.operation === 'stream' && !exchange.streaming) {
        exchange.streaming = true
        metrics?.streamOpened(routeOf(request))
      }
    }
  }
  const unsubscribe = [ai.observe(joinRequests)]
  if (settings.metrics !== undefined) {
    metrics = createGatewayMetrics(settings.metrics.registry, ai)
    unsubscribe.push(ai.observe(metrics))
  }
  if (settings.tracing !== undefined) {
    const tracing = createGatewayTracing({
      tracer: settings.tracing.tracer ?? trace.getTracer('@platformatic/fastify-ai'),
      parentContext: settings.tracing.parentContext,
      recordContent: settings.tracing.recordContent
    }, function currentRequest () { return current })
    unsubscribe.push(ai.observe(tracing))
  }

  function lineOf (request: FastifyRequest, exchange: Exchange, code: string | undefined): RequestLine {
    const owner = http.getOwner(request)
    const reply = exchange.reply
    const line: RequestLine = {
      method: request.method,
      route: routeOf(request),
      statusCode: reply?.statusCode ?? 0,
      caller: owner === undefined ? `ip:${request.ip}` : `user:${owner}`
    }
    const observed = exchange.observed
    const sessionId = observed?.sessionId ?? sessionHeader(reply, http.headerSessionIdName)
    if (sessionId !== undefined) line.sessionId = sessionId
    if (observed !== undefined) {
      if (observed.misses.length > 0 || observed.model !== undefined) line.models = modelsTried(observed)
      if (observed.model !== undefined) line.model = observed.model.name
      const tokens = tokensOf(observed.usage)
      if (tokens !== undefined) line.tokens = tokens
      if (observed.firstTokenAt !== undefined) line.timeToFirstTokenMs = Math.round(observed.firstTokenAt - observed.startedAt)
      if (observed.resumed) line.resumed = true
    }
    if (reply !== undefined) line.latencyMs = Math.round(reply.elapsedTime)
    if (code !== undefined) line.code = code
    return line
  }

  /** The request is over (answered, failed or its client left): its line, and its metrics. */
  function finish (request: FastifyRequest, reply: FastifyReply | undefined, aborted: boolean): void {
    const exchange = exchangeOf(request, reply)
    if (exchange.logged) return
    exchange.logged = true
    const observed = exchange.observed
    const code = exchange.failure?.code ?? observed?.code ?? (aborted ? 'AI_ABORTED' : undefined)
    const line = lineOf(request, exchange, code)
    logRequestLine(request.log, line, exchange.failure)
    if (metrics !== undefined) {
      metrics.request(line.route, observed?.model, code)
      if (exchange.streaming) metrics.streamClosed(line.route)
    }
  }

  /**
   * The answer's connection closed: when the answer was not sent in full (the client left), no
   * onResponse follows (a request whose body had arrived gets no onRequestAbort either).
   */
  function finishOnClose (this: ServerResponse): void {
    if (this.writableFinished) return
    const request = requestsOfAnswers.get(this)
    if (request !== undefined) finish(request, undefined, true)
  }

  function observeRoute (route: RouteOptions): void {
    const handler = route.handler
    route.handler = function observedHandler (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      exchangeOf(request, reply)
      requestsOfAnswers.set(reply.raw, request)
      reply.raw.on('close', finishOnClose)
      current = request
      try {
        return handler.call(this, request, reply)
      } finally {
        current = undefined
      }
    }
  }

  return {
    recordFailure (request: FastifyRequest, reply: FastifyReply, failure: RequestFailure): void {
      exchangeOf(request, reply).failure = failure
    },
    install (scope: FastifyInstance): void {
      scope.addHook('onRoute', observeRoute)
      scope.addHook('onResponse', function logAiRequest (request, reply, done) {
        finish(request, reply, false)
        done()
      })
      scope.addHook('onRequestAbort', function logAbortedAiRequest (request, done) {
        finish(request, exchanges.get(request)?.reply, true)
        done()
      })
    },
    close (): void {
      for (const stop of unsubscribe) stop()
      metrics?.unregister()
    }
  }
}

function routeOf (request: FastifyRequest): string {
  return request.routeOptions.url ?? ''
}

function sessionHeader (reply: FastifyReply | undefined, name: string): string | undefined {
  const value = reply?.getHeader(name)
  return typeof value === 'string' ? value : undefined
}

function modelsTried (observed: ObservedRequest): ObservedMiss[] {
  if (observed.model === undefined || observed.resumed) return observed.misses
  return [...observed.misses, { model: observed.model.name, code: OK }]
}
