// The AI metrics and spans on what Watt already runs (docs/observability.md): the metrics on the
// Prometheus registry Watt serves (`globalThis.platformatic.prometheus.registry`, the one its
// metrics endpoint aggregates from every application), the spans through the tracer of the
// service's `telemetry` and under its HTTP span of the request.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FastifyAiMetricsOptions, FastifyAiTracingOptions } from '@platformatic/fastify-ai'

/** The `ai.tracing` section of the configuration. */
export interface AiTracingSection {
  /** Record prompts, instructions and answers on the spans. Default false. */
  recordContent?: boolean
  /** Send each provider call's trace context (`traceparent`) to the provider. Default false. */
  propagateUpstream?: boolean
}

type Registry = FastifyAiMetricsOptions['registry']
type Tracer = NonNullable<FastifyAiTracingOptions['tracer']>
type Context = NonNullable<ReturnType<NonNullable<FastifyAiTracingOptions['parentContext']>>>

/** What Watt puts in `globalThis.platformatic` that is read here. */
interface PlatformaticGlobals {
  prometheus?: { registry?: Registry }
  /** Set when the runtime's OpenTelemetry hooks run in this thread (not for a service: see skipTelemetryHooks). */
  tracerProvider?: { getTracer (name: string): Tracer }
}

/** What the service's telemetry plugin decorates (when the `telemetry` section is set). */
interface Telemetry {
  openTelemetry?: { tracer?: Tracer }
}

/** The request's HTTP span, as the telemetry plugin keeps it (`request.span.context`). */
interface SpannedRequest {
  span?: { context?: Context }
}

const METRIC_PROBE = 'ai_warp_requests_total'

function platformaticGlobals (): PlatformaticGlobals | undefined {
  return (globalThis as { platformatic?: PlatformaticGlobals }).platformatic
}

/**
 * Watt's registry, unless another AI Warp of this thread registered there already (capabilities
 * started side by side in one process, as tests do; Watt gives each application its own thread).
 */
export function wattMetrics (app: FastifyInstance): FastifyAiMetricsOptions | undefined {
  const registry = platformaticGlobals()?.prometheus?.registry
  if (registry === undefined) return undefined
  if (registry.getSingleMetric(METRIC_PROBE) !== undefined) {
    app.log.warn('the AI metrics of another AI Warp in this thread are on Watt\'s registry: these are not registered')
    return undefined
  }
  return { registry }
}

function requestSpan (request: FastifyRequest): Context | undefined {
  return (request as SpannedRequest).span?.context
}

/** Spans through the service's telemetry, when it is on; else through @opentelemetry/api's global tracer. */
export function wattTracing (app: FastifyInstance, section: AiTracingSection | undefined): FastifyAiTracingOptions {
  const recordContent = section?.recordContent ?? false
  const propagateUpstream = section?.propagateUpstream ?? false
  const telemetry = (app as Telemetry).openTelemetry
  if (telemetry?.tracer !== undefined) return { tracer: telemetry.tracer, parentContext: requestSpan, recordContent, propagateUpstream }
  const provider = platformaticGlobals()?.tracerProvider
  if (provider !== undefined) return { tracer: provider.getTracer('@platformatic/ai-warp'), recordContent, propagateUpstream }
  return { recordContent, propagateUpstream }
}
