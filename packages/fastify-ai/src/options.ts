import type { FastifyRequest } from 'fastify'
import type { Ai, AiOptions } from '@platformatic/ai-provider'
import { AiOptionsError } from '@platformatic/ai-provider'
import { DEFAULT_REQUEST_LIMITS } from './request-limits.ts'
import type { RequestLimits } from './request-limits.ts'

/** Which route groups the plugin registers. A missing key counts as `true`. */
export interface FastifyAiRoutesOptions {
  /** `POST promptPath`. */
  prompt?: boolean
  /** `POST streamPath`. */
  stream?: boolean
  /** `GET` and `DELETE sessionsPath/:sessionId`. */
  sessions?: boolean
  /** `GET modelsPath`. */
  models?: boolean
  /** `GET usagePath` (it answers only admins: `adminToken` or `isAdmin`). */
  usage?: boolean
  /** The OpenAI-compatible API (`openai.prefix`). */
  openai?: boolean
  /** `POST embeddingsPath` (the OpenAI API's `POST {openai.prefix}/embeddings` belongs to `openai`). */
  embeddings?: boolean
  /** The Anthropic Messages API (`POST {anthropic.prefix}/messages` and `/messages/count_tokens`). */
  anthropic?: boolean
}

/** The OpenAI-compatible API (`POST {prefix}/chat/completions`). */
export interface FastifyAiOpenAiOptions {
  /** Path prefix. Default `/v1`. */
  prefix?: string
  /** Extra names for configured models: alias -> `provider:model` names to try in order. */
  aliases?: Record<string, string[]>
}

/**
 * Largest request body, in bytes, per route group, over the server's `bodyLimit` (Fastify's, 1 MiB
 * by default). Images and files travel inline as base64 (a 3 MB photo is a 4 MB body): raise the
 * routes that take them. A larger body is 413 `AI_BODY_TOO_LARGE`, before it is parsed.
 */
export interface FastifyAiBodyLimits {
  /** `POST promptPath`. Default: the server's `bodyLimit`. */
  prompt?: number
  /** `POST streamPath`. Default: the server's `bodyLimit`. */
  stream?: number
  /** Every route of the OpenAI-compatible API. Default: the server's `bodyLimit`. */
  openai?: number
  /** The Anthropic Messages API (Claude Code sends long conversations and many tools: raise it). Default: the server's `bodyLimit`. */
  anthropic?: number
}

/** The Anthropic Messages API (`POST {prefix}/messages`, `POST {prefix}/messages/count_tokens`). */
export interface FastifyAiAnthropicOptions {
  /** Path prefix. Default `/v1` (what Anthropic's SDKs and Claude Code append to their base URL). */
  prefix?: string
}

/** Options of `@platformatic/fastify-ai`: the core options plus the HTTP ones. */
export interface FastifyAiOptions extends Partial<AiOptions> {
  /** Path of the JSON answer route. Default `/api/v1/prompt`. */
  promptPath?: string
  /** Path of the streamed (SSE) answer route. Default `/api/v1/stream`. */
  streamPath?: string
  /** Prefix of the session routes (`GET` / `DELETE <sessionsPath>/:sessionId`). Default `/api/v1/sessions`. */
  sessionsPath?: string
  /** Path of the models route. Default `/api/v1/models`. */
  modelsPath?: string
  /** Path of the usage report (admins only). Default `/api/v1/usage`. */
  usagePath?: string
  /** Path of the native embeddings route. Default `/api/v1/embeddings`. */
  embeddingsPath?: string
  /**
   * A token that opens the usage report: sent as `Authorization: Bearer <adminToken>`. Without it
   * and without `isAdmin` the report answers nobody (403).
   */
  adminToken?: string
  /** Whether a request comes from an admin (e.g. a role claim of its token): admins read the usage report. */
  isAdmin?: (request: FastifyRequest) => boolean
  /**
   * Who is asking, for usage and `callerBudget`. Default: `user:<owner>` when `getOwner` gives
   * one, else `ip:<request.ip>`.
   */
  getCaller?: (request: FastifyRequest) => string | undefined
  /** Response header carrying the session id. Default `x-session-id`. */
  headerSessionIdName?: string
  /** Milliseconds between `: ping` comments on an idle stream. Default 15000. */
  heartbeatInterval?: number
  /**
   * Longest text of one message, in characters: `prompt`, `context`, each history turn's `prompt`
   * and `response`, each OpenAI message's content. Longer is 413 `AI_REQUEST_TOO_LARGE`, on every
   * route. Default 100000.
   */
  maxPromptLength?: number
  /**
   * Most messages in one request: on /api/v1 the prompt, the context and two per history turn; on
   * the OpenAI route the `messages`. More is 413 `AI_REQUEST_TOO_LARGE`. Default 1000.
   */
  maxMessages?: number
  /** Most tools one request defines, on every route. More is 413 `AI_REQUEST_TOO_LARGE`. Default 128. */
  maxTools?: number
  /**
   * Milliseconds for a request body to arrive in full once its headers are in; past it the answer
   * is 408 `AI_REQUEST_TIMEOUT` and the connection is closed. Default 30000.
   */
  bodyTimeout?: number
  /** Largest body, in bytes, per route group (images make bodies large). Default: the server's `bodyLimit`. */
  bodyLimit?: FastifyAiBodyLimits
  /**
   * Answer unknown routes with 404 `AI_ROUTE_NOT_FOUND` (the not-found handler of the context the
   * plugin is registered in). `false` when the application sets its own. Default `true`.
   */
  notFoundHandler?: boolean
  /** `false`: no routes, only the `fastify.ai` decorator. Or pick route groups. Default `true`. */
  routes?: boolean | FastifyAiRoutesOptions
  /** The OpenAI-compatible API; registered unless `routes` turns it off. */
  openai?: FastifyAiOpenAiOptions
  /** The Anthropic Messages API; registered unless `routes` turns it off. Its models and aliases are the OpenAI API's (`openai.aliases`). */
  anthropic?: FastifyAiAnthropicOptions
  /** Who owns sessions (e.g. the authenticated user id); sessions of another owner answer 404. */
  getOwner?: (request: FastifyRequest) => string | undefined
  /** A core built elsewhere: used as is (providers/models are ignored) and not closed by the plugin. */
  ai?: Ai
  /** Prometheus metrics of the gateway (docs/observability.md). Default: none. */
  metrics?: FastifyAiMetricsOptions
  /**
   * OpenTelemetry spans of the gateway's requests (docs/observability.md), through
   * `@opentelemetry/api`: nothing is recorded until an SDK registers a tracer provider, or
   * `tracer` is given. `false` turns them off. Default: on.
   */
  tracing?: false | FastifyAiTracingOptions
}

/** Where the gateway's metrics go. */
export interface FastifyAiMetricsOptions {
  /** A prom-client Registry (ai-warp passes Watt's, so wattpm's metrics endpoint serves them). */
  registry: import('prom-client').Registry
}

/** How the gateway's spans are made. */
export interface FastifyAiTracingOptions {
  /** The tracer to use. Default: `trace.getTracer('@platformatic/fastify-ai')` of `@opentelemetry/api`. */
  tracer?: import('@opentelemetry/api').Tracer
  /**
   * The parent of a request's span, when the application knows it (ai-warp: the HTTP span of
   * Watt's telemetry). Default: the active context when it holds a span, else the W3C
   * `traceparent` of the request (through the global propagator when one is registered).
   */
  parentContext?: (request: FastifyRequest) => import('@opentelemetry/api').Context | undefined
  /**
   * Record the prompt, the system instructions and the answer on the request span
   * (`gen_ai.input.messages`, `gen_ai.system_instructions`, `gen_ai.output.messages`). They are
   * what users wrote: turn this on only where traces may hold them. Default false.
   */
  recordContent?: boolean
  /**
   * Send each provider call's W3C trace context (`traceparent`, and `tracestate` when set) with
   * the call: through the globally registered propagator when there is one, else as W3C Trace
   * Context. Only calls whose span records carry it. Default false.
   */
  propagateUpstream?: boolean
}

/** The HTTP options, validated and with their defaults. */
export interface HttpOptions {
  readonly promptPath: string
  readonly streamPath: string
  readonly sessionsPath: string
  readonly modelsPath: string
  readonly usagePath: string
  readonly embeddingsPath: string
  /** The usage report's token, when configured. */
  readonly adminToken: string | undefined
  readonly isAdmin: (request: FastifyRequest) => boolean
  readonly getCaller: (request: FastifyRequest) => string | undefined
  readonly headerSessionIdName: string
  readonly heartbeatInterval: number
  /** `maxPromptLength` and `maxMessages`, held alike on every route. */
  readonly limits: RequestLimits
  readonly bodyTimeout: number
  /** Body limits per route group; a group without one has the server's. */
  readonly bodyLimit: Readonly<FastifyAiBodyLimits>
  readonly notFoundHandler: boolean
  readonly routes: Readonly<Required<FastifyAiRoutesOptions>>
  readonly openai: Readonly<{ prefix: string, aliases: Record<string, string[]> }>
  readonly anthropic: Readonly<{ prefix: string }>
  readonly getOwner: (request: FastifyRequest) => string | undefined
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/

function checkPath (name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !value.startsWith('/') || value.length < 2) {
    throw new AiOptionsError(`${name} must be a path starting with "/", got ${JSON.stringify(value)}`)
  }
  return value.endsWith('/') ? value.slice(0, -1) : value
}

function checkPositiveInteger (name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new AiOptionsError(`${name} must be a positive integer, got ${JSON.stringify(value)}`)
  }
  return value
}

// setTimeout fires at once for a delay above 2^31 - 1 ms.
const LONGEST_TIMER = 2147483647

function checkMilliseconds (name: string, value: unknown, fallback: number): number {
  const milliseconds = checkPositiveInteger(name, value, fallback)
  if (milliseconds > LONGEST_TIMER) {
    throw new AiOptionsError(`${name} must be at most ${LONGEST_TIMER} ms, got ${milliseconds}`)
  }
  return milliseconds
}

function checkRoutes (value: unknown): Required<FastifyAiRoutesOptions> {
  if (value === undefined || value === true) {
    return { prompt: true, stream: true, sessions: true, models: true, usage: true, openai: true, anthropic: true, embeddings: true }
  }
  if (value === false) {
    return { prompt: false, stream: false, sessions: false, models: false, usage: false, openai: false, anthropic: false, embeddings: false }
  }
  if (typeof value !== 'object' || value === null) {
    throw new AiOptionsError(`routes must be a boolean or an object, got ${JSON.stringify(value)}`)
  }
  const routes = { prompt: true, stream: true, sessions: true, models: true, usage: true, openai: true, anthropic: true, embeddings: true }
  for (const [key, enabled] of Object.entries(value)) {
    if (!(key in routes)) throw new AiOptionsError(`routes.${key} is not a route group`)
    if (typeof enabled !== 'boolean') {
      throw new AiOptionsError(`routes.${key} must be a boolean, got ${JSON.stringify(enabled)}`)
    }
    routes[key as keyof typeof routes] = enabled
  }
  return routes
}

function checkOpenAi (value: FastifyAiOpenAiOptions | undefined): { prefix: string, aliases: Record<string, string[]> } {
  if (value === undefined) return { prefix: '/v1', aliases: {} }
  if (typeof value !== 'object' || value === null) {
    throw new AiOptionsError(`openai must be an object, got ${JSON.stringify(value)}`)
  }
  const prefix = checkPath('openai.prefix', value.prefix, '/v1')
  const aliases = value.aliases ?? {}
  for (const [alias, names] of Object.entries(aliases)) {
    if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
      throw new AiOptionsError(`openai.aliases.${alias} must be an array of model names, got ${JSON.stringify(names)}`)
    }
  }
  return { prefix, aliases }
}

function checkAnthropic (value: FastifyAiAnthropicOptions | undefined): { prefix: string } {
  if (value === undefined) return { prefix: '/v1' }
  if (typeof value !== 'object' || value === null) {
    throw new AiOptionsError(`anthropic must be an object, got ${JSON.stringify(value)}`)
  }
  return { prefix: checkPath('anthropic.prefix', value.prefix, '/v1') }
}

function checkBodyLimits (value: unknown): FastifyAiBodyLimits {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AiOptionsError(`bodyLimit must be an object of byte counts by route group (prompt, stream, openai, anthropic), got ${JSON.stringify(value)}`)
  }
  const limits: FastifyAiBodyLimits = {}
  for (const [key, bytes] of Object.entries(value)) {
    if (key !== 'prompt' && key !== 'stream' && key !== 'openai' && key !== 'anthropic') throw new AiOptionsError(`bodyLimit.${key} is not a route group (prompt, stream, openai, anthropic)`)
    limits[key] = checkPositiveInteger(`bodyLimit.${key}`, bytes, 0)
  }
  return limits
}

function noOwner (): undefined {
  return undefined
}

function notAdmin (): boolean {
  return false
}

/** The default caller: the owner's user id, else the client's IP (as ai-warp's caller rate limit counts). */
function callerFrom (getOwner: (request: FastifyRequest) => string | undefined): (request: FastifyRequest) => string {
  return function callerOf (request: FastifyRequest): string {
    const owner = getOwner(request)
    return owner === undefined ? `ip:${request.ip}` : `user:${owner}`
  }
}

function checkFunction (name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw new AiOptionsError(`${name} must be a function`)
}

/** Validate the HTTP options once, at registration, into a frozen object. */
export function normalizeHttpOptions (options: FastifyAiOptions): HttpOptions {
  const headerSessionIdName = options.headerSessionIdName ?? 'x-session-id'
  if (typeof headerSessionIdName !== 'string' || !HEADER_NAME.test(headerSessionIdName.toLowerCase())) {
    throw new AiOptionsError(`headerSessionIdName must be a header name, got ${JSON.stringify(headerSessionIdName)}`)
  }
  if (options.getOwner !== undefined && typeof options.getOwner !== 'function') {
    throw new AiOptionsError('getOwner must be a function')
  }
  checkFunction('getCaller', options.getCaller)
  checkFunction('isAdmin', options.isAdmin)
  if (options.adminToken !== undefined && (typeof options.adminToken !== 'string' || options.adminToken.length < 16)) {
    // An empty placeholder (`{PLT_AI_ADMIN_TOKEN}` unset) must not open the report to anyone.
    throw new AiOptionsError('adminToken must be a string of at least 16 characters')
  }
  const getOwner = options.getOwner ?? noOwner
  if (options.notFoundHandler !== undefined && typeof options.notFoundHandler !== 'boolean') {
    throw new AiOptionsError(`notFoundHandler must be a boolean, got ${JSON.stringify(options.notFoundHandler)}`)
  }
  return Object.freeze({
    promptPath: checkPath('promptPath', options.promptPath, '/api/v1/prompt'),
    streamPath: checkPath('streamPath', options.streamPath, '/api/v1/stream'),
    sessionsPath: checkPath('sessionsPath', options.sessionsPath, '/api/v1/sessions'),
    modelsPath: checkPath('modelsPath', options.modelsPath, '/api/v1/models'),
    usagePath: checkPath('usagePath', options.usagePath, '/api/v1/usage'),
    embeddingsPath: checkPath('embeddingsPath', options.embeddingsPath, '/api/v1/embeddings'),
    adminToken: options.adminToken,
    isAdmin: options.isAdmin ?? notAdmin,
    getCaller: options.getCaller ?? callerFrom(getOwner),
    headerSessionIdName: headerSessionIdName.toLowerCase(),
    heartbeatInterval: checkPositiveInteger('heartbeatInterval', options.heartbeatInterval, 15000),
    limits: Object.freeze({
      maxPromptLength: checkPositiveInteger('maxPromptLength', options.maxPromptLength, DEFAULT_REQUEST_LIMITS.maxPromptLength),
      maxMessages: checkPositiveInteger('maxMessages', options.maxMessages, DEFAULT_REQUEST_LIMITS.maxMessages),
      maxTools: checkPositiveInteger('maxTools', options.maxTools, DEFAULT_REQUEST_LIMITS.maxTools)
    }),
    bodyTimeout: checkMilliseconds('bodyTimeout', options.bodyTimeout, 30000),
    bodyLimit: Object.freeze(checkBodyLimits(options.bodyLimit)),
    notFoundHandler: options.notFoundHandler ?? true,
    routes: Object.freeze(checkRoutes(options.routes)),
    openai: Object.freeze(checkOpenAi(options.openai)),
    anthropic: Object.freeze(checkAnthropic(options.anthropic)),
    getOwner
  })
}

/** The core options: everything that is not an HTTP option. */
export function pickAiOptions (options: FastifyAiOptions): AiOptions {
  const aiOptions: AiOptions = { providers: options.providers ?? {}, models: options.models ?? [] }
  if (options.limits !== undefined) aiOptions.limits = options.limits
  if (options.restore !== undefined) aiOptions.restore = options.restore
  if (options.storage !== undefined) aiOptions.storage = options.storage
  if (options.callerBudget !== undefined) aiOptions.callerBudget = options.callerBudget
  if (options.usage !== undefined) aiOptions.usage = options.usage
  if (options.embeddings !== undefined) aiOptions.embeddings = options.embeddings
  return aiOptions
}
