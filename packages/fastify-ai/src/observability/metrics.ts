// Layer observability/ (metrics, spans and the request log line). May import the base files only;
// see docs/architecture.md.
//
// Prometheus metrics of one gateway on a prom-client registry (docs/observability.md). The GenAI
// ones follow the OpenTelemetry semantic conventions, named as an OTel Prometheus exporter names
// them; the rest are `ai_warp_*`. Labels come from the configuration and from fixed code lists
// (labels.ts) only. Children are bound once per label combination and kept, so a request
// observes without building label objects.

import { Counter, Gauge, Histogram } from 'prom-client'
import type { Registry } from 'prom-client'
import type { Ai, AiObserver, NormalizedModel, ObservedAttempt, ObservedCoolDown, ObservedFallback, ObservedRequest, ObservedStoreCall } from '@platformatic/ai-provider'
import { NONE, OK, boundedCode } from './labels.ts'

// Bucket boundaries advised by the GenAI semantic conventions (seconds, tokens).
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864]
const FIRST_TOKEN_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
const PER_TOKEN_BUCKETS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5]
const STORE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

/** The one GenAI operation the gateway performs. */
const OPERATION = 'chat'
const STATES = ['ready', 'cooling-down'] as const

interface Observe { observe (value: number): void }
interface Increment { inc (value?: number): void }

/** The children of the GenAI histograms for one (requested model, answering model). */
interface AnsweredChildren {
  duration: Observe
  firstToken: Observe
  perToken: Observe
  inputTokens: Observe
  outputTokens: Observe
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
  const registers = [registry]
  const genAiLabels = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'gen_ai_response_model', 'error_type']
  const operationDuration = new Histogram({
    name: 'gen_ai_client_operation_duration_seconds',
    help: 'GenAI operation duration: one gateway request, from its start to its last event (a stream: its whole generation)',
    labelNames: genAiLabels,
    buckets: DURATION_BUCKETS,
    registers
  })
  const tokenUsage = new Histogram({
    name: 'gen_ai_client_token_usage',
    help: 'Tokens used by an answered request, as its provider reported them, by gen_ai_token_type (input, output)',
    labelNames: [...genAiLabels.slice(0, 4), 'gen_ai_token_type'],
    buckets: TOKEN_BUCKETS,
    registers
  })
  const firstToken = new Histogram({
    name: 'gen_ai_server_time_to_first_token_seconds',
    help: 'Time from the start of a streamed request to the first event of the model that answers it',
    labelNames: genAiLabels.slice(0, 4),
    buckets: FIRST_TOKEN_BUCKETS,
    registers
  })
  const perToken = new Histogram({
    name: 'gen_ai_server_time_per_output_token_seconds',
    help: 'Time per output token after the first one, of streamed answers that report their usage',
    labelNames: genAiLabels.slice(0, 4),
    buckets: PER_TOKEN_BUCKETS,
    registers
  })
  const requests = new Counter({
    name: 'ai_warp_requests_total',
    help: 'Requests of the gateway routes, by route path, answering model and provider (none when no model answered) and outcome (ok or the AI_* code)',
    labelNames: ['route', 'model', 'provider', 'outcome'],
    registers
  })
  const attempts = new Histogram({
    name: 'ai_warp_upstream_attempt_duration_seconds',
    help: 'Calls to a provider (each retry too), by model and outcome: until the whole answer, or a stream\'s first event',
    labelNames: ['model', 'provider', 'outcome'],
    buckets: DURATION_BUCKETS,
    registers
  })
  const fallbacks = new Counter({
    name: 'ai_warp_fallbacks_total',
    help: 'The chain moving from a model that did not answer to the next one, by reason (AI_* code)',
    labelNames: ['from_model', 'to_model', 'reason'],
    registers
  })
  const coolDowns = new Counter({
    name: 'ai_warp_model_cool_downs_total',
    help: 'Models put to cool down by this instance, by reason (AI_* code)',
    labelNames: ['model', 'reason'],
    registers
  })
  const rejections = new Counter({
    name: 'ai_warp_rate_limit_rejections_total',
    help: 'Rate limits that refused: limit="model" (the chain skipped a model over its limits.rate), limit="caller" (429 AI_CALLER_RATE_LIMITED)',
    labelNames: ['limit', 'model'],
    registers
  })
  const storeDuration = new Histogram({
    name: 'ai_warp_store_operation_duration_seconds',
    help: 'Store calls of the gateway, by operation',
    labelNames: ['operation'],
    buckets: STORE_BUCKETS,
    registers
  })
  const storeErrors = new Counter({
    name: 'ai_warp_store_errors_total',
    help: 'Store calls that failed, by operation and code',
    labelNames: ['operation', 'code'],
    registers
  })
  const openStreams = new Gauge({
    name: 'ai_warp_open_streams',
    help: 'Streamed answers being written to clients, by route path',
    labelNames: ['route'],
    registers
  })
  const resumes = new Counter({
    name: 'ai_warp_stream_resumes_total',
    help: 'Stream requests that attached to an answer already generated or being generated instead of asking a model',
    registers
  })
  const detached = new Gauge({
    name: 'ai_warp_detached_generations',
    help: 'Streamed answers this instance generates while their client is gone',
    registers
  })
  const modelState = new Gauge({
    name: 'ai_warp_model_state',
    help: 'State of each configured model (1 for its current state), read from the store at each scrape',
    labelNames: ['model', 'provider', 'state'],
    registers,
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
  const metrics = [operationDuration, tokenUsage, firstToken, perToken, requests, attempts, fallbacks, coolDowns, rejections, storeDuration, storeErrors, openStreams, resumes, detached, modelState]

  function genAi (requested: NormalizedModel, answering: NormalizedModel): Record<string, string> {
    return { gen_ai_operation_name: OPERATION, gen_ai_provider_name: answering.provider, gen_ai_request_model: requested.model, gen_ai_response_model: answering.model }
  }

  const answered = new PairCache(function bindAnswered (requested: NormalizedModel, answering: NormalizedModel): AnsweredChildren {
    const labels = genAi(requested, answering)
    return {
      duration: operationDuration.labels(labels),
      firstToken: firstToken.labels(labels),
      perToken: perToken.labels(labels),
      inputTokens: tokenUsage.labels({ ...labels, gen_ai_token_type: 'input' }),
      outputTokens: tokenUsage.labels({ ...labels, gen_ai_token_type: 'output' })
    }
  })
  const failed = new PairCache(function bindFailed (requested: NormalizedModel, code: string): Observe {
    return operationDuration.labels({ gen_ai_operation_name: OPERATION, gen_ai_provider_name: requested.provider, gen_ai_request_model: requested.model, error_type: code })
  })
  const attemptChildren = new PairCache(function bindAttempt (model: NormalizedModel, outcome: string): Observe {
    return attempts.labels({ model: model.name, provider: model.provider, outcome })
  })
  const requestChildren = new PairCache<string, NormalizedModel | undefined, Map<string, Increment>>(function outcomesOf () {
    return new Map()
  })
  const modelRejections = new Map<string, Increment>()
  const storeChildren = new PairCache(function bindStore (operation: string, code: string): Observe & Increment {
    const duration = storeDuration.labels({ operation })
    const errors = code === OK ? undefined : storeErrors.labels({ operation, code })
    return {
      observe (value: number) { duration.observe(value) },
      inc () { errors?.inc() }
    }
  })

  function rejectedBy (model: string): void {
    let child = modelRejections.get(model)
    if (child === undefined) {
      child = rejections.labels({ limit: 'model', model })
      modelRejections.set(model, child)
    }
    child.inc()
  }

  return {
    requestEnd (observed: ObservedRequest): void {
      if (observed.resumed) {
        resumes.inc()
        return
      }
      for (const miss of observed.misses) if (miss.code === 'AI_MODEL_RATE_LIMITED') rejectedBy(miss.model)
      if (observed.detachedAt !== undefined) detached.dec()
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
      fallbacks.inc({ from_model: fallback.from.name, to_model: fallback.to.name, reason: boundedCode(fallback.reason) })
    },
    detached (): void {
      detached.inc()
    },
    modelCoolDown (coolDown: ObservedCoolDown): void {
      coolDowns.inc({ model: coolDown.model.name, reason: boundedCode(coolDown.reason) })
    },
    storeCall (call: ObservedStoreCall): void {
      const child = storeChildren.get(call.operation, call.code === undefined ? OK : boundedCode(call.code))
      child.observe(call.durationMs / 1000)
      if (call.code !== undefined) child.inc()
    },
    request (route: string, model: NormalizedModel | undefined, code: string | undefined): void {
      const outcome = code === undefined ? OK : boundedCode(code)
      const byOutcome = requestChildren.get(route, model)
      let child = byOutcome.get(outcome)
      if (child === undefined) {
        child = requests.labels({ route, model: model?.name ?? NONE, provider: model?.provider ?? NONE, outcome })
        byOutcome.set(outcome, child)
      }
      child.inc()
      if (code === 'AI_CALLER_RATE_LIMITED') rejections.inc({ limit: 'caller', model: '' })
    },
    streamOpened (route: string): void {
      openStreams.inc({ route })
    },
    streamClosed (route: string): void {
      openStreams.dec({ route })
    },
    unregister (): void {
      // Every prom-client metric keeps its name (the typings leave it out).
      for (const metric of metrics) registry.removeSingleMetric((metric as unknown as { name: string }).name)
    }
  }
}
