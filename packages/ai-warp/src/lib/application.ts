// The application factory: the stock service features, then fastify-ai with the `ai` section,
// behind auth and the caller rate limit, and a readiness check on the store.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ServiceCapability } from '@platformatic/service'
import type { Ai } from '@platformatic/ai-provider'
import { platformaticService } from '@platformatic/service'
import fastifyAi, { createErrorAnswers, hasAdminToken } from '@platformatic/fastify-ai'
import type { FastifyAiOptions } from '@platformatic/fastify-ai'
import { createAuthenticator } from './auth.ts'
import type { AuthOptions } from './auth.ts'
import { callerOf, createCallerRateLimit } from './caller-rate-limit.ts'
import type { CallerRateLimitOptions } from './caller-rate-limit.ts'
import { wattMetrics, wattTracing } from './observability.ts'
import type { AiTracingSection } from './observability.ts'

/** The sections of the configuration this capability reads (the rest belongs to the service). */
export interface AiWarpSections {
  /** fastify-ai options: the core's options plus the HTTP ones. */
  ai: FastifyAiOptions
  /** JWT authentication of the AI routes; without it every caller is anonymous. */
  auth?: AuthOptions
  /** Per-caller request budget of the AI routes; without it callers are not limited. */
  callerRateLimit?: CallerRateLimitOptions
}

/** What Watt's readiness probe accepts from a capability. */
interface ReadinessResult {
  status: boolean
  statusCode?: number
  body?: string
}

/** The part of the service's `server` section read here. */
interface ServerSection {
  server?: { errorHandler?: unknown }
}

function anonymous (): undefined {
  return undefined
}

/** Register AI Warp on the service's Fastify instance (ServiceCapability calls it at init). */
export async function aiWarp (app: FastifyInstance, capability: ServiceCapability): Promise<void> {
  const config = (await capability.getConfig()) as unknown as AiWarpSections & ServerSection
  const answers = createErrorAnswers(config.ai)
  // The gateway's answers at the root, before anything registers: errors of the service's own
  // plugins (@fastify/static refusing a path) and unknown routes get the JSON shape with an AI_
  // code, and no route waits for ever on a half-sent body. `server.errorHandler`, when set, is
  // the user's choice for the root and is kept.
  if (config.server?.errorHandler === undefined) app.setErrorHandler(answers.errorHandler)
  app.addHook('preParsing', answers.bodyTimeout)
  await app.register(answers.unknownRoutes)
  await platformaticService(app, capability)

  const authenticator = config.auth === undefined ? undefined : createAuthenticator(config.auth)
  const ownerOf = authenticator?.ownerOf ?? anonymous
  function getCaller (request: FastifyRequest): string {
    return callerOf(request, ownerOf)
  }
  const usagePath = (config.ai.usagePath ?? '/api/v1/usage').replace(/\/$/, '')
  let ai: Ai | undefined

  // The AI routes live in their own encapsulated scope, so auth and the caller limit apply to
  // them and not to health, documentation or the user's own routes.
  await app.register(async function aiRoutes (scope: FastifyInstance) {
    if (authenticator !== undefined) {
      scope.addHook('onRequest', async function authenticateAiRequest (request: FastifyRequest) {
        // The admin token is no JWT: on the usage report it stands for an admin (fastify-ai checks it).
        if (request.routeOptions.url === usagePath && hasAdminToken(request, config.ai.adminToken)) return
        await authenticator.authenticate(request)
      })
    }
    if (config.callerRateLimit !== undefined) {
      const limitCaller = createCallerRateLimit(config.callerRateLimit, function getStore () { return scope.ai.store }, ownerOf)
      scope.addHook('onRequest', limitCaller)
    }
    // Unknown routes are answered at the root, not behind auth and the caller limit.
    // Metrics on Watt's registry, spans through the service's telemetry (observability.ts).
    const tracing = wattTracing(app, config.ai.tracing as AiTracingSection | undefined)
    await scope.register(fastifyAi, { ...config.ai, getOwner: ownerOf, getCaller, isAdmin: authenticator?.isAdmin, notFoundHandler: false, metrics: wattMetrics(app), tracing })
    ai = scope.ai
    // Visible to the whole application (user plugins read it at request time).
    app.decorate('ai', scope.ai)
  })

  capability.setCustomReadinessCheck(async function storeReadiness (): Promise<ReadinessResult> {
    try {
      await ai?.store.ping()
      return { status: true }
    } catch (error) {
      // One line per probe: the store's connection logs the cause once per outage.
      app.log.warn({ code: (error as { code?: unknown }).code }, `AI Warp is not ready: the store does not answer (${(error as Error).message})`)
      return { status: false, statusCode: 503, body: 'AI Warp store unavailable' }
    }
  })
}

// The service registers the factory itself; skipping encapsulation keeps `app.ai` on the instance
// that Platformatic returns from getApplication().
Object.assign(aiWarp, { [Symbol.for('skip-override')]: true })
