// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// An OpenAI chat completions body, read from `unknown` -> the conversation and its options. Every
// parameter OpenAI defines is honoured, accepted at a value that changes nothing, or refused with
// a 400 naming it: a client must never believe the gateway applied a setting it silently dropped.

import type { AiMessage } from '../../conversation/messages.ts'
import type { AiResponseFormat } from '../../conversation/response-format.ts'
import type { AiTool, AiToolChoice } from '../../conversation/tools.ts'
import { fromOpenAiChatMessages } from './from-openai-chat-messages.ts'
import { fromOpenAiChatResponseFormat, fromOpenAiChatToolChoice, fromOpenAiChatTools } from './from-openai-chat-tools.ts'
import { openAiChatParameterError } from './openai-chat-request-error.ts'

/** A chat completions request, read and checked, in the conversation's terms. */
export interface OpenAiChatInput {
  /** The `model` as sent: a `provider:model`, an alias or `default` (the route resolves it). */
  model: string
  /** The conversation, one message per OpenAI message (same indexes). */
  messages: AiMessage[]
  /** `stream` */
  stream: boolean
  /** `stream_options.include_usage` */
  includeUsage: boolean
  /** `temperature`, 0..2 */
  temperature?: number
  /** `max_completion_tokens` (or the older `max_tokens`) */
  maxTokens?: number
  /** `top_p`, 0..1 */
  topP?: number
  /** `stop`, as a list */
  stop?: string[]
  /** `tools` (function tools) */
  tools?: AiTool[]
  /** `tool_choice` (only with tools) */
  toolChoice?: AiToolChoice
  /** `parallel_tool_calls` (only with tools) */
  parallelToolCalls?: boolean
  /** `response_format`, absent for text */
  responseFormat?: AiResponseFormat
}

type Check = (value: unknown) => boolean

function isEmptyObject (value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
}

function isEmptyArray (value: unknown): boolean {
  return Array.isArray(value) && value.length === 0
}

// Parameters accepted only at a value that is OpenAI's default or changes nothing.
const HARMLESS_VALUES: Record<string, { check: Check, allowed: string }> = {
  n: { check: (value) => value === 1, allowed: '1' },
  frequency_penalty: { check: (value) => value === 0, allowed: '0' },
  presence_penalty: { check: (value) => value === 0, allowed: '0' },
  logprobs: { check: (value) => value === false, allowed: 'false' },
  top_logprobs: { check: (value) => value === 0, allowed: '0' },
  logit_bias: { check: isEmptyObject, allowed: '{}' },
  functions: { check: isEmptyArray, allowed: '[] (send tools instead)' },
  function_call: { check: (value) => value === 'none' || value === 'auto', allowed: '"none" or "auto" (send tool_choice instead)' },
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

// Parameters honoured (read below).
const SUPPORTED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'temperature', 'max_tokens', 'max_completion_tokens',
  'top_p', 'stop', 'user', 'safety_identifier', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format'
])

function isSet (value: unknown): boolean {
  return value !== undefined && value !== null
}

function readNumber (body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = body[name]
  if (!isSet(value)) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw openAiChatParameterError(name, `${name} must be a number`, 'invalid_type')
  if (value < min || value > max) throw openAiChatParameterError(name, `${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

function readMaxTokens (body: Record<string, unknown>): number | undefined {
  let result: number | undefined
  for (const name of ['max_completion_tokens', 'max_tokens']) {
    const value = body[name]
    if (!isSet(value)) continue
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw openAiChatParameterError(name, `${name} must be a positive integer`, typeof value === 'number' ? 'invalid_value' : 'invalid_type')
    }
    if (result !== undefined && result !== value) {
      throw openAiChatParameterError(name, 'max_tokens and max_completion_tokens disagree: send only max_completion_tokens')
    }
    result = value
  }
  return result
}

function readStop (value: unknown): string[] | undefined {
  if (!isSet(value)) return undefined
  const stop = typeof value === 'string' ? [value] : value
  if (!Array.isArray(stop) || stop.some((entry) => typeof entry !== 'string' || entry === '')) {
    throw openAiChatParameterError('stop', 'stop must be a non-empty string or an array of non-empty strings', 'invalid_type')
  }
  if (stop.length > 4) throw openAiChatParameterError('stop', `stop accepts at most 4 sequences, got ${stop.length}`)
  return stop.length === 0 ? undefined : stop
}

function readStream (body: Record<string, unknown>): { stream: boolean, includeUsage: boolean } {
  const stream = body.stream ?? false
  if (typeof stream !== 'boolean') throw openAiChatParameterError('stream', 'stream must be a boolean', 'invalid_type')
  const options = body.stream_options
  if (!isSet(options)) return { stream, includeUsage: false }
  if (!stream) throw openAiChatParameterError('stream_options', 'stream_options is only allowed when stream is true')
  if (typeof options !== 'object' || Array.isArray(options)) throw openAiChatParameterError('stream_options', 'stream_options must be an object', 'invalid_type')
  let includeUsage = false
  for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
    if (!isSet(value)) continue
    // Obfuscation pads chunks against side channels; a stream without it is valid for every client.
    if (key !== 'include_usage' && key !== 'include_obfuscation') {
      throw openAiChatParameterError(`stream_options.${key}`, `stream_options.${key} is not supported by this gateway`, 'unsupported_parameter')
    }
    if (typeof value !== 'boolean') throw openAiChatParameterError(`stream_options.${key}`, `stream_options.${key} must be a boolean`, 'invalid_type')
    if (key === 'include_usage') includeUsage = value
  }
  return { stream, includeUsage }
}

function checkOtherParameters (body: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(body)) {
    // Clients commonly send unset parameters as null: that is the default, whatever the parameter.
    if (SUPPORTED.has(name) || !isSet(value)) continue
    const harmless = HARMLESS_VALUES[name]
    if (harmless !== undefined) {
      if (harmless.check(value)) continue
      throw openAiChatParameterError(name, `${name} is not supported by this gateway (only ${harmless.allowed} is accepted)`, 'unsupported_parameter')
    }
    if (UNSUPPORTED.has(name)) throw openAiChatParameterError(name, `${name} is not supported by this gateway`, 'unsupported_parameter')
    throw openAiChatParameterError(name, `Unrecognized request argument supplied: ${name}`, 'unknown_parameter')
  }
}

function checkIdentifier (body: Record<string, unknown>, name: string): void {
  if (isSet(body[name]) && typeof body[name] !== 'string') throw openAiChatParameterError(name, `${name} must be a string`, 'invalid_type')
}

function readParallelToolCalls (value: unknown): boolean | undefined {
  if (!isSet(value)) return undefined
  if (typeof value !== 'boolean') throw openAiChatParameterError('parallel_tool_calls', 'parallel_tool_calls must be a boolean', 'invalid_type')
  return value
}

/**
 * Read a chat completions body. Throws AI_BAD_REQUEST errors carrying `param` (in OpenAI's
 * terms) and `openaiCode`.
 */
export function fromOpenAiChatRequest (body: unknown): OpenAiChatInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw openAiChatParameterError('body', 'The request body must be a JSON object', 'invalid_type')
  }
  const fields = body as Record<string, unknown>
  checkOtherParameters(fields)
  if (typeof fields.model !== 'string' || fields.model === '') {
    throw openAiChatParameterError('model', 'model must be a non-empty string', isSet(fields.model) ? 'invalid_type' : 'missing_required_parameter')
  }
  checkIdentifier(fields, 'user')
  checkIdentifier(fields, 'safety_identifier')
  const messages = fromOpenAiChatMessages(fields.messages)
  const tools = fromOpenAiChatTools(fields.tools)
  const toolChoice = fromOpenAiChatToolChoice(fields.tool_choice, tools)
  const parallelToolCalls = readParallelToolCalls(fields.parallel_tool_calls)
  const responseFormat = fromOpenAiChatResponseFormat(fields.response_format)
  const input: OpenAiChatInput = { model: fields.model, messages, ...readStream(fields) }
  const temperature = readNumber(fields, 'temperature', 0, 2)
  if (temperature !== undefined) input.temperature = temperature
  const topP = readNumber(fields, 'top_p', 0, 1)
  if (topP !== undefined) input.topP = topP
  const maxTokens = readMaxTokens(fields)
  if (maxTokens !== undefined) input.maxTokens = maxTokens
  const stop = readStop(fields.stop)
  if (stop !== undefined) input.stop = stop
  if (tools !== undefined) input.tools = tools
  if (toolChoice !== undefined) input.toolChoice = toolChoice
  // Without tools there is nothing to call in parallel; providers refuse the field alone.
  if (tools !== undefined && parallelToolCalls !== undefined) input.parallelToolCalls = parallelToolCalls
  if (responseFormat !== undefined) input.responseFormat = responseFormat
  return input
}
