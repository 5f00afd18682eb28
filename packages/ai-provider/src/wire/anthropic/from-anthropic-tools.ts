// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// Anthropic `tools` and `tool_choice` -> the conversation's tools, tool choice and parallel
// tool calls. Client tools (no `type`, or `custom`) are read; Anthropic's server and built-in
// tools (`web_search_…`, `bash_…`, `text_editor_…`) run inside Anthropic's API and no other
// provider has them: they are refused by type.

import type { AiTool, AiToolChoice } from '../../conversation/tools.ts'
import { parametersProblem, toolNameProblem } from '../../conversation/validate.ts'
import { anthropicRequestError } from './anthropic-request-error.ts'
import { cacheControlData, isRecord, isSet } from './from-anthropic-messages.ts'

/** The tools part of a request, in the conversation's terms. */
export interface AnthropicToolOptions {
  tools?: AiTool[]
  toolChoice?: AiToolChoice
  /** `false` from `tool_choice.disable_parallel_tool_use: true`. */
  parallelToolCalls?: boolean
}

// Fields of a client tool; `type` is `custom` or absent.
const TOOL_FIELDS = new Set(['type', 'name', 'description', 'input_schema', 'cache_control'])

function readTool (tool: unknown, index: number, seen: Set<string>): AiTool {
  const path = `tools.${index}`
  if (!isRecord(tool)) throw anthropicRequestError(path, 'Input should be a tool object')
  if (isSet(tool.type) && tool.type !== 'custom') {
    throw anthropicRequestError(`${path}.type`, `tools of type ${JSON.stringify(tool.type)} (Anthropic's server and built-in tools) are not supported by this gateway: define client tools with name, description and input_schema`)
  }
  for (const [key, value] of Object.entries(tool)) {
    if (isSet(value) && !TOOL_FIELDS.has(key)) throw anthropicRequestError(`${path}.${key}`, 'is not supported by this gateway')
  }
  const nameProblem = toolNameProblem(tool.name)
  if (nameProblem !== undefined) throw anthropicRequestError(`${path}.name`, nameProblem)
  const name = tool.name as string
  if (seen.has(name)) throw anthropicRequestError(`${path}.name`, `tool names must be unique: ${JSON.stringify(name)} is used by an earlier tool`)
  seen.add(name)
  const schemaProblem = parametersProblem(tool.input_schema)
  if (schemaProblem !== undefined) throw anthropicRequestError(`${path}.input_schema`, schemaProblem)
  const result: AiTool = { name, parameters: tool.input_schema as Record<string, unknown> }
  if (isSet(tool.description)) {
    if (typeof tool.description !== 'string') throw anthropicRequestError(`${path}.description`, 'Input should be a valid string')
    result.description = tool.description
  }
  const providerData = cacheControlData(tool, path)
  if (providerData !== undefined) result.providerData = providerData
  return result
}

// `tool_choice.type` -> the conversation's choice (`tool` names one; see readToolChoice).
const TOOL_CHOICES: Record<string, AiToolChoice | undefined> = {
  auto: 'auto',
  any: 'required',
  none: 'none',
  tool: undefined
}

function readToolChoice (choice: unknown, tools: AiTool[] | undefined): { toolChoice?: AiToolChoice, parallelToolCalls?: boolean } {
  if (!isSet(choice)) return {}
  if (!isRecord(choice) || typeof choice.type !== 'string' || !(choice.type in TOOL_CHOICES)) {
    throw anthropicRequestError('tool_choice.type', `Input should be one of ${Object.keys(TOOL_CHOICES).join(', ')}`)
  }
  let toolChoice = TOOL_CHOICES[choice.type]
  if (choice.type === 'tool') {
    const name = choice.name
    if (typeof name !== 'string' || !(tools ?? []).some((tool) => tool.name === name)) {
      throw anthropicRequestError('tool_choice.name', `must name one of the request's tools (${(tools ?? []).map((tool) => tool.name).join(', ') || 'none'}), got ${JSON.stringify(name)}`)
    }
    toolChoice = { name }
  } else if ((choice.type === 'any') && (tools === undefined || tools.length === 0)) {
    throw anthropicRequestError('tool_choice', 'tool_choice "any" needs tools')
  }
  const result: { toolChoice?: AiToolChoice, parallelToolCalls?: boolean } = { toolChoice }
  if (isSet(choice.disable_parallel_tool_use)) {
    if (typeof choice.disable_parallel_tool_use !== 'boolean') throw anthropicRequestError('tool_choice.disable_parallel_tool_use', 'Input should be a valid boolean')
    if (choice.type === 'none') throw anthropicRequestError('tool_choice.disable_parallel_tool_use', 'is not allowed with tool_choice "none"')
    // Without tools there is nothing to call in parallel; providers refuse the field alone.
    if (tools !== undefined && tools.length > 0) result.parallelToolCalls = !choice.disable_parallel_tool_use
  }
  return result
}

/** Read `tools` and `tool_choice`. */
export function fromAnthropicTools (tools: unknown, toolChoice: unknown): AnthropicToolOptions {
  const result: AnthropicToolOptions = {}
  if (isSet(tools)) {
    if (!Array.isArray(tools)) throw anthropicRequestError('tools', 'Input should be a valid list')
    const seen = new Set<string>()
    if (tools.length > 0) result.tools = tools.map((tool: unknown, index) => readTool(tool, index, seen))
  }
  const choice = readToolChoice(toolChoice, result.tools)
  if (choice.toolChoice !== undefined && result.tools !== undefined) result.toolChoice = choice.toolChoice
  if (choice.parallelToolCalls !== undefined) result.parallelToolCalls = choice.parallelToolCalls
  return result
}
