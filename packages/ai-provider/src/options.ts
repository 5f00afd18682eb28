// Options are validated once, here, into a frozen object; nothing downstream re-checks them.
// Every failure names the option path and the bad value.

import type { AiCapabilities, AiCapability, AiOptions, OnDisconnect, ProviderType, StorageOptions } from './types.ts'
import type { NormalizedProviderOptions } from './provider.ts'
import { AiOptionsError } from './errors.ts'
import { describeValue, parseTimeWindow } from './time-window.ts'
import { normalizeValkeyStorage } from './valkey-options.ts'
import type { AiModelType } from './embedding-types.ts'
import type { NormalizedEmbeddingOptions } from './embedding-options.ts'
import { modelTypeAt, normalizeEmbeddingOptions } from './embedding-options.ts'

/** A model's rate limit, resolved. */
export interface NormalizedRate {
  /** Requests admitted per window. */
  max: number
  /** Window length in milliseconds. */
  windowMs: number
}

/** A model's token window (`limits.tokens`), resolved. */
export interface NormalizedTokenLimit {
  /** Tokens admitted per window. */
  max: number
  /** Window length in milliseconds. */
  windowMs: number
}

/** A model's price, in billionths of its currency per token (a price per million times 1000). */
export interface NormalizedPrice {
  input: number
  output: number
  cachedInput: number
}

/** `callerBudget`, resolved; at least one of `tokens` and `cost`. */
export interface NormalizedCallerBudget {
  /** Tokens per window and caller. */
  tokens?: number
  /** Cost per window and caller, in billionths of the prices' currency. */
  cost?: number
  windowMs: number
}

/** `usage`, resolved. */
export interface NormalizedUsageOptions {
  record: boolean
  /** TTL of a day's usage after its last write, in milliseconds. */
  retentionMs: number
}

/** A model's limits after merging its own over the global ones. */
export interface NormalizedModelLimits {
  /** Upper bound of output tokens, when configured. */
  maxTokens?: number
  rate: NormalizedRate
  /** The model's token window, when configured. */
  tokens?: NormalizedTokenLimit
  /** Milliseconds for one upstream call (for streams: until headers and between chunks). */
  requestTimeout: number
  retry: { max: number, interval: number }
  /** What a stream's generation does when its client goes away. */
  onDisconnect: OnDisconnect
  /** Longest a streamed answer may be generated, in milliseconds. */
  maxGenerationTime: number
}

/** Cool-down windows in milliseconds. */
export interface NormalizedRestore {
  rateLimit: number
  retry: number
  timeout: number
  providerCommunicationError: number
  providerExceededError: number
}

/** One model of the chain, with its effective settings. */
export interface NormalizedModel {
  /** `provider:model`, the key of everything stored about this model. */
  name: string
  provider: string
  model: string
  /** `chat` (in `models`) or `embedding` (in `embeddingModels`). */
  type: AiModelType
  limits: NormalizedModelLimits
  restore: NormalizedRestore
  /** What the model costs, when configured. */
  price?: NormalizedPrice
  /** What it serves beyond text: its provider's defaults, then its own `capabilities`. */
  capabilities: AiCapabilities
}

const ALL: AiCapabilities = Object.freeze({ tools: true, streamingTools: true, vision: true, files: true, jsonSchema: true, jsonObject: true })
const TEXT_ONLY: AiCapabilities = Object.freeze({ tools: false, streamingTools: false, vision: false, files: false, jsonSchema: false, jsonObject: false })

/**
 * What each provider's models serve unless a model says otherwise (docs/tools.md). An
 * OpenAI-compatible server may be anything, a small local model included: text only until its
 * models say what they serve, so a tool request never lands on one that would ignore the tools.
 */
export const PROVIDER_CAPABILITIES: Readonly<Record<ProviderType, AiCapabilities>> = Object.freeze({
  openai: ALL,
  gemini: ALL,
  // Structured outputs take a schema; there is no JSON mode without one.
  anthropic: Object.freeze({ ...ALL, jsonObject: false }),
  deepseek: Object.freeze({ ...TEXT_ONLY, tools: true, streamingTools: true, jsonObject: true }),
  'openai-compatible': TEXT_ONLY
})
const CAPABILITY_KEYS = Object.keys(ALL) as AiCapability[]

/** Session and stream settings, in milliseconds. */
export interface NormalizedSessionLimits {
  historyExpiration: number
  historyLength: number
  detachTimeout: number
  streamLease: number
  maxDetachedStreams: number
}

/** The validated options of `createAi`. */
export interface NormalizedAiOptions {
  providers: Readonly<Record<string, NormalizedProviderOptions>>
  /** The chat chain in configuration order. */
  models: readonly NormalizedModel[]
  /** The embedding chain (models of `type: 'embedding'`) in configuration order. */
  embeddingModels: readonly NormalizedModel[]
  /** Every model, chat and embedding, by `provider:model`. */
  modelsByName: ReadonlyMap<string, NormalizedModel>
  /** Bounds of embedding requests. */
  embeddings: NormalizedEmbeddingOptions
  limits: NormalizedSessionLimits
  storage: StorageOptions
  /** What each caller may spend per window, when configured. */
  callerBudget?: NormalizedCallerBudget
  usage: NormalizedUsageOptions
}

const DEFAULT_BASE_URLS: Record<string, string> = {
  openai: 'https://api.openai.com',
  deepseek: 'https://api.deepseek.com',
  gemini: 'https://generativelanguage.googleapis.com',
  anthropic: 'https://api.anthropic.com'
}
const PROVIDER_TYPES = ['openai', 'deepseek', 'gemini', 'anthropic', 'openai-compatible']
const PROVIDER_KEYS = ['type', 'apiKey', 'baseUrl', 'headers', 'connections', 'pipelining', 'connectTimeout', 'keepAliveTimeout', 'streamUsage', 'api', 'version', 'beta']
const OPENAI_APIS = ['chat', 'responses']
/** The provider types that can be reached through OpenAI's Responses API. */
const RESPONSES_API_TYPES = ['openai', 'openai-compatible']
const MODEL_KEYS = ['provider', 'model', 'type', 'limits', 'restore', 'price', 'capabilities']
const MODEL_LIMIT_KEYS = ['maxTokens', 'rate', 'tokens', 'requestTimeout', 'retry', 'onDisconnect', 'maxGenerationTime']
const GLOBAL_LIMIT_KEYS = [...MODEL_LIMIT_KEYS, 'historyExpiration', 'historyLength', 'detachTimeout', 'streamLease', 'maxDetachedStreams']
const RESTORE_KEYS = ['rateLimit', 'retry', 'timeout', 'providerCommunicationError', 'providerExceededError'] as const
const TOP_KEYS = ['providers', 'models', 'limits', 'restore', 'storage', 'callerBudget', 'usage', 'embeddings']
const MEMORY_STORAGE_KEYS = ['type', 'maxSessions', 'maxBytes']
const VALKEY_STORAGE_KEYS = ['type', 'url', 'host', 'port', 'username', 'password', 'database', 'tls', 'keyPrefix', 'connectTimeout', 'commandTimeout', 'client', 'cluster', 'sentinels', 'name', 'sentinelUsername', 'sentinelPassword']

const DEFAULT_LIMITS: NormalizedModelLimits = {
  rate: { max: 200, windowMs: 30_000 },
  requestTimeout: 30_000,
  retry: { max: 1, interval: 1000 },
  onDisconnect: 'continue',
  maxGenerationTime: 600_000
}
const DEFAULT_RESTORE: NormalizedRestore = {
  rateLimit: 60_000,
  retry: 60_000,
  timeout: 60_000,
  providerCommunicationError: 60_000,
  providerExceededError: 600_000
}
const DEFAULT_SESSION_LIMITS: NormalizedSessionLimits = {
  historyExpiration: 86_400_000,
  historyLength: 50,
  detachTimeout: 1000,
  streamLease: 10_000,
  maxDetachedStreams: 1000
}

type Plain = Record<string, unknown>

function fail (message: string): never {
  throw new AiOptionsError(message)
}

function isPlainObject (value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function objectAt (value: unknown, path: string, allowed: readonly string[]): Plain {
  if (!isPlainObject(value)) fail(`${path} must be an object, got ${describeValue(value)}`)
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${path}.${key} is not a known option (expected one of ${allowed.join(', ')})`)
  }
  return value
}

function positiveInteger (value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(`${path} must be a positive integer, got ${describeValue(value)}`)
  return value
}

/** The longest delay a Node.js timer takes (about 24.8 days). */
const MAX_TIMEOUT_MS = 2_147_483_647

function timeoutMs (value: unknown, path: string): number {
  const ms = positiveInteger(value, path)
  if (ms > MAX_TIMEOUT_MS) fail(`${path} must be at most ${MAX_TIMEOUT_MS} ms, got ${describeValue(value)}`)
  return ms
}

function boolean (value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(`${path} must be true or false, got ${describeValue(value)}`)
  return value
}

function nonNegativeInteger (value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(`${path} must be a non-negative integer, got ${describeValue(value)}`)
  return value
}

function nonEmptyString (value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(`${path} must be a non-empty string, got ${describeValue(value)}`)
  return value
}

function positiveWindow (value: unknown, path: string): number {
  const ms = parseTimeWindow(value, path)
  if (ms <= 0) fail(`${path} must be a time window longer than 0, got ${describeValue(value)}`)
  return ms
}

function normalizeProvider (name: string, value: unknown): NormalizedProviderOptions {
  const path = `providers.${name}`
  const input = objectAt(value, path, PROVIDER_KEYS)
  const type = input.type ?? (name in DEFAULT_BASE_URLS ? name : undefined)
  if (type === undefined) fail(`${path}.type is required for a provider not named openai, deepseek, gemini or anthropic (e.g. "openai-compatible")`)
  if (typeof type !== 'string' || !PROVIDER_TYPES.includes(type)) fail(`${path}.type must be one of ${PROVIDER_TYPES.join(', ')}, got ${describeValue(type)}`)
  const apiKey = input.apiKey === undefined ? undefined : nonEmptyString(input.apiKey, `${path}.apiKey`)
  if (apiKey === undefined && type !== 'openai-compatible') fail(`${path}.apiKey is required for a provider of type ${type}`)
  if (input.baseUrl === undefined && type === 'openai-compatible') fail(`${path}.baseUrl is required for a provider of type openai-compatible`)
  const baseUrl = input.baseUrl === undefined ? DEFAULT_BASE_URLS[type] : nonEmptyString(input.baseUrl, `${path}.baseUrl`)
  let protocol = ''
  try {
    protocol = new URL(baseUrl).protocol
  } catch {}
  if (protocol !== 'http:' && protocol !== 'https:') fail(`${path}.baseUrl must be an http(s) URL, got ${describeValue(baseUrl)}`)
  if (input.streamUsage !== undefined && (type === 'gemini' || type === 'anthropic')) fail(`${path}.streamUsage is for the OpenAI wire format, not for a provider of type ${type}`)
  for (const key of ['version', 'beta'] as const) {
    if (input[key] !== undefined && type !== 'anthropic') fail(`${path}.${key} is for a provider of type anthropic, not ${type}`)
  }
  const api: unknown = input.api ?? 'chat'
  if (typeof api !== 'string' || !OPENAI_APIS.includes(api)) fail(`${path}.api must be one of ${OPENAI_APIS.join(', ')}, got ${describeValue(api)}`)
  if (api === 'responses' && !RESPONSES_API_TYPES.includes(type)) fail(`${path}.api "responses" is for a provider of type ${RESPONSES_API_TYPES.join(' or ')}, not ${type}`)
  const version = input.version === undefined ? undefined : nonEmptyString(input.version, `${path}.version`)
  let beta: readonly string[] | undefined
  if (input.beta !== undefined) {
    if (!Array.isArray(input.beta)) fail(`${path}.beta must be an array of strings, got ${describeValue(input.beta)}`)
    beta = Object.freeze(input.beta.map(function betaFlag (flag: unknown, index: number) { return nonEmptyString(flag, `${path}.beta[${index}]`) }))
  }
  const headers: Record<string, string> = {}
  if (input.headers !== undefined) {
    if (!isPlainObject(input.headers)) fail(`${path}.headers must be an object of strings, got ${describeValue(input.headers)}`)
    for (const [header, headerValue] of Object.entries(input.headers)) {
      headers[header] = nonEmptyString(headerValue, `${path}.headers.${header}`)
    }
  }
  return Object.freeze({
    name,
    type: type as NormalizedProviderOptions['type'],
    apiKey,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    headers: Object.freeze(headers),
    connections: input.connections === undefined ? undefined : positiveInteger(input.connections, `${path}.connections`),
    pipelining: input.pipelining === undefined ? 1 : positiveInteger(input.pipelining, `${path}.pipelining`),
    connectTimeout: input.connectTimeout === undefined ? 10_000 : positiveInteger(input.connectTimeout, `${path}.connectTimeout`),
    keepAliveTimeout: input.keepAliveTimeout === undefined ? undefined : positiveInteger(input.keepAliveTimeout, `${path}.keepAliveTimeout`),
    streamUsage: input.streamUsage === undefined ? true : boolean(input.streamUsage, `${path}.streamUsage`),
    api: api as NormalizedProviderOptions['api'],
    version,
    beta
  })
}

function mergeLimits (value: unknown, path: string, base: NormalizedModelLimits, allowed: readonly string[]): NormalizedModelLimits {
  if (value === undefined) return base
  const input = objectAt(value, path, allowed)
  const limits: NormalizedModelLimits = {
    maxTokens: input.maxTokens === undefined ? base.maxTokens : positiveInteger(input.maxTokens, `${path}.maxTokens`),
    rate: base.rate,
    requestTimeout: input.requestTimeout === undefined ? base.requestTimeout : timeoutMs(input.requestTimeout, `${path}.requestTimeout`),
    retry: base.retry,
    onDisconnect: input.onDisconnect === undefined ? base.onDisconnect : onDisconnectAt(input.onDisconnect, `${path}.onDisconnect`),
    maxGenerationTime: input.maxGenerationTime === undefined ? base.maxGenerationTime : timeoutMs(parseTimeWindow(input.maxGenerationTime, `${path}.maxGenerationTime`), `${path}.maxGenerationTime`)
  }
  if (input.rate !== undefined) {
    const rate = objectAt(input.rate, `${path}.rate`, ['max', 'timeWindow'])
    limits.rate = {
      max: rate.max === undefined ? base.rate.max : positiveInteger(rate.max, `${path}.rate.max`),
      windowMs: rate.timeWindow === undefined ? base.rate.windowMs : positiveWindow(rate.timeWindow, `${path}.rate.timeWindow`)
    }
  }
  if (base.tokens !== undefined) limits.tokens = base.tokens
  if (input.tokens !== undefined) {
    const tokens = objectAt(input.tokens, `${path}.tokens`, ['max', 'timeWindow'])
    const max = tokens.max ?? base.tokens?.max
    if (max === undefined) fail(`${path}.tokens.max is required (tokens per window)`)
    limits.tokens = Object.freeze({
      max: positiveInteger(max, `${path}.tokens.max`),
      windowMs: tokens.timeWindow === undefined ? base.tokens?.windowMs ?? 60_000 : positiveWindow(tokens.timeWindow, `${path}.tokens.timeWindow`)
    })
  }
  if (input.retry !== undefined) {
    const retry = objectAt(input.retry, `${path}.retry`, ['max', 'interval'])
    limits.retry = {
      max: retry.max === undefined ? base.retry.max : nonNegativeInteger(retry.max, `${path}.retry.max`),
      interval: retry.interval === undefined ? base.retry.interval : nonNegativeInteger(retry.interval, `${path}.retry.interval`)
    }
  }
  return limits
}

const ON_DISCONNECT: readonly OnDisconnect[] = ['continue', 'abort']

/** `'continue'` or `'abort'`. */
export function onDisconnectAt (value: unknown, path: string): OnDisconnect {
  if (!ON_DISCONNECT.includes(value as OnDisconnect)) fail(`${path} must be "continue" or "abort", got ${describeValue(value)}`)
  return value as OnDisconnect
}

function mergeRestore (value: unknown, path: string, base: NormalizedRestore): NormalizedRestore {
  if (value === undefined) return base
  const input = objectAt(value, path, RESTORE_KEYS)
  const restore = { ...base }
  for (const key of RESTORE_KEYS) {
    if (input[key] !== undefined) restore[key] = parseTimeWindow(input[key], `${path}.${key}`)
  }
  return restore
}

function nonNegativeNumber (value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`${path} must be a number of at least 0, got ${describeValue(value)}`)
  return value
}

/** A price per million tokens in billionths per token: exact to a thousandth of the currency's billionth. */
function perToken (value: unknown, path: string): number {
  return nonNegativeNumber(value, path) * 1000
}

function normalizePrice (value: unknown, path: string): NormalizedPrice {
  const input = objectAt(value, path, ['input', 'output', 'cachedInput'])
  const price = { input: perToken(input.input, `${path}.input`), output: perToken(input.output, `${path}.output`) }
  return Object.freeze({ ...price, cachedInput: input.cachedInput === undefined ? price.input : perToken(input.cachedInput, `${path}.cachedInput`) })
}

function splitModelName (value: string, path: string): { provider: string, model: string } {
  const colon = value.indexOf(':')
  if (colon <= 0 || colon === value.length - 1) fail(`${path} must be "provider:model", got ${describeValue(value)}`)
  return { provider: value.slice(0, colon), model: value.slice(colon + 1) }
}

function normalizeCapabilities (value: unknown, path: string, base: AiCapabilities): AiCapabilities {
  if (value === undefined) return base
  const input = objectAt(value, path, CAPABILITY_KEYS)
  const capabilities = { ...base }
  for (const key of CAPABILITY_KEYS) {
    if (input[key] === undefined) continue
    if (typeof input[key] !== 'boolean') fail(`${path}.${key} must be a boolean, got ${describeValue(input[key])}`)
    capabilities[key] = input[key]
  }
  return Object.freeze(capabilities)
}

function normalizeModel (value: unknown, path: string, options: { providers: Record<string, NormalizedProviderOptions>, limits: NormalizedModelLimits, restore: NormalizedRestore }): NormalizedModel {
  let provider: string
  let model: string
  let limits = options.limits
  let restore = options.restore
  let price: NormalizedPrice | undefined
  let capabilitiesInput: unknown
  let typeInput: unknown
  if (typeof value === 'string') {
    ({ provider, model } = splitModelName(value, path))
  } else {
    const input = objectAt(value, path, MODEL_KEYS)
    provider = nonEmptyString(input.provider, `${path}.provider`)
    model = nonEmptyString(input.model, `${path}.model`)
    limits = mergeLimits(input.limits, `${path}.limits`, options.limits, MODEL_LIMIT_KEYS)
    restore = mergeRestore(input.restore, `${path}.restore`, options.restore)
    if (input.price !== undefined) price = normalizePrice(input.price, `${path}.price`)
    capabilitiesInput = input.capabilities
    typeInput = input.type
  }
  if (!Object.hasOwn(options.providers, provider)) {
    fail(`${path} uses provider ${describeValue(provider)}, which is not configured in providers (configured: ${Object.keys(options.providers).join(', ')})`)
  }
  const type = modelTypeAt(typeInput, `${path}.type`, options.providers[provider].type)
  const normalized: NormalizedModel = {
    name: `${provider}:${model}`,
    provider,
    model,
    type,
    limits: Object.freeze({ ...limits, rate: Object.freeze(limits.rate), retry: Object.freeze(limits.retry) }),
    restore: Object.freeze(restore),
    // An embedding model serves none of the chat features.
    capabilities: type === 'embedding' ? TEXT_ONLY : normalizeCapabilities(capabilitiesInput, `${path}.capabilities`, PROVIDER_CAPABILITIES[options.providers[provider].type])
  }
  if (price !== undefined) normalized.price = price
  return Object.freeze(normalized)
}

function normalizeStorage (value: unknown): StorageOptions {
  if (value === undefined) return Object.freeze({ type: 'memory' })
  if (!isPlainObject(value)) fail(`storage must be an object, got ${describeValue(value)}`)
  if (value.type === 'memory') {
    const input = objectAt(value, 'storage', MEMORY_STORAGE_KEYS)
    if (input.maxSessions !== undefined) positiveInteger(input.maxSessions, 'storage.maxSessions')
    if (input.maxBytes !== undefined) positiveInteger(input.maxBytes, 'storage.maxBytes')
    return Object.freeze({ ...input }) as unknown as StorageOptions
  }
  if (value.type === 'valkey') return normalizeValkeyStorage(objectAt(value, 'storage', VALKEY_STORAGE_KEYS))
  fail(`storage.type must be "memory" or "valkey", got ${describeValue(value.type)}`)
}

function normalizeCallerBudget (value: unknown, models: readonly NormalizedModel[]): NormalizedCallerBudget | undefined {
  if (value === undefined) return undefined
  const input = objectAt(value, 'callerBudget', ['tokens', 'cost', 'timeWindow'])
  if (input.tokens === undefined && input.cost === undefined) fail('callerBudget needs tokens, cost or both')
  const budget: NormalizedCallerBudget = { windowMs: input.timeWindow === undefined ? 86_400_000 : positiveWindow(input.timeWindow, 'callerBudget.timeWindow') }
  if (input.tokens !== undefined) budget.tokens = positiveInteger(input.tokens, 'callerBudget.tokens')
  if (input.cost !== undefined) {
    const cost = nonNegativeNumber(input.cost, 'callerBudget.cost')
    if (cost === 0) fail('callerBudget.cost must be more than 0, got 0')
    // A model without a price would spend without counting.
    const unpriced = models.find(function noPrice (model) { return model.price === undefined })
    if (unpriced !== undefined) fail(`callerBudget.cost needs a price on every model, and ${describeValue(unpriced.name)} has none (models[].price)`)
    budget.cost = Math.round(cost * 1e9)
  }
  return Object.freeze(budget)
}

function normalizeUsage (value: unknown): NormalizedUsageOptions {
  const usage = { record: true, retentionMs: 90 * 86_400_000 }
  if (value === undefined) return Object.freeze(usage)
  const input = objectAt(value, 'usage', ['record', 'retention'])
  if (input.record !== undefined) usage.record = boolean(input.record, 'usage.record')
  if (input.retention !== undefined) usage.retentionMs = positiveWindow(input.retention, 'usage.retention')
  return Object.freeze(usage)
}

/** Validate `createAi` options and resolve every default; throws AiOptionsError naming the option and the value. */
export function normalizeOptions (options: AiOptions): NormalizedAiOptions {
  const input = objectAt(options, 'options', TOP_KEYS)
  const providersInput = objectAt(input.providers, 'providers', Object.keys(input.providers ?? {}))
  if (Object.keys(providersInput).length === 0) fail('providers must configure at least one provider, got {}')
  const providers: Record<string, NormalizedProviderOptions> = {}
  for (const [name, provider] of Object.entries(providersInput)) {
    providers[name] = normalizeProvider(name, provider)
  }

  const limitsInput = input.limits
  const limits = mergeLimits(limitsInput, 'limits', DEFAULT_LIMITS, GLOBAL_LIMIT_KEYS)
  const restore = mergeRestore(input.restore, 'restore', DEFAULT_RESTORE)
  const sessionLimits = { ...DEFAULT_SESSION_LIMITS }
  if (isPlainObject(limitsInput)) {
    if (limitsInput.historyExpiration !== undefined) sessionLimits.historyExpiration = positiveWindow(limitsInput.historyExpiration, 'limits.historyExpiration')
    if (limitsInput.historyLength !== undefined) sessionLimits.historyLength = positiveInteger(limitsInput.historyLength, 'limits.historyLength')
    if (limitsInput.detachTimeout !== undefined) sessionLimits.detachTimeout = nonNegativeInteger(limitsInput.detachTimeout, 'limits.detachTimeout')
    if (limitsInput.maxDetachedStreams !== undefined) sessionLimits.maxDetachedStreams = positiveInteger(limitsInput.maxDetachedStreams, 'limits.maxDetachedStreams')
    if (limitsInput.streamLease !== undefined) {
      sessionLimits.streamLease = positiveWindow(limitsInput.streamLease, 'limits.streamLease')
      // Renewed every third of it: shorter, one slow store reply would let a live answer lapse.
      if (sessionLimits.streamLease < 1000) fail(`limits.streamLease must be at least 1s, got ${describeValue(limitsInput.streamLease)}`)
    }
  }

  if (!Array.isArray(input.models) || input.models.length === 0) fail(`models must be a non-empty array, got ${describeValue(input.models)}`)
  const models: NormalizedModel[] = []
  const embeddingModels: NormalizedModel[] = []
  const modelsByName = new Map<string, NormalizedModel>()
  input.models.forEach(function addModel (value: unknown, index: number) {
    const model = normalizeModel(value, `models[${index}]`, { providers, limits, restore })
    if (modelsByName.has(model.name)) fail(`models[${index}] repeats ${describeValue(model.name)}: each provider:model appears once`)
    if (model.type === 'embedding') embeddingModels.push(model)
    else models.push(model)
    modelsByName.set(model.name, model)
  })

  return Object.freeze({
    providers: Object.freeze(providers),
    models: Object.freeze(models),
    embeddingModels: Object.freeze(embeddingModels),
    modelsByName,
    embeddings: normalizeEmbeddingOptions(input.embeddings as AiOptions['embeddings']),
    limits: Object.freeze(sessionLimits),
    storage: normalizeStorage(input.storage),
    callerBudget: normalizeCallerBudget(input.callerBudget, [...models, ...embeddingModels]),
    usage: normalizeUsage(input.usage)
  })
}
