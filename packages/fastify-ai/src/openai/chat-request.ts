// Layer openai/ (the OpenAI-compatible routes and their wire format). May import sse/ and the base
// files; see docs/architecture.md.
//
// Reads an OpenAI chat completions body. Every parameter OpenAI defines is either honoured,
// accepted at a value that changes nothing, or refused with a 400 naming it: a client must
// never believe the gateway applied a setting it silently dropped.

import { readMessages } from './chat-messages.ts'
import type { TextMessage } from './chat-messages.ts'
import { invalidParameter } from './openai-error.ts'

/** A validated chat completions request, in the gateway's terms. */
export interface ChatRequest {
  /** The `model` as sent: a `provider:model`, an alias or `default`. */
  model: string
  messages: TextMessage[]
  stream: boolean
  /** `stream_options.include_usage` */
  includeUsage: boolean
  temperature?: number
  maxTokens?: number
  topP?: number
  stop?: string[]
}

type Check = (value: unknown) => boolean

function isEmptyObject (value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
}

function isEmptyArray (value: unknown): boolean {
  return Array.isArray(value) && value.length === 0
}

// Parameters accepted only at a value that is OpenAI's default or has no effect without the
// features the gateway lacks (tools, logprobs, audio…).
const HARMLESS_VALUES: Record<string, { check: Check, allowed: string }> = {
  n: { check: (value) => value === 1, allowed: '1' },
  frequency_penalty: { check: (value) => value === 0, allowed: '0' },
  presence_penalty: { check: (value) => value === 0, allowed: '0' },
  logprobs: { check: (value) => value === false, allowed: 'false' },
  top_logprobs: { check: (value) => value === 0, allowed: '0' },
  logit_bias: { check: isEmptyObject, allowed: '{}' },
  tools: { check: isEmptyArray, allowed: '[]' },
  functions: { check: isEmptyArray, allowed: '[]' },
  tool_choice: { check: (value) => value === 'none' || value === 'auto', allowed: '"none" or "auto"' },
  function_call: { check: (value) => value === 'none' || value === 'auto', allowed: '"none" or "auto"' },
  parallel_tool_calls: { check: (value) => typeof value === 'boolean', allowed: 'a boolean (there are no tools to call)' },
  response_format: { check: (value) => isEmptyObject(value) || (value as { type?: unknown }).type === 'text', allowed: '{"type": "text"}' },
  modalities: { check: (value) => Array.isArray(value) && value.length === 1 && value[0] === 'text', allowed: '["text"]' },
  store: { check: (value) => value === false, allowed: 'false' },
  metadata: { check: isEmptyObject, allowed: '{}' },
  service_tier: { check: (value) => value === 'auto' || value === 'default', allowed: '"auto" or "default"' }
}

// Parameters OpenAI defines that the gateway cannot honour at any non-null value.
const UNSUPPORTED = new Set([
  'seed', 'reasoning_effort', 'verbosity', 'audio', 'prediction', 'web_search_options',
  'prompt_cache_key', 'prompt_cache_retention', 'top_k'
])

const SUPPORTED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'temperature', 'max_tokens',
  'max_completion_tokens', 'top_p', 'stop', 'user', 'safety_identifier'
])

function readNumber (body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidParameter(name, `${name} must be a number`, 'invalid_type')
  if (value < min || value > max) throw invalidParameter(name, `${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

function readMaxTokens (body: Record<string, unknown>): number | undefined {
  let result: number | undefined
  for (const name of ['max_completion_tokens', 'max_tokens']) {
    const value = body[name]
    if (value === undefined || value === null) continue
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw invalidParameter(name, `${name} must be a positive integer`, typeof value === 'number' ? 'invalid_value' : 'invalid_type')
    }
    if (result !== undefined && result !== value) {
      throw invalidParameter(name, 'max_tokens and max_completion_tokens disagree: send only max_completion_tokens')
    }
    result = value
  }
  return result
}

function readStop (value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined
  const stop = typeof value === 'string' ? [value] : value
  if (!Array.isArray(stop) || stop.some((entry) => typeof entry !== 'string' || entry === '')) {
    throw invalidParameter('stop', 'stop must be a non-empty string or an array of non-empty strings', 'invalid_type')
  }
  if (stop.length > 4) throw invalidParameter('stop', `stop accepts at most 4 sequences, got ${stop.length}`)
  return stop.length === 0 ? undefined : stop
}

function readStream (body: Record<string, unknown>): { stream: boolean, includeUsage: boolean } {
  const stream = body.stream ?? false
  if (typeof stream !== 'boolean') throw invalidParameter('stream', 'stream must be a boolean', 'invalid_type')
  const options = body.stream_options
  if (options === undefined || options === null) return { stream, includeUsage: false }
  if (!stream) throw invalidParameter('stream_options', 'stream_options is only allowed when stream is true')
  if (typeof options !== 'object' || Array.isArray(options)) throw invalidParameter('stream_options', 'stream_options must be an object', 'invalid_type')
  let includeUsage = false
  for (const [key, value] of Object.entries(options)) {
    if (value === null || value === undefined) continue
    // Obfuscation pads chunks against side channels; a stream without it is valid for every client.
    if (key !== 'include_usage' && key !== 'include_obfuscation') {
      throw invalidParameter(`stream_options.${key}`, `stream_options.${key} is not supported by this gateway`, 'unsupported_parameter')
    }
    if (typeof value !== 'boolean') throw invalidParameter(`stream_options.${key}`, `stream_options.${key} must be a boolean`, 'invalid_type')
    if (key === 'include_usage') includeUsage = value
  }
  return { stream, includeUsage }
}

function checkOtherParameters (body: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(body)) {
    if (SUPPORTED.has(name)) continue
    // Clients commonly send unset parameters as null: that is the default, whatever the parameter.
    if (value === null || value === undefined) continue
    const harmless = HARMLESS_VALUES[name]
    if (harmless !== undefined) {
      if (harmless.check(value)) continue
      throw invalidParameter(name, `${name} is not supported by this gateway (only ${harmless.allowed} is accepted)`, 'unsupported_parameter')
    }
    if (UNSUPPORTED.has(name)) throw invalidParameter(name, `${name} is not supported by this gateway`, 'unsupported_parameter')
    throw invalidParameter(name, `Unrecognized request argument supplied: ${name}`, 'unknown_parameter')
  }
}

function checkIdentifier (body: Record<string, unknown>, name: string): void {
  const value = body[name]
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw invalidParameter(name, `${name} must be a string`, 'invalid_type')
  }
}

/** Validate a chat completions body; throws AI_BAD_REQUEST errors carrying the parameter at fault. */
export function readChatRequest (body: unknown): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidParameter('body', 'The request body must be a JSON object', 'invalid_type')
  }
  const fields = body as Record<string, unknown>
  checkOtherParameters(fields)
  if (typeof fields.model !== 'string' || fields.model === '') {
    throw invalidParameter('model', 'model must be a non-empty string', fields.model === undefined ? 'missing_required_parameter' : 'invalid_type')
  }
  checkIdentifier(fields, 'user')
  checkIdentifier(fields, 'safety_identifier')
  const messages = readMessages(fields.messages)
  const { stream, includeUsage } = readStream(fields)
  return {
    model: fields.model,
    messages,
    stream,
    includeUsage,
    temperature: readNumber(fields, 'temperature', 0, 2),
    topP: readNumber(fields, 'top_p', 0, 1),
    maxTokens: readMaxTokens(fields),
    stop: readStop(fields.stop)
  }
}
