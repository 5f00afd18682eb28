// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// OpenAI chat `tools`, `tool_choice` and `response_format` -> the conversation's tools, tool
// choice and response format. Each value is checked with the conversation's own single-value
// checks, and a problem is named in OpenAI's terms (`tools[1].function.parameters`).

import type { AiResponseFormat } from '../../conversation/response-format.ts'
import type { AiTool, AiToolChoice } from '../../conversation/tools.ts'
import { parametersProblem, toolChoiceProblem, toolNameProblem } from '../../conversation/validate.ts'
import { openAiChatParameterError } from './openai-chat-request-error.ts'

// The fields of a function tool's `function` the gateway carries (anything else is refused).
const FUNCTION_FIELDS = new Set(['name', 'description', 'parameters', 'strict'])

// The string values of `tool_choice`, as the conversation says them.
const TOOL_CHOICES: Record<string, AiToolChoice> = { auto: 'auto', none: 'none', required: 'required' }

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isSet (value: unknown): boolean {
  return value !== undefined && value !== null
}

function readObject (value: unknown, param: string): Record<string, unknown> {
  if (!isRecord(value)) throw openAiChatParameterError(param, `${param} must be an object`, isSet(value) ? 'invalid_type' : 'missing_required_parameter')
  return value
}

function readOptionalString (value: unknown, param: string): string | undefined {
  if (!isSet(value)) return undefined
  if (typeof value !== 'string') throw openAiChatParameterError(param, `${param} must be a string`, 'invalid_type')
  return value
}

function readOptionalBoolean (value: unknown, param: string): boolean | undefined {
  if (!isSet(value)) return undefined
  if (typeof value !== 'boolean') throw openAiChatParameterError(param, `${param} must be a boolean`, 'invalid_type')
  return value
}

function readTool (tool: unknown, index: number, seen: Set<string>): AiTool {
  const param = `tools[${index}]`
  const fields = readObject(tool, param)
  if (fields.type !== 'function') {
    throw openAiChatParameterError(`${param}.type`, `${param}.type ${JSON.stringify(fields.type)} is not supported: only "function" tools are`, 'unsupported_value')
  }
  const fn = readObject(fields.function, `${param}.function`)
  for (const [key, value] of Object.entries(fn)) {
    if (isSet(value) && !FUNCTION_FIELDS.has(key)) throw openAiChatParameterError(`${param}.function.${key}`, `${param}.function.${key} is not supported by this gateway`, 'unsupported_parameter')
  }
  const nameProblem = toolNameProblem(fn.name)
  if (nameProblem !== undefined) throw openAiChatParameterError(`${param}.function.name`, `${param}.function.name ${nameProblem}`)
  const name = fn.name as string
  if (seen.has(name)) throw openAiChatParameterError(`${param}.function.name`, `${param}.function.name ${JSON.stringify(name)} is used by an earlier tool: tool names must be unique`)
  seen.add(name)
  const result: AiTool = { name }
  const description = readOptionalString(fn.description, `${param}.function.description`)
  if (description !== undefined) result.description = description
  if (isSet(fn.parameters)) {
    const problem = parametersProblem(fn.parameters)
    if (problem !== undefined) throw openAiChatParameterError(`${param}.function.parameters`, `${param}.function.parameters ${problem}`)
    result.parameters = fn.parameters as Record<string, unknown>
  }
  const strict = readOptionalBoolean(fn.strict, `${param}.function.strict`)
  if (strict !== undefined) result.strict = strict
  return result
}

/** `tools` as the conversation's tools; undefined for none (absent, null or `[]`). */
export function fromOpenAiChatTools (tools: unknown): AiTool[] | undefined {
  if (!isSet(tools)) return undefined
  if (!Array.isArray(tools)) throw openAiChatParameterError('tools', 'tools must be an array', 'invalid_type')
  if (tools.length === 0) return undefined
  const seen = new Set<string>()
  return tools.map(function readEach (tool: unknown, index) { return readTool(tool, index, seen) })
}

/**
 * `tool_choice` as the conversation's, checked against the tools. Without tools, `auto` and
 * `none` change nothing and are dropped (providers refuse a tool choice without tools).
 */
export function fromOpenAiChatToolChoice (choice: unknown, tools: readonly AiTool[] | undefined): AiToolChoice | undefined {
  if (!isSet(choice)) return undefined
  let result: AiToolChoice | undefined
  let param = 'tool_choice'
  if (typeof choice === 'string') {
    result = TOOL_CHOICES[choice]
    if (result === undefined) throw openAiChatParameterError('tool_choice', `tool_choice must be one of ${Object.keys(TOOL_CHOICES).join(', ')} or {"type": "function", "function": {"name": …}}`)
  } else {
    const fields = readObject(choice, 'tool_choice')
    if (fields.type !== 'function') {
      throw openAiChatParameterError('tool_choice.type', `tool_choice.type ${JSON.stringify(fields.type)} is not supported: only "function" is`, 'unsupported_value')
    }
    const fn = readObject(fields.function, 'tool_choice.function')
    if (typeof fn.name !== 'string') throw openAiChatParameterError('tool_choice.function.name', 'tool_choice.function.name must be a string', 'invalid_type')
    result = { name: fn.name }
    param = 'tool_choice.function.name'
  }
  if (tools === undefined && (result === 'auto' || result === 'none')) return undefined
  const problem = toolChoiceProblem(result, tools)
  if (problem !== undefined) throw openAiChatParameterError(param, problem.message.replace(/^toolChoice/, 'tool_choice'))
  return result
}

function readJsonSchemaFormat (format: Record<string, unknown>): AiResponseFormat {
  const spec = readObject(format.json_schema, 'response_format.json_schema')
  const nameProblem = toolNameProblem(spec.name)
  if (nameProblem !== undefined) throw openAiChatParameterError('response_format.json_schema.name', `response_format.json_schema.name ${nameProblem}`)
  if (!isRecord(spec.schema)) {
    throw openAiChatParameterError('response_format.json_schema.schema', 'response_format.json_schema.schema must be a JSON Schema object', isSet(spec.schema) ? 'invalid_type' : 'missing_required_parameter')
  }
  const result: AiResponseFormat = { type: 'json_schema', name: spec.name as string, schema: spec.schema }
  const description = readOptionalString(spec.description, 'response_format.json_schema.description')
  if (description !== undefined) result.description = description
  const strict = readOptionalBoolean(spec.strict, 'response_format.json_schema.strict')
  if (strict !== undefined) result.strict = strict
  return result
}

// Each `response_format.type` and how to read it.
const RESPONSE_FORMATS: Record<string, (format: Record<string, unknown>) => AiResponseFormat | undefined> = {
  // Text is the default: nothing to ask of a provider.
  text: function textFormat () { return undefined },
  json_object: function jsonObjectFormat () { return { type: 'json_object' } },
  json_schema: readJsonSchemaFormat
}

/** `response_format` as the conversation's; undefined for text (the default). */
export function fromOpenAiChatResponseFormat (format: unknown): AiResponseFormat | undefined {
  if (!isSet(format)) return undefined
  const fields = readObject(format, 'response_format')
  // `{}` is what some clients send for "no preference".
  if (Object.keys(fields).length === 0) return undefined
  const reader = typeof fields.type === 'string' ? RESPONSE_FORMATS[fields.type] : undefined
  if (reader === undefined) {
    throw openAiChatParameterError('response_format.type', `response_format.type must be one of ${Object.keys(RESPONSE_FORMATS).join(', ')}, got ${JSON.stringify(fields.type)}`, 'unsupported_value')
  }
  return reader(fields)
}
