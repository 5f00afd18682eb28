// Layer conversation/ (the conversation model: types and pure functions over them). Imports
// nothing but its own folder.
//
// The checks every route's request goes through once it is in the conversation model. Each
// returns the problem (the field at fault, in the model's terms, and why) or undefined; the
// caller turns it into its own error shape. Routes reuse the single-value checks to name
// fields in their own wire's terms.

import type { AiContentPart } from './content.ts'
import type { AiMessage } from './messages.ts'
import type { AiResponseFormat } from './response-format.ts'
import type { AiTool, AiToolChoice } from './tools.ts'

/** What is wrong with a request, and where. */
export interface ConversationProblem {
  /** The field at fault, e.g. `tools[1].name` or `messages[2].content[0].url`. */
  field: string
  message: string
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/

/** Image media types every vision provider takes. */
export const IMAGE_MEDIA_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])

/** File media types accepted as `file` parts (whether a model reads them is its `files` capability). */
export const FILE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/pdf', 'text/plain', 'text/markdown', 'text/csv', 'text/html', 'application/json'
])

/** Why `name` is not a valid tool (or schema) name, or undefined. */
export function toolNameProblem (name: unknown): string | undefined {
  if (typeof name !== 'string') return 'must be a string'
  if (!TOOL_NAME.test(name)) return `must match ^[a-zA-Z0-9_-]{1,64}$, got ${JSON.stringify(name.slice(0, 80))}`
  return undefined
}

/** Why `schema` is not an object schema (what tool parameters must be), or undefined. */
export function parametersProblem (schema: unknown): string | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return 'must be a JSON Schema object'
  const type = (schema as { type?: unknown }).type
  if (type !== 'object') return `must be a JSON Schema of type "object", got type ${JSON.stringify(type ?? null)}`
  return undefined
}

/** The media type of a `data:` URL, undefined when it is not one. */
export function dataUrlMediaType (url: string): string | undefined {
  const match = /^data:([^;,]+)[;,]/i.exec(url)
  return match === null ? undefined : match[1].toLowerCase()
}

/** Why an image URL cannot be sent (only `https:` and base64 `data:` URLs of an image type), or undefined. */
export function imageUrlProblem (url: unknown): string | undefined {
  if (typeof url !== 'string' || url === '') return 'must be a non-empty string'
  if (/^https:\/\//i.test(url)) return undefined
  if (!/^data:/i.test(url)) return 'must be an https: or data: URL'
  if (!/^data:[^;,]+;base64,/i.test(url)) return 'must be a base64 data: URL (data:<media type>;base64,…)'
  const mediaType = dataUrlMediaType(url) as string
  if (!IMAGE_MEDIA_TYPES.has(mediaType)) return `has media type ${mediaType}; supported: ${[...IMAGE_MEDIA_TYPES].join(', ')}`
  return undefined
}

/** Why a file's media type is not accepted, or undefined. */
export function fileMediaTypeProblem (mediaType: unknown): string | undefined {
  if (typeof mediaType !== 'string' || !FILE_MEDIA_TYPES.has(mediaType.toLowerCase())) {
    return `must be one of ${[...FILE_MEDIA_TYPES].join(', ')}, got ${JSON.stringify(mediaType)}`
  }
  return undefined
}

function partProblem (part: AiContentPart, field: string): ConversationProblem | undefined {
  if (part.type === 'image') {
    const problem = imageUrlProblem(part.url)
    if (problem !== undefined) return { field: `${field}.url`, message: `${field}.url ${problem}` }
    if (part.mediaType !== undefined && !IMAGE_MEDIA_TYPES.has(part.mediaType)) {
      return { field: `${field}.mediaType`, message: `${field}.mediaType must be one of ${[...IMAGE_MEDIA_TYPES].join(', ')}` }
    }
  } else if (part.type === 'file') {
    const problem = fileMediaTypeProblem(part.mediaType)
    if (problem !== undefined) return { field: `${field}.mediaType`, message: `${field}.mediaType ${problem}` }
  }
  return undefined
}

/** The tools, one by one: names, uniqueness, parameter schemas. */
export function toolsProblem (tools: readonly AiTool[]): ConversationProblem | undefined {
  const seen = new Set<string>()
  for (let index = 0; index < tools.length; index++) {
    const tool = tools[index]
    const field = `tools[${index}]`
    const nameProblem = toolNameProblem(tool.name)
    if (nameProblem !== undefined) return { field: `${field}.name`, message: `${field}.name ${nameProblem}` }
    if (seen.has(tool.name)) return { field: `${field}.name`, message: `${field}.name ${JSON.stringify(tool.name)} is used by an earlier tool: tool names must be unique` }
    seen.add(tool.name)
    if (tool.parameters !== undefined) {
      const problem = parametersProblem(tool.parameters)
      if (problem !== undefined) return { field: `${field}.parameters`, message: `${field}.parameters ${problem}` }
    }
  }
  return undefined
}

/** A tool choice that names a tool the request does not define, or asks for a call without tools. */
export function toolChoiceProblem (choice: AiToolChoice | undefined, tools: readonly AiTool[] | undefined): ConversationProblem | undefined {
  if (choice === undefined || choice === 'auto' || choice === 'none') return undefined
  const names = (tools ?? []).map(function nameOf (tool) { return tool.name })
  if (choice === 'required') {
    return names.length === 0 ? { field: 'toolChoice', message: 'toolChoice "required" needs tools' } : undefined
  }
  if (!names.includes(choice.name)) {
    return { field: 'toolChoice', message: `toolChoice names ${JSON.stringify(choice.name)}, which is not one of the request's tools (${names.join(', ') || 'none'})` }
  }
  return undefined
}

/** A JSON-schema response format without a valid name or schema. */
export function responseFormatProblem (format: AiResponseFormat | undefined): ConversationProblem | undefined {
  if (format?.type !== 'json_schema') return undefined
  const nameProblem = toolNameProblem(format.name)
  if (nameProblem !== undefined) return { field: 'responseFormat.name', message: `responseFormat.name ${nameProblem}` }
  if (format.schema === null || typeof format.schema !== 'object' || Array.isArray(format.schema)) {
    return { field: 'responseFormat.schema', message: 'responseFormat.schema must be a JSON Schema object' }
  }
  return undefined
}

/**
 * The messages: parts' URLs and media types, and, given the calls of the stored history before
 * them (`known`), every tool message answering a call made earlier in the conversation.
 */
export function messagesProblem (messages: readonly AiMessage[], known?: ReadonlySet<string>, prefix = 'messages'): ConversationProblem | undefined {
  const calls = known === undefined ? undefined : new Set(known)
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]
    const field = `${prefix}[${index}]`
    if (message.role === 'assistant') {
      for (const call of message.toolCalls ?? []) calls?.add(call.id)
    } else if (message.role === 'tool' && calls !== undefined && !calls.has(message.toolCallId)) {
      return { field: `${field}.toolCallId`, message: `${field}.toolCallId ${JSON.stringify(message.toolCallId)} matches no tool call of the conversation` }
    }
    if (typeof message.content === 'string' || message.role === 'system' || message.role === 'assistant') continue
    for (let partIndex = 0; partIndex < message.content.length; partIndex++) {
      const problem = partProblem(message.content[partIndex], `${field}.content[${partIndex}]`)
      if (problem !== undefined) return problem
    }
  }
  return undefined
}

/** The ids of the tool calls in `messages`. */
export function toolCallIds (messages: readonly AiMessage[]): Set<string> {
  const ids = new Set<string>()
  for (const message of messages) {
    if (message.role !== 'assistant') continue
    for (const call of message.toolCalls ?? []) ids.add(call.id)
  }
  return ids
}
