// Layer observability/ (metrics, spans and the request log line). May import the base files only;
// see docs/architecture.md.
//
// Prometheus metrics of one gateway on a prom-client registry (docs/observability.md). The GenAI
// ones follow the OpenTelemetry semantic conventions, named as an OTel Prometheus exporter names
// them; the rest are `ai_warp_*`. Labels come from the configuration and from fixed code lists
// (labels.ts) only. Children are bound once per label combination and kept, so a request
// observes without building label objects.

import { Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import type { Ai, AiObserver, NormalizedModel, ObservedAttempt, ObservedCoolDown, ObservedFallback, ObservedRequest, ObservedStoreCall } from '@platformatic/ai-provider'
import { NONE, OK, boundedCode } from './labels.ts'
import { BoundCounter, BoundHistogramMetric, registerOn } from './bound-metrics.ts'
import type { BoundHistogram, BoundValue } from './bound-metrics.ts'

// Bucket boundaries advised by the GenAI semantic conventions (seconds, tokens).
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]
const FIRST_TOKEN_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
const PER_TOKEN_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5]
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/** The GenAI operations the gateway performs: `chat`, and `embeddings` for an embedding model. */
const OPERATION = 'chat'
const EMBEDDINGS = 'embeddings'
const STATES = ['ready', 'cooling-down'] as const

/** The children of the GenAI histograms for one (requested model, answering model). */
interface AnsweredChildren {
  duration: BoundHistogram
  firstToken: BoundHistogram
  perToken: BoundHistogram
  inputTokens: BoundHistogram
  outputTokens: BoundHistogram
  cost: BoundValue
}

/** A value per pair of keys, built on first use and kept: the keys are finite (configuration, code lists). */
class PairCache<A, B, V> {
  readonly #values = new Map<A, Map<B, V>>()
  readonly #make: (a: A, b: B) => V

  constructor (make: (a: A, b: B) => V) {
    this.#make = make
  }

  get (a: A, b: B): V {
    let inner = this.#values.get(a)
    if (inner === undefined) {
      inner = new Map()
      this.#values.set(a, inner)
    }
    let value = inner.get(b)
    if (value === undefined) {
      value = this.#make(a, b)
      inner.set(b, value)
    }
    return value
  }
}

/** The metrics of one gateway: an observer of its core, plus what only the HTTP layer sees. */
export interface GatewayMetrics extends AiObserver {
  /** One request of a gateway route ended: its route path, the model that answered, `ok` or its code. */
  request (route: string, model: NormalizedModel | undefined, code: string | undefined): void
  /** A streamed answer started or ended being written to a client on `route`. */
  streamOpened (route: string): void
  streamClosed (route: string): void
  /** Remove the metrics from the registry (the gateway closes). */
  unregister (): void
}

/** Create the metrics on `registry` (prom-client's, or Watt's). */
export function createGatewayMetrics (registry: Registry, ai: Ai): GatewayMetrics {
  const genAiLabels = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', 'error_type']
  const operationDuration = new BoundHistogramMetric('gen_ai_client_operation_duration_seconds',
    'GenAI operation duration: one gateway request, from its start to its last event (a stream: its whole generation)', genAiLabels, DURATION_BUCKETS)
  const tokenUsage = new BoundHistogramMetric('gen_ai_client_token_usage',
    'Tokens used by an answered request, as its provider reported them, by gen_ai_token_type (input, output)', [...genAiLabels.slice(0, 4), 'gen_ai_token_type'], TOKEN_BUCKETS)
  const firstToken = new BoundHistogramMetric('gen_ai_server_time_to_first_token_seconds',
    'Time from the start of a streamed request to the first event of the model that answers it', genAiLabels.slice(0, 4), FIRST_TOKEN_BUCKETS)
  const perToken = new BoundHistogramMetric('gen_ai_server_time_per_output_token_seconds',
    'Time per output token after the first one, of streamed answers that report their usage', genAiLabels.slice(0, 4), PER_TOKEN_BUCKETS)
  const requests = new BoundCounter('ai_warp_requests_total',
    'Requests of the gateway routes, by route path, answering model and provider (none when no model answered) and outcome (ok or the AI_* code)', ['route', 'model', 'provider', 'outcome'])
  const attempts = new BoundHistogramMetric('ai_warp_upstream_attempt_duration_seconds',
    'Calls to a provider (each retry too), by model and outcome: until the whole answer, or a stream\'s first event', ['model', 'provider', 'outcome'], DURATION_BUCKETS)
  const fallbacks = new BoundCounter('ai_warp_fallbacks_total',
    'The chain moving from a model that did not answer to the next one, by reason (AI_* code)', ['from_model', 'to_model', 'reason'])
  const coolDowns = new BoundCounter('ai_warp_model_cool_downs_total', 'Models put to cool down by this instance, by reason (AI_* code)', ['model', 'reason'])
  const rejections = new BoundCounter('ai_warp_rate_limit_rejections_total',
    'Limits that refused: limit="model" (a model skipped over its limits.rate), "model_tokens" (over its limits.tokens), "caller" (429 AI_CALLER_RATE_LIMITED), "budget" (429 AI_BUDGET_EXCEEDED)', ['limit', 'model'])
  const costs = new BoundCounter('ai_warp_cost_total', 'What the answers cost, by model, in the currency of its price (models without a price add nothing)', ['model', 'provider'])
  const storeDuration = new BoundHistogramMetric('ai_warp_store_operation_duration_seconds',
    'Store calls of the gateway, by operation (a sample: one call in 8 of each operation is timed)', ['operation'], STORE_BUCKETS)
  const storeErrors = new BoundCounter('ai_warp_store_errors_total', 'Store calls that failed, by operation and code', ['operation', 'code'])
  const openStreams = new BoundCounter('ai_warp_open_streams', 'Streamed answers being written to clients, by route path', ['route'], 'gauge')
  const resumes = new BoundCounter('ai_warp_stream_resumes_total',
    'Stream requests that attached to an answer already generated or being generated instead of asking a model', [])
  const detached = new BoundCounter('ai_warp_detached_generations', 'Streamed answers this instance generates while their client is gone', [], 'gauge')
  const bound = [operationDuration, tokenUsage, firstToken, perToken, requests, attempts, fallbacks, coolDowns, rejections, costs, storeDuration, storeErrors, openStreams, resumes, detached]
  for (const metric of bound) registerOn(registry, metric)
  // Read at scrape time only: prom-client's own gauge, with collect().
  const modelState = new Gauge({
    name: 'ai_warp_model_state',
    help: 'State of each configured model (1 for its current state), read from the store at each scrape',
    labelNames: ['model', 'provider', 'state'],
    registers: [registry],
    async collect () {
      this.reset()
      let statuses
      try {
        statuses = await ai.models()
      } catch {
        // The store does not answer: no state is better than a failed scrape.
        return
      }
      for (const status of statuses) {
        for (const state of STATES) this.set({ model: status.name, provider: status.provider, state }, status.state === state ? 1 : 0)
      }
    }
  })
  const resumed = resumes.child({})
  const detachedNow = detached.child({})

  function genAi (requested: NormalizedModel, answering: NormalizedModel): Record<string, string> {
    return { gen_ai_operation_name: answering.type === 'embedding' ? EMBEDDINGS : OPERATION, gen_ai_provider_name: answering.provider, gen_ai_request_model: requested.model, gen_ai_response_model: answering.model }
  }

  const answered = new PairCache(function bindAnswered (requested: NormalizedModel, answering: NormalizedModel): AnsweredChildren {
    const labels = genAi(requested, answering)
    return {
      duration: operationDuration.child(labels),
      firstToken: firstToken.child(labels),
      perToken: perToken.child(labels),
      inputTokens: tokenUsage.child({ ...labels, gen_ai_token_type: 'input' }),
      outputTokens: tokenUsage.child({ ...labels, gen_ai_token_type: 'output' }),
      cost: costs.child({ model: answering.name, provider: answering.provider })
    }
  })
  const failed = new PairCache(function bindFailed (requested: NormalizedModel, code: string): BoundHistogram {
    return operationDuration.child({ gen_ai_operation_name: requested.type === 'embedding' ? EMBEDDINGS : OPERATION, gen_ai_provider_name: requested.provider, gen_ai_request_model: requested.model, error_type: code })
  })
  const attemptChildren = new PairCache(function bindAttempt (model: NormalizedModel, outcome: string): BoundHistogram {
    return attempts.child({ model: model.name, provider: model.provider, outcome })
  })
  const requestChildren = new PairCache<string, NormalizedModel | undefined, Map<string, BoundValue>>(function outcomesOf () {
    return new Map()
  })
  const storeDurations = new Map<string, BoundHistogram>()
  const callerRejections = rejections.child({ limit: 'caller', model: '' })
  const budgetRejections = rejections.child({ limit: 'budget', model: '' })
  /** Children of the misses' limits, by code. */
  const missLimits: Readonly<Record<string, string>> = { AI_MODEL_RATE_LIMITED: 'model', AI_MODEL_TOKEN_LIMITED: 'model_tokens' }

  function storeDurationOf (operation: string): BoundHistogram {
    let child = storeDurations.get(operation)
    if (child === undefined) {
      child = storeDuration.child({ operation })
      storeDurations.set(operation, child)
    }
    return child
  }

  return {
    requestEnd (observed: ObservedRequest): void {
      if (observed.resumed) {
        resumed.inc()
        return
      }
      for (const miss of observed.misses) {
        const limit = missLimits[miss.code]
        if (limit !== undefined) rejections.child({ limit, model: miss.model }).inc()
      }
      if (observed.detachedAt !== undefined) detachedNow.dec()
      const seconds = ((observed.endedAt as number) - observed.startedAt) / 1000
      const requested = observed.candidates[0]
      const model = observed.model
      if (observed.code !== undefined || model === undefined) {
        failed.get(requested, boundedCode(observed.code)).observe(seconds)
        return
      }
      const children = answered.get(requested, model)
      children.duration.observe(seconds)
      const usage = observed.usage
      if (usage !== undefined) {
        children.inputTokens.observe(usage.promptTokens)
        children.outputTokens.observe(usage.completionTokens)
        if (usage.cost !== undefined) children.cost.inc(usage.cost)
      }
      const first = observed.firstTokenAt
      if (first === undefined) return
      children.firstToken.observe((first - observed.startedAt) / 1000)
      if (usage !== undefined && usage.completionTokens > 1) {
        children.perToken.observe(((observed.endedAt as number) - first) / 1000 / (usage.completionTokens - 1))
      }
    },
    attemptEnd (attempt: ObservedAttempt): void {
      const outcome = attempt.code === 'OK' ? OK : boundedCode(attempt.code)
      attemptChildren.get(attempt.model, outcome).observe(((attempt.endedAt as number) - attempt.startedAt) / 1000)
    },
    fallback (fallback: ObservedFallback): void {
      fallbacks.child({ from_model: fallback.from.name, to_model: fallback.to.name, reason: boundedCode(fallback.reason) }).inc()
    },
    detached (): void {
      detachedNow.inc()
    },
    modelCoolDown (coolDown: ObservedCoolDown): void {
      coolDowns.child({ model: coolDown.model.name, reason: boundedCode(coolDown.reason) }).inc()
    },
    storeCall (call: ObservedStoreCall): void {
      if (call.durationMs !== undefined) storeDurationOf(call.operation).observe(call.durationMs / 1000)
      if (call.code !== undefined) storeErrors.child({ operation: call.operation, code: boundedCode(call.code) }).inc()
    },
    request (route: string, model: NormalizedModel | undefined, code: string | undefined): void {
      const outcome = code === undefined ? OK : boundedCode(code)
      const byOutcome = requestChildren.get(route, model)
      let child = byOutcome.get(outcome)
      if (child === undefined) {
        child = requests.child({ route, model: model?.name ?? NONE, provider: model?.provider ?? NONE, outcome })
        byOutcome.set(outcome, child)
      }
      child.inc()
      if (code === 'AI_CALLER_RATE_LIMITED') callerRejections.inc()
      else if (code === 'AI_BUDGET_EXCEEDED') budgetRejections.inc()
    },
    streamOpened (route: string): void {
      openStreams.child({ route }).inc()
    },
    streamClosed (route: string): void {
      openStreams.child({ route }).dec()
    },
    unregister (): void {
      for (const metric of bound) {
        if (registry.getSingleMetric(metric.name) === (metric as unknown)) registry.removeSingleMetric(metric.name)
      }
      if (registry.getSingleMetric('ai_warp_model_state') === modelState) registry.removeSingleMetric('ai_warp_model_state')
    }
  }
}
