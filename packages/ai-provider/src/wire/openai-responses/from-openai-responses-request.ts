// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A Responses API body (`POST /v1/responses`), read from `unknown` -> the conversation and its
// options. Every parameter is honoured, accepted at a value that changes nothing, or refused
// with a 400 naming it: a client must never believe the gateway applied what it dropped.

import type { AiMessage } from '../../conversation/messages.ts'
import type { AiResponseFormat } from '../../conversation/response-format.ts'
import type { AiTool, AiToolChoice } from '../../conversation/tools.ts'
import { parametersProblem, toolNameProblem } from '../../conversation/validate.ts'
import { fromOpenAiResponsesInput } from './from-openai-responses-input.ts'
import { responsesParameterError, responsesUnsupportedError } from './openai-responses-request-error.ts'

/** A Responses request, read and checked, in the conversation's terms. */
export interface OpenAiResponsesInput {
  /** `model` as sent: a `provider:model`, an alias or `default` (the route resolves it). */
  model: string
  /** What `input` adds to the conversation. */
  messages: AiMessage[]
  /** `instructions` */
  instructions?: string
  /** `tools` (function tools only) */
  tools?: AiTool[]
  /** `tool_choice` */
  toolChoice?: AiToolChoice
  /** `parallel_tool_calls` */
  parallelToolCalls?: boolean
  /** `text.format`, absent for text */
  responseFormat?: AiResponseFormat
  /** `max_output_tokens` */
  maxTokens?: number
  /** `temperature`, 0..2 */
  temperature?: number
  /** `top_p`, 0..1 */
  topP?: number
  /** `store` (default true) */
  store: boolean
  /** `previous_response_id` */
  previousResponseId?: string
  /** `stream` */
  stream: boolean
  /** `metadata` (echoed back), at most 16 string values */
  metadata: Record<string, string>
}

type Fields = Record<string, unknown>

function isSet (value: unknown): boolean {
  return value !== undefined && value !== null
}

function isEmpty (value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0)
}

// Parameters accepted only at a value that changes nothing.
const HARMLESS: Record<string, { check: (value: unknown) => boolean, allowed: string }> = {
  truncation: { check: (value) => value === 'disabled', allowed: '"disabled"' },
  include: { check: isEmpty, allowed: '[]' },
  service_tier: { check: (value) => value === 'auto' || value === 'default', allowed: '"auto" or "default"' },
  top_logprobs: { check: (value) => value === 0, allowed: '0' },
  reasoning: { check: isEmpty, allowed: '{}' },
  background: { check: (value) => value === false, allowed: 'false' },
  stream_options: { check: (value) => isEmpty(value) || (typeof value === 'object' && Object.keys(value as object).every((key) => key === 'include_obfuscation')), allowed: '{include_obfuscation}' }
}

// Parameters defined by the API that the gateway cannot honour at any set value.
const UNSUPPORTED = new Set(['conversation', 'prompt', 'prompt_cache_key', 'prompt_cache_retention', 'max_tool_calls'])

const SUPPORTED = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'text', 'max_output_tokens',
  'temperature', 'top_p', 'store', 'previous_response_id', 'stream', 'metadata', 'user', 'safety_identifier'
])

function checkOtherParameters (body: Fields): void {
  for (const [name, value] of Object.entries(body)) {
    if (SUPPORTED.has(name) || !isSet(value)) continue
    const harmless = HARMLESS[name]
    if (harmless !== undefined) {
      if (harmless.check(value)) continue
      if (name === 'background') throw responsesUnsupportedError(name, 'background responses')
      throw responsesParameterError(name, `${name} is not supported by this gateway (only ${harmless.allowed} is accepted)`, 'unsupported_parameter')
    }
    if (UNSUPPORTED.has(name)) throw responsesParameterError(name, `${name} is not supported by this gateway`, 'unsupported_parameter')
    throw responsesParameterError(name, `Unknown parameter: '${name}'.`, 'unknown_parameter')
  }
}

function readNumber (body: Fields, name: string, min: number, max: number): number | undefined {
  const value = body[name]
  if (!isSet(value)) return undefined
  if (typeof value !== 'number' || !Number.isFinite(value)) throw responsesParameterError(name, `${name} must be a number`, 'invalid_type')
  if (value < min || value > max) throw responsesParameterError(name, `${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

function readBoolean (body: Fields, name: string): boolean | undefined {
  const value = body[name]
  if (!isSet(value)) return undefined
  if (typeof value !== 'boolean') throw responsesParameterError(name, `${name} must be a boolean`, 'invalid_type')
  return value
}

function readTool (tool: unknown, index: number): AiTool {
  const param = `tools[${index}]`
  if (typeof tool !== 'object' || tool === null) throw responsesParameterError(param, `${param} must be an object`, 'invalid_type')
  const fields = tool as Fields
  if (fields.type !== 'function') throw responsesUnsupportedError(`${param}.type`, `tools of type ${JSON.stringify(fields.type)}`)
  const nameProblem = toolNameProblem(fields.name)
  if (nameProblem !== undefined) throw responsesParameterError(`${param}.name`, `${param}.name ${nameProblem}`)
  const read: AiTool = { name: fields.name as string }
  if (isSet(fields.description)) read.description = String(fields.description)
  if (isSet(fields.parameters)) {
    const problem = parametersProblem(fields.parameters)
    if (problem !== undefined) throw responsesParameterError(`${param}.parameters`, `${param}.parameters ${problem}`)
    read.parameters = fields.parameters as Record<string, unknown>
  }
  if (isSet(fields.strict)) read.strict = fields.strict === true
  return read
}

function readTools (value: unknown): AiTool[] | undefined {
  if (!isSet(value)) return undefined
  if (!Array.isArray(value)) throw responsesParameterError('tools', 'tools must be an array', 'invalid_type')
  const tools = value.map(readTool)
  const seen = new Set<string>()
  tools.forEach(function checkUnique (tool, index) {
    if (seen.has(tool.name)) throw responsesParameterError(`tools[${index}].name`, `tools[${index}].name ${JSON.stringify(tool.name)} is used by an earlier tool: tool names must be unique`)
    seen.add(tool.name)
  })
  return tools.length === 0 ? undefined : tools
}

const TOOL_CHOICES: Record<string, AiToolChoice> = { auto: 'auto', none: 'none', required: 'required' }

function readToolChoice (value: unknown, tools: AiTool[] | undefined): AiToolChoice | undefined {
  if (!isSet(value)) return undefined
  let choice: AiToolChoice | undefined = typeof value === 'string' ? TOOL_CHOICES[value] : undefined
  if (typeof value === 'object') {
    const fields = value as Fields
    if (fields.type !== 'function') throw responsesUnsupportedError('tool_choice.type', `tool_choice of type ${JSON.stringify(fields.type)}`)
    if (typeof fields.name !== 'string') throw responsesParameterError('tool_choice.name', 'tool_choice.name must be a string', 'invalid_type')
    choice = { name: fields.name }
  }
  if (choice === undefined) throw responsesParameterError('tool_choice', 'tool_choice must be "auto", "none", "required" or {"type": "function", "name"}')
  const names = (tools ?? []).map((tool) => tool.name)
  if (choice === 'required' && names.length === 0) throw responsesParameterError('tool_choice', 'tool_choice "required" needs tools')
  if (typeof choice === 'object' && !names.includes(choice.name)) {
    throw responsesParameterError('tool_choice.name', `tool_choice names ${JSON.stringify(choice.name)}, which is not one of the request's tools (${names.join(', ') || 'none'})`)
  }
  return choice
}

function readTextFormat (value: unknown): AiResponseFormat | undefined {
  if (!isSet(value)) return undefined
  if (typeof value !== 'object') throw responsesParameterError('text', 'text must be an object', 'invalid_type')
  for (const [key, setting] of Object.entries(value as Fields)) {
    if (key === 'verbosity' && (setting === 'medium' || !isSet(setting))) continue
    if (key !== 'format') throw responsesParameterError(`text.${key}`, `text.${key} is not supported by this gateway`, 'unsupported_parameter')
  }
  const format = (value as Fields).format
  if (!isSet(format)) return undefined
  const fields = format as Fields
  if (fields.type === 'text') return undefined
  if (fields.type === 'json_object') return { type: 'json_object' }
  if (fields.type !== 'json_schema') throw responsesParameterError('text.format.type', 'text.format.type must be text, json_object or json_schema')
  const nameProblem = toolNameProblem(fields.name)
  if (nameProblem !== undefined) throw responsesParameterError('text.format.name', `text.format.name ${nameProblem}`)
  const schema = fields.schema
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw responsesParameterError('text.format.schema', 'text.format.schema must be a JSON Schema object')
  const read: AiResponseFormat = { type: 'json_schema', name: fields.name as string, schema: schema as Record<string, unknown> }
  if (typeof fields.description === 'string') read.description = fields.description
  if (isSet(fields.strict)) read.strict = fields.strict === true
  return read
}

function readMetadata (value: unknown): Record<string, string> {
  if (!isSet(value)) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw responsesParameterError('metadata', 'metadata must be an object', 'invalid_type')
  const entries = Object.entries(value as Fields)
  if (entries.length > 16) throw responsesParameterError('metadata', `metadata holds at most 16 keys, got ${entries.length}`)
  for (const [key, entry] of entries) {
    if (key.length > 64) throw responsesParameterError('metadata', `metadata keys are at most 64 characters: ${JSON.stringify(key.slice(0, 80))}`)
    if (typeof entry !== 'string' || entry.length > 512) throw responsesParameterError(`metadata.${key}`, `metadata.${key} must be a string of at most 512 characters`)
  }
  return value as Record<string, string>
}

/**
 * Read a Responses body. Throws AI_BAD_REQUEST (or AI_UNSUPPORTED_FEATURE) errors carrying
 * `param` in the Responses API's terms.
 */
export function fromOpenAiResponsesRequest (body: unknown): OpenAiResponsesInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw responsesParameterError('body', 'The request body must be a JSON object', 'invalid_type')
  const fields = body as Fields
  checkOtherParameters(fields)
  if (typeof fields.model !== 'string' || fields.model === '') {
    throw responsesParameterError('model', 'model must be a non-empty string', isSet(fields.model) ? 'invalid_type' : 'missing_required_parameter')
  }
  for (const name of ['user', 'safety_identifier', 'instructions', 'previous_response_id']) {
    if (isSet(fields[name]) && typeof fields[name] !== 'string') throw responsesParameterError(name, `${name} must be a string`, 'invalid_type')
  }
  const tools = readTools(fields.tools)
  const read: OpenAiResponsesInput = {
    model: fields.model,
    messages: fromOpenAiResponsesInput(fields.input),
    store: readBoolean(fields, 'store') ?? true,
    stream: readBoolean(fields, 'stream') ?? false,
    metadata: readMetadata(fields.metadata)
  }
  const toolChoice = readToolChoice(fields.tool_choice, tools)
  const parallelToolCalls = readBoolean(fields, 'parallel_tool_calls')
  const responseFormat = readTextFormat(fields.text)
  const maxTokens = fields.max_output_tokens
  if (isSet(maxTokens) && (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    throw responsesParameterError('max_output_tokens', 'max_output_tokens must be a positive integer', typeof maxTokens === 'number' ? 'invalid_value' : 'invalid_type')
  }
  if (typeof fields.instructions === 'string' && fields.instructions !== '') read.instructions = fields.instructions
  if (typeof fields.previous_response_id === 'string') read.previousResponseId = fields.previous_response_id
  if (tools !== undefined) read.tools = tools
  if (toolChoice !== undefined) read.toolChoice = toolChoice
  if (tools !== undefined && parallelToolCalls !== undefined) read.parallelToolCalls = parallelToolCalls
  if (responseFormat !== undefined) read.responseFormat = responseFormat
  if (typeof maxTokens === 'number') read.maxTokens = maxTokens
  const temperature = readNumber(fields, 'temperature', 0, 2)
  if (temperature !== undefined) read.temperature = temperature
  const topP = readNumber(fields, 'top_p', 0, 1)
  if (topP !== undefined) read.topP = topP
  return read
}
