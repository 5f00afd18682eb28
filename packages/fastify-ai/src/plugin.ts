import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Ai } from '@platformatic/ai-provider'
import { createAi, parseTimeWindow } from '@platformatic/ai-provider'
import type { FastifyAiOptions, HttpOptions } from './options.ts'
import { normalizeHttpOptions, pickAiOptions } from './options.ts'
import type { AiErrorAnswers } from './error-answers.ts'
import { errorAnswersFor } from './error-answers.ts'
import { typeboxValidatorCompiler } from './validator.ts'
import { LiveStreams } from './sse/live-streams.ts'
import { promptRoute } from './routes/prompt.ts'
import { streamRoute } from './routes/stream.ts'
import { sessionRoutes } from './routes/sessions.ts'
import { modelsRoute } from './routes/models.ts'
import { usageRoute } from './routes/usage.ts'
import type { ModelCatalog } from './openai/model-catalog.ts'
import { errorResponses } from './routes/schemas.ts'
import { embeddingsRoute } from './embeddings/native-embeddings.ts'
import { openaiEmbeddingsRoutes } from './embeddings/openai-embeddings.ts'
import { openaiRoutes } from './openai/index.ts'
import { anthropicRoutes } from './anthropic/index.ts'
import { createModelCatalog } from './openai/model-catalog.ts'
import { responsesRoutes } from './responses/index.ts'
import type { Observability } from './observability/observability.ts'
import { createObservability, normalizeObservability } from './observability/observability.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The AI Warp core: request, stream, sessions, models, store, close. */
    ai: Ai
  }
}

interface ApiRoutesOptions {
  ai: Ai
  http: HttpOptions
  live: LiveStreams
}

/** The routes of shared/SPEC.md §5, in their own context so their validator stays theirs. */
async function apiRoutes (fastify: FastifyInstance, { ai, http, live }: ApiRoutesOptions): Promise<void> {
  fastify.setValidatorCompiler(typeboxValidatorCompiler)
  if (http.routes.prompt) promptRoute(fastify, ai, http)
  if (http.routes.stream) streamRoute(fastify, ai, http, live)
  if (http.routes.sessions) sessionRoutes(fastify, ai, http)
  if (http.routes.models) modelsRoute(fastify, ai, http)
  if (http.routes.usage) usageRoute(fastify, ai, http)
  if (http.routes.embeddings) embeddingsRoute(fastify, ai, http, errorResponses)
}

interface GatewayRoutesOptions extends ApiRoutesOptions {
  answers: AiErrorAnswers
  observability: Observability
  /** `limits.historyExpiration` in ms: how long a stored response (of /v1/responses) is kept. */
  historyExpirationMs: number
}

/**
 * Every route of the plugin, in one context with the gateway's error handler (one for both API
 * shapes) and the body deadline, so neither reaches the application's own routes.
 */
async function gatewayRoutes (fastify: FastifyInstance, { ai, http, live, answers, observability, historyExpirationMs }: GatewayRoutesOptions): Promise<void> {
  // First: its onRoute hook sees every route registered below.
  observability.install(fastify)
  fastify.setErrorHandler(answers.errorHandler)
  fastify.addHook('preParsing', answers.bodyTimeout)
  // Both APIs take JSON only, whatever else the application parses (Fastify's text/plain, a form
  // plugin): another body is the same 400 AI_BAD_REQUEST on every route.
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error'))
  const { prompt, stream, sessions, models, usage, openai, embeddings } = http.routes
  if (prompt || stream || sessions || models || usage || embeddings) {
    await fastify.register(apiRoutes, { ai, http, live })
  }
  if (openai) {
    await fastify.register(async function openaiScope (scope) {
      const bodyLimit = http.bodyLimit.openai
      // Every route of the OpenAI API, whatever it registers, gets the group's body limit.
      if (bodyLimit !== undefined) {
        scope.addHook('onRoute', function openaiBodyLimit (route) {
          route.bodyLimit ??= bodyLimit
        })
      }
      await scope.register(openaiRoutes, {
        prefix: http.openai.prefix,
        aliases: http.openai.aliases,
        headerSessionIdName: http.headerSessionIdName,
        getOwner: http.getOwner,
        getCaller: http.getCaller,
        requestLimits: http.limits,
        heartbeatInterval: http.heartbeatInterval
      })
      // POST /embeddings: the same model names and aliases (`default` is the embedding chain),
      // the catalog built at the first request (the chat route checks the aliases at start-up).
      let embeddingCatalog: Promise<ModelCatalog> | undefined
      await scope.register(openaiEmbeddingsRoutes, {
        prefix: http.openai.prefix,
        resolveModel: async function resolveEmbeddingModel (model: string) {
          embeddingCatalog ??= ai.models().then(function buildCatalog (list) {
            return createModelCatalog(list.map(function nameOf (each) { return each.name }), http.openai.aliases)
          }, function retryLater (error: unknown): never {
            embeddingCatalog = undefined
            throw error
          })
          return (await embeddingCatalog).resolve(model)
        },
        getCaller: http.getCaller
      })
      // The Responses API: same prefix, models and aliases; a response lives as long as its session.
      const catalog = createModelCatalog((await ai.models()).map(function nameOf (model) { return model.name }), http.openai.aliases)
      await scope.register(responsesRoutes, {
        prefix: http.openai.prefix,
        resolveModel: catalog.resolve,
        ttlMs: historyExpirationMs,
        headerSessionIdName: http.headerSessionIdName,
        heartbeatInterval: http.heartbeatInterval,
        getOwner: http.getOwner,
        getCaller: http.getCaller,
        requestLimits: http.limits
      })
    })
  }
  if (http.routes.anthropic) {
    await fastify.register(async function anthropicScope (scope) {
      const bodyLimit = http.bodyLimit.anthropic
      // Every route of the Anthropic API gets the group's body limit.
      if (bodyLimit !== undefined) {
        scope.addHook('onRoute', function anthropicBodyLimit (route) {
          route.bodyLimit ??= bodyLimit
        })
      }
      // The same model names and aliases as the OpenAI API (whose routes check the aliases at
      // start-up), built at the first request: the routes do not need the core to start.
      let catalog: ReturnType<typeof createModelCatalog> | undefined
      await scope.register(anthropicRoutes, {
        prefix: http.anthropic.prefix,
        resolveModel: async function resolveAnthropicModel (model) {
          catalog ??= createModelCatalog((await ai.models()).map(function nameOf (entry) { return entry.name }), http.openai.aliases)
          return catalog.resolve(model)
        },
        headerSessionIdName: http.headerSessionIdName,
        getOwner: http.getOwner,
        getCaller: http.getCaller,
        requestLimits: http.limits,
        heartbeatInterval: http.heartbeatInterval
      })
    })
  }
}

async function fastifyAi (fastify: FastifyInstance, options: FastifyAiOptions): Promise<void> {
  const http = normalizeHttpOptions(options)
  const observing = normalizeObservability(options.metrics, options.tracing)
  const owned = options.ai === undefined
  const ai = options.ai ?? await createAi(pickAiOptions(options), { logger: fastify.log })
  fastify.decorate('ai', ai)
  const observability = createObservability(ai, http, observing)
  fastify.addHook('onClose', async function stopObserving () {
    observability.close()
  })

  const live = new LiveStreams()
  // preClose, not onClose: the HTTP server's close waits for open streams, so they must end first.
  fastify.addHook('preClose', async function endLiveStreams () {
    await live.shutdown()
  })
  if (owned) {
    fastify.addHook('onClose', async function closeAi () {
      await ai.close()
    })
  }

  // `routes: false` asks for the decorator alone: no route, and the application's 404 untouched.
  if (!Object.values(http.routes).some(Boolean)) return
  const answers = errorAnswersFor(http, observability.recordFailure)
  const historyExpirationMs = parseTimeWindow(options.limits?.historyExpiration ?? '1d', 'limits.historyExpiration')
  await fastify.register(gatewayRoutes, { ai, http, live, answers, observability, historyExpirationMs })
  if (http.notFoundHandler) await fastify.register(answers.unknownRoutes)
}

/** The AI Warp Fastify plugin: decorates `fastify.ai` and serves the HTTP API. */
export const fastifyAiPlugin = fp(fastifyAi, { fastify: '5.x', name: '@platformatic/fastify-ai' })
