// Checks the client's options once, in buildClient, into a frozen normalized object.
import { AiClientOptionsError } from './errors.ts'
import { nullLogger } from './logger.ts'
import type { AiClientLogger, ClientOptions } from './types.ts'

/** Resume settings with every default applied. */
export interface NormalizedResumeOptions {
  /** Reconnections in a row without progress before giving up. */
  maxAttempts: number
  /** Delay before the first reconnection, in ms. */
  initialDelay: number
  /** Longest delay between reconnections, in ms. */
  maxDelay: number
}

/** Client options with every default applied. */
export interface NormalizedClientOptions {
  promptUrl: string
  streamUrl: string
  sessionsUrl: string
  modelsUrl: string
  usageUrl: string
  embeddingsUrl: string
  /** Lower-case name of the response header carrying the session id. */
  headerSessionIdName: string
  headers: Readonly<Record<string, string>>
  timeout: number
  logger: AiClientLogger
  resume: NormalizedResumeOptions | false
  fetch: typeof globalThis.fetch
}

const defaultResume: NormalizedResumeOptions = { maxAttempts: 5, initialDelay: 100, maxDelay: 5000 }

function checkNumber (option: string, value: unknown, integer: boolean, min: number): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new AiClientOptionsError(option, `expected ${integer ? 'an integer' : 'a number'} >= ${min}, got ${String(value)}`)
  }
}

function checkPath (option: string, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new AiClientOptionsError(option, `expected a path starting with "/", got ${String(value)}`)
  }
  return value
}

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function checkHeaderName (option: string, value: unknown): string {
  if (typeof value !== 'string' || !HEADER_NAME.test(value)) {
    throw new AiClientOptionsError(option, `expected a header name, got ${String(value)}`)
  }
  return value.toLowerCase()
}

function normalizeResume (resume: ClientOptions['resume']): NormalizedResumeOptions | false {
  if (resume === false) return false
  if (resume === undefined) return defaultResume
  if (typeof resume !== 'object' || resume === null) {
    throw new AiClientOptionsError('resume', `expected an object or false, got ${String(resume)}`)
  }
  const normalized = { ...defaultResume }
  if (resume.maxAttempts !== undefined) {
    checkNumber('resume.maxAttempts', resume.maxAttempts, true, 0)
    normalized.maxAttempts = resume.maxAttempts
  }
  if (resume.initialDelay !== undefined) {
    checkNumber('resume.initialDelay', resume.initialDelay, false, 0)
    normalized.initialDelay = resume.initialDelay
  }
  if (resume.maxDelay !== undefined) {
    checkNumber('resume.maxDelay', resume.maxDelay, false, 0)
    normalized.maxDelay = resume.maxDelay
  }
  return Object.freeze(normalized)
}

/** Validates the options of buildClient and applies the defaults. */
export function normalizeClientOptions (options: ClientOptions): NormalizedClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw new AiClientOptionsError('options', 'expected an object')
  }
  let base: URL
  try {
    base = new URL(options.url)
  } catch {
    throw new AiClientOptionsError('url', `expected an absolute URL, got ${String(options.url)}`)
  }
  const root = base.href.replace(/\/+$/, '')
  const timeout = options.timeout ?? 60_000
  checkNumber('timeout', timeout, false, 1)
  const fetchImplementation = options.fetch ?? globalThis.fetch
  if (typeof fetchImplementation !== 'function') {
    throw new AiClientOptionsError('fetch', 'no fetch implementation available')
  }
  const logger = options.logger ?? nullLogger
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof logger[level] !== 'function') throw new AiClientOptionsError('logger', `missing method ${level}`)
  }
  return Object.freeze({
    promptUrl: root + checkPath('promptPath', options.promptPath ?? '/api/v1/prompt'),
    streamUrl: root + checkPath('streamPath', options.streamPath ?? '/api/v1/stream'),
    sessionsUrl: root + checkPath('sessionsPath', options.sessionsPath ?? '/api/v1/sessions').replace(/\/+$/, ''),
    modelsUrl: root + checkPath('modelsPath', options.modelsPath ?? '/api/v1/models'),
    usageUrl: root + checkPath('usagePath', options.usagePath ?? '/api/v1/usage'),
    embeddingsUrl: root + checkPath('embeddingsPath', options.embeddingsPath ?? '/api/v1/embeddings'),
    headerSessionIdName: checkHeaderName('headerSessionIdName', options.headerSessionIdName ?? 'x-session-id'),
    headers: Object.freeze({ ...options.headers }),
    timeout,
    logger,
    resume: normalizeResume(options.resume),
    // Called unbound, some fetch implementations (browsers) throw "Illegal invocation".
    fetch: fetchImplementation === globalThis.fetch ? globalThis.fetch.bind(globalThis) : fetchImplementation
  })
}
