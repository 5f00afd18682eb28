// Layer observability/ (metrics, spans and the request log line). May import the base files only;
// see docs/architecture.md.
//
// What one plugin instance observes: its core's events (ai.observe) joined to the HTTP requests
// of its routes, for the one log line per request, the metrics and the spans. A core request is
// joined to the route handler that started it: the handlers of the gateway's routes are wrapped
// (onRoute) to say which request runs, and the core publishes `requestStart` synchronously from
// `ai.request()` / `ai.stream()`, before their first await.

import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import type { Ai, AiObserver, ObservedMiss, ObservedRequest } from '@platformatic/ai-provider'
import type { FastifyAiMetricsOptions, FastifyAiTracingOptions, HttpOptions } from '../options.ts'
import { AiOptionsError } from '@platformatic/ai-provider'
import type { GatewayMetrics } from './metrics.ts'
import { createGatewayMetrics } from './metrics.ts'
import { createGatewayTracing } from './tracing.ts'
import type { RequestFailure, RequestLine } from './request-log.ts'
import { levelOf, logRequestLine, tokensOf } from './request-log.ts'

/**
 * A failure after a stream's headers were sent (its status is 200 already): the request's one
 * line says it, instead of a line of its own. False when the request has no such line (it is not
 * one of a gateway's routes, or its line is written): the caller logs it then.
 */
export function recordStreamFailure (request: FastifyRequest, failure: RequestFailure): boolean {
  const exchange = (request as Watched)[kExchange]
  if (exchange === undefined || exchange.logged) return false
  exchange.failure = failure
  return true
}

/** The observability options, validated. */
export interface ObservabilitySettings {
  metrics: FastifyAiMetricsOptions | undefined
  /** Undefined: no spans. */
  tracing: (FastifyAiTracingOptions & { recordContent: boolean, propagateUpstream: boolean }) | undefined
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
  for (const name of ['recordContent', 'propagateUpstream'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw new AiOptionsError(`tracing.${name} must be a boolean, got ${JSON.stringify(options[name])}`)
  }
  return { metrics: metrics as FastifyAiMetricsOptions | undefined, tracing: { ...options, recordContent: options.recordContent ?? false, propagateUpstream: options.propagateUpstream ?? false } }
}

/** What is known of one HTTP request of a gateway route, until its line is logged. */
interface Exchange {
  readonly request: FastifyRequest
  readonly reply: FastifyReply
  /** The core request its handler started (the last one, if several). */
  observed: ObservedRequest | undefined
  /** The error its answer was built from. */
  failure: RequestFailure | undefined
  /** A stream request, counted in the open streams until the end. */
  streaming: boolean
  /** The answer was sent in full ('finish'): a 'close' without it is a client that left. */
  sent: boolean
  logged: boolean
}

/**
 * Where a request keeps its exchange: a property, not a WeakMap (a WeakMap entry per request made
 * the garbage collector's work per request measurably heavier).
 */
const kExchange = Symbol('fastify-ai exchange')
type Watched = FastifyRequest & { [kExchange]?: Exchange }

/** The observability of one plugin instance. */
export interface Observability {
  /** For the gateway's error handler: the request's line will say this failure. */
  recordFailure (request: FastifyRequest, reply: FastifyReply, failure: RequestFailure): void
  /** The onRoute hook on the gateway's scope, before its routes are registered. */
  install (scope: FastifyInstance): void
  /** Stop observing the core; remove the metrics from their registry. */
  close (): void
}

const OK = 'OK'

/** Observe `ai` for the routes of one plugin instance. */
export function createObservability (ai: Ai, http: HttpOptions, settings: ObservabilitySettings): Observability {
  /** The exchange whose route handler is running (synchronously), see the top of this file. */
  let current: Exchange | undefined
  let metrics: GatewayMetrics | undefined

  const joinRequests: AiObserver = {
    requestStart (observed: ObservedRequest): void {
      const exchange = current
      if (exchange === undefined) return
      const request = exchange.request
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
      tracer: settings.tracing.tracer,
      parentContext: settings.tracing.parentContext,
      recordContent: settings.tracing.recordContent,
      propagateUpstream: settings.tracing.propagateUpstream
    }, function currentRequest () { return current?.request })
    unsubscribe.push(ai.observe(tracing))
  }

  function lineOf (exchange: Exchange, code: string | undefined): RequestLine {
    const request = exchange.request
    const reply = exchange.reply
    const line: RequestLine = {
      method: request.method,
      route: routeOf(request),
      statusCode: reply.statusCode,
      // The caller as usage and budgets count it.
      caller: http.getCaller(request) ?? `ip:${request.ip}`
    }
    const observed = exchange.observed
    const sessionId = observed?.sessionId ?? sessionHeader(reply, http.headerSessionIdName)
    if (sessionId !== undefined) line.sessionId = sessionId
    if (observed !== undefined) {
      if (observed.misses.length > 0 || observed.model !== undefined) line.models = modelsTried(observed)
      if (observed.model !== undefined) line.model = observed.model.name
      const tokens = tokensOf(observed.usage)
      if (tokens !== undefined) line.tokens = tokens
      if (observed.usage?.cost !== undefined) line.cost = observed.usage.cost
      if (observed.firstTokenAt !== undefined) line.timeToFirstTokenMs = Math.round(observed.firstTokenAt - observed.startedAt)
      if (observed.resumed) line.resumed = true
    }
    const elapsed = reply.elapsedTime
    // Fastify times a request only when something asks it to (a logger, an onResponse hook).
    if (elapsed > 0) line.latencyMs = Math.round(elapsed)
    if (code !== undefined) line.code = code
    return line
  }

  /** The request is over (answered, failed or its client left): its line, and its metrics. */
  function finish (exchange: Exchange, aborted: boolean): void {
    if (exchange.logged) return
    exchange.logged = true
    const request = exchange.request
    const observed = exchange.observed
    const code = exchange.failure?.code ?? observed?.code ?? (aborted ? 'AI_ABORTED' : undefined)
    // A logger above the line's level costs nothing more (a benchmark runs at warn).
    if (isLevelEnabled(request.log, levelOf(exchange.failure))) logRequestLine(request.log, lineOf(exchange, code), exchange.failure)
    if (metrics !== undefined) {
      const route = routeOf(request)
      metrics.request(route, observed?.model, code)
      if (exchange.streaming) metrics.streamClosed(route)
    }
  }

  /**
   * The request's exchange. The first time, its line is set to be written when its answer closes:
   * sent in full, or its client gone before (then no onResponse would follow, and a request whose
   * body had arrived gets no onRequestAbort either). One listener per request instead of Fastify
   * hooks (a hook costs every request of the scope its runner).
   */
  function watch (request: Watched, reply: FastifyReply): Exchange {
    const known = request[kExchange]
    if (known !== undefined) return known
    const exchange: Exchange = { request, reply, observed: undefined, failure: undefined, streaming: false, sent: false, logged: false }
    request[kExchange] = exchange
    // 'finish', not writableFinished: an injected request (light-my-request) finishes without it.
    reply.raw.once('finish', function answerSent () {
      exchange.sent = true
    })
    reply.raw.once('close', function answerClosed () {
      finish(exchange, !exchange.sent)
    })
    return exchange
  }

  function observeRoute (route: RouteOptions): void {
    const handler = route.handler
    route.handler = function observedHandler (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      current = watch(request, reply)
      try {
        return handler.call(this, request, reply)
      } finally {
        current = undefined
      }
    }
  }

  return {
    recordFailure (request: FastifyRequest, reply: FastifyReply, failure: RequestFailure): void {
      // A request refused before its handler (auth, validation) is watched from here.
      watch(request, reply).failure = failure
    },
    install (scope: FastifyInstance): void {
      scope.addHook('onRoute', observeRoute)
    },
    close (): void {
      for (const stop of unsubscribe) stop()
      metrics?.unregister()
    }
  }
}

function isLevelEnabled (log: FastifyBaseLogger, level: string): boolean {
  const check = (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled
  return check === undefined || check.call(log, level)
}

function routeOf (request: FastifyRequest): string {
  return request.routeOptions.url ?? ''
}

function sessionHeader (reply: FastifyReply | undefined, name: string): string | undefined {
  const value = reply?.getHeader(name)
  return typeof value === 'string' ? value : undefined
}

function modelsTried (observed: ObservedRequest): readonly ObservedMiss[] {
  if (observed.model === undefined || observed.resumed) return observed.misses
  return [...observed.misses, { model: observed.model.name, code: OK }]
}
