// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// An Anthropic Messages API body (`POST /v1/messages`, `/v1/messages/count_tokens`), read from
// `unknown` -> the conversation and its options. Every parameter Anthropic defines is honoured,
// accepted at a value that changes nothing, or refused with a 400 naming it: a client must never
// believe the gateway applied a setting it silently dropped.

import type { AiMessage } from '../../conversation/messages.ts'
import type { AiResponseFormat } from '../../conversation/response-format.ts'
import type { AiTool, AiToolChoice } from '../../conversation/tools.ts'
import type { AiThinkingOptions } from '../../types.ts'
import { anthropicRequestError } from './anthropic-request-error.ts'
import { fromAnthropicMessages, fromAnthropicSystem, isRecord, isSet } from './from-anthropic-messages.ts'
import { fromAnthropicTools } from './from-anthropic-tools.ts'

/** A Messages API request, read and checked, in the conversation's terms. */
export interface AnthropicMessagesInput {
  /** The `model` as sent: a Claude model's name, a `provider:model`, an alias or `default` (the route resolves it). */
  model: string
  /** `system` (one system message per text block) then `messages` (tool results split out as tool messages). */
  messages: AiMessage[]
  /** `max_tokens` (required by the Messages API; absent only for count_tokens). */
  maxTokens?: number
  /** `stream` */
  stream: boolean
  /** `temperature`, 0..1 */
  temperature?: number
  /** `top_p`, 0..1 */
  topP?: number
  /** `stop_sequences` */
  stop?: string[]
  /** `tools` (client tools) */
  tools?: AiTool[]
  /** `tool_choice` (only with tools) */
  toolChoice?: AiToolChoice
  /** `false` from `tool_choice.disable_parallel_tool_use` */
  parallelToolCalls?: boolean
  /** `output_format` (or `output_config.format`): a JSON schema the answer follows */
  responseFormat?: AiResponseFormat
  /** `thinking` of type `enabled`: its `budget_tokens` */
  thinking?: AiThinkingOptions
  /** `metadata.user_id`, as sent (the route decides what it means) */
  userId?: string
}

// Parameters accepted only at a value that changes nothing here.
const HARMLESS_VALUES: Record<string, { check: (value: unknown) => boolean, allowed: string }> = {
  service_tier: { check: (value) => value === 'auto' || value === 'standard_only', allowed: '"auto" or "standard_only"' }
}

// Parameters Anthropic defines that the gateway cannot honour at any value.
const UNSUPPORTED: Record<string, string> = {
  top_k: 'top_k is not supported by this gateway (not every provider of a fallback chain has it): leave it out',
  container: 'containers run inside Anthropic\'s API and are not supported by this gateway',
  mcp_servers: 'MCP servers run by Anthropic\'s API are not supported by this gateway: run the tools on the client',
  context_management: 'context management runs inside Anthropic\'s API and is not supported by this gateway',
  inference_geo: 'inference_geo is not supported by this gateway'
}

// Parameters read below, per route.
const MESSAGES_PARAMETERS = new Set([
  'model', 'messages', 'system', 'max_tokens', 'stream', 'temperature', 'top_p', 'stop_sequences', 'tools',
  'tool_choice', 'metadata', 'thinking', 'output_format', 'output_config'
])
const COUNT_TOKENS_PARAMETERS = new Set(['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'output_format', 'output_config'])

function checkOtherParameters (body: Record<string, unknown>, known: ReadonlySet<string>): void {
  for (const [name, value] of Object.entries(body)) {
    if (known.has(name) || !isSet(value)) continue
    const harmless = HARMLESS_VALUES[name]
    if (harmless !== undefined) {
      if (harmless.check(value)) continue
      throw anthropicRequestError(name, `only ${harmless.allowed} is supported by this gateway`)
    }
    throw anthropicRequestError(name, UNSUPPORTED[name] ?? 'Extra inputs are not permitted')
  }
}

function readNumber (body: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = body[name]
  if (!isSet(value)) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw anthropicRequestError(name, 'Input should be a valid number')
  if (value < min || value > max) throw anthropicRequestError(name, `Input should be between ${min} and ${max}, got ${value}`)
  return value
}

function readMaxTokens (value: unknown, required: boolean): number | undefined {
  if (!isSet(value)) {
    if (required) throw anthropicRequestError('max_tokens', 'Field required')
    return undefined
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw anthropicRequestError('max_tokens', 'Input should be a positive integer')
  return value
}

function readStopSequences (value: unknown): string[] | undefined {
  if (!isSet(value)) return undefined
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string' || entry === '')) {
    throw anthropicRequestError('stop_sequences', 'Input should be a list of non-empty strings')
  }
  return value.length === 0 ? undefined : value
}

function readThinking (value: unknown, maxTokens: number | undefined): AiThinkingOptions | undefined {
  if (!isSet(value)) return undefined
  if (!isRecord(value)) throw anthropicRequestError('thinking', 'Input should be an object')
  if (value.type === 'disabled') return undefined
  if (value.type !== 'enabled') {
    throw anthropicRequestError('thinking.type', `${JSON.stringify(value.type)} is not supported by this gateway: send {"type": "enabled", "budget_tokens": N} or {"type": "disabled"}`)
  }
  const budget = value.budget_tokens
  if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1024) throw anthropicRequestError('thinking.budget_tokens', 'Input should be an integer of at least 1024')
  if (maxTokens !== undefined && budget >= maxTokens) throw anthropicRequestError('thinking.budget_tokens', `must be less than max_tokens (${maxTokens})`)
  return { budgetTokens: budget }
}

function readFormat (format: unknown, path: string): AiResponseFormat {
  if (!isRecord(format) || format.type !== 'json_schema') throw anthropicRequestError(`${path}.type`, 'Input should be \'json_schema\'')
  if (!isRecord(format.schema)) throw anthropicRequestError(`${path}.schema`, 'Input should be a JSON Schema object')
  return { type: 'json_schema', name: 'response', schema: format.schema }
}

function readResponseFormat (body: Record<string, unknown>): AiResponseFormat | undefined {
  if (isSet(body.output_format)) return readFormat(body.output_format, 'output_format')
  const config = body.output_config
  if (!isSet(config)) return undefined
  if (!isRecord(config)) throw anthropicRequestError('output_config', 'Input should be an object')
  for (const [key, value] of Object.entries(config)) {
    if (key !== 'format' && isSet(value)) throw anthropicRequestError(`output_config.${key}`, 'is not supported by this gateway')
  }
  return isSet(config.format) ? readFormat(config.format, 'output_config.format') : undefined
}

function readMetadata (value: unknown): string | undefined {
  if (!isSet(value)) return undefined
  if (!isRecord(value)) throw anthropicRequestError('metadata', 'Input should be an object')
  for (const [key, entry] of Object.entries(value)) {
    if (key !== 'user_id' && isSet(entry)) throw anthropicRequestError(`metadata.${key}`, 'Extra inputs are not permitted')
  }
  if (!isSet(value.user_id)) return undefined
  if (typeof value.user_id !== 'string') throw anthropicRequestError('metadata.user_id', 'Input should be a valid string')
  return value.user_id
}

function readBody (body: unknown, known: ReadonlySet<string>): Record<string, unknown> {
  if (!isRecord(body)) throw anthropicRequestError('body', 'The request body must be a JSON object')
  checkOtherParameters(body, known)
  if (typeof body.model !== 'string' || body.model === '') throw anthropicRequestError('model', isSet(body.model) ? 'Input should be a non-empty string' : 'Field required')
  return body
}

function readConversation (body: Record<string, unknown>, maxTokens: number | undefined): AnthropicMessagesInput {
  const messages = [...fromAnthropicSystem(body.system), ...fromAnthropicMessages(body.messages)]
  const input: AnthropicMessagesInput = { model: body.model as string, messages, stream: false }
  const tools = fromAnthropicTools(body.tools, body.tool_choice)
  if (tools.tools !== undefined) input.tools = tools.tools
  if (tools.toolChoice !== undefined) input.toolChoice = tools.toolChoice
  if (tools.parallelToolCalls !== undefined) input.parallelToolCalls = tools.parallelToolCalls
  const thinking = readThinking(body.thinking, maxTokens)
  if (thinking !== undefined) input.thinking = thinking
  const responseFormat = readResponseFormat(body)
  if (responseFormat !== undefined) input.responseFormat = responseFormat
  return input
}

/** Read a `POST /v1/messages` body. Throws AI_BAD_REQUEST errors carrying `param` (in Anthropic's terms). */
export function fromAnthropicRequest (body: unknown): AnthropicMessagesInput {
  const fields = readBody(body, MESSAGES_PARAMETERS)
  const maxTokens = readMaxTokens(fields.max_tokens, true)
  const input = readConversation(fields, maxTokens)
  input.maxTokens = maxTokens
  if (isSet(fields.stream)) {
    if (typeof fields.stream !== 'boolean') throw anthropicRequestError('stream', 'Input should be a valid boolean')
    input.stream = fields.stream
  }
  const temperature = readNumber(fields, 'temperature', 0, 1)
  if (temperature !== undefined) input.temperature = temperature
  const topP = readNumber(fields, 'top_p', 0, 1)
  if (topP !== undefined) input.topP = topP
  const stop = readStopSequences(fields.stop_sequences)
  if (stop !== undefined) input.stop = stop
  const userId = readMetadata(fields.metadata)
  if (userId !== undefined) input.userId = userId
  return input
}

/** Read a `POST /v1/messages/count_tokens` body (no `max_tokens`, `stream` or sampling). */
export function fromAnthropicCountTokensRequest (body: unknown): AnthropicMessagesInput {
  return readConversation(readBody(body, COUNT_TOKENS_PARAMETERS), undefined)
}
