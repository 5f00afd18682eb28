// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// OpenAI chat `messages` -> conversation messages, one for one (so `messages[i]` of the request
// is `messages[i]` of the conversation, and a field the core names maps back by index). Content
// parts are read by a table; every part, field or role the gateway cannot carry is a 400 naming it.

import type { AiContentPart, AiFilePart, AiImagePart } from '../../conversation/content.ts'
import type { AiAssistantMessage, AiMessage } from '../../conversation/messages.ts'
import type { AiToolCall } from '../../conversation/tools.ts'
import { dataUrlMediaType, fileMediaTypeProblem, imageUrlProblem, toolNameProblem } from '../../conversation/validate.ts'
import { decodeToolCallId } from './openai-chat-tool-call-id.ts'
import { openAiChatParameterError } from './openai-chat-request-error.ts'

type Role = AiMessage['role']

// OpenAI's roles in the conversation's; `developer` is what OpenAI's newer models call `system`.
const ROLES: Record<string, Role> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool'
}

// Roles OpenAI still defines that this route refuses, and why.
const REFUSED_ROLES: Record<string, string> = {
  function: 'messages with role "function" (deprecated by OpenAI) are not supported: send tool_calls and role "tool" messages'
}

// The fields each role may carry; any other field, when not null, is refused by name.
const ROLE_FIELDS: Record<Role, ReadonlySet<string>> = {
  system: new Set(['role', 'content']),
  user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'refusal', 'tool_calls']),
  tool: new Set(['role', 'content', 'tool_call_id'])
}

// The part types each role may carry, as OpenAI defines them.
const ROLE_PARTS: Record<Role, ReadonlySet<string>> = {
  system: new Set(['text']),
  user: new Set(['text', 'image_url', 'file', 'input_audio']),
  assistant: new Set(['text', 'refusal']),
  tool: new Set(['text'])
}

const IMAGE_DETAILS: Record<string, NonNullable<AiImagePart['detail']>> = { auto: 'auto', low: 'low', high: 'high' }

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isSet (value: unknown): boolean {
  return value !== undefined && value !== null
}

function readString (value: unknown, param: string): string {
  if (typeof value !== 'string') throw openAiChatParameterError(param, `${param} must be a string`, 'invalid_type')
  return value
}

function readObject (value: unknown, param: string): Record<string, unknown> {
  if (!isRecord(value)) throw openAiChatParameterError(param, `${param} must be an object`, isSet(value) ? 'invalid_type' : 'missing_required_parameter')
  return value
}

function readImagePart (part: Record<string, unknown>, param: string): AiImagePart {
  const image = readObject(part.image_url, `${param}.image_url`)
  const problem = imageUrlProblem(image.url)
  if (problem !== undefined) throw openAiChatParameterError(`${param}.image_url.url`, `${param}.image_url.url ${problem}`)
  const url = image.url as string
  const result: AiImagePart = { type: 'image', url }
  const mediaType = dataUrlMediaType(url)
  if (mediaType !== undefined) result.mediaType = mediaType
  if (isSet(image.detail)) {
    const detail = typeof image.detail === 'string' ? IMAGE_DETAILS[image.detail] : undefined
    if (detail === undefined) throw openAiChatParameterError(`${param}.image_url.detail`, `${param}.image_url.detail must be one of ${Object.keys(IMAGE_DETAILS).join(', ')}`)
    result.detail = detail
  }
  return result
}

function readFilePart (part: Record<string, unknown>, param: string): AiFilePart {
  const file = readObject(part.file, `${param}.file`)
  if (isSet(file.file_id)) {
    throw openAiChatParameterError(`${param}.file.file_id`, `${param}.file.file_id is not supported by this gateway (files uploaded to OpenAI are not reachable by other providers): send the file inline as file_data`, 'unsupported_parameter')
  }
  const fileData = readString(file.file_data, `${param}.file.file_data`)
  const match = /^data:([^;,]+);base64,(.+)$/is.exec(fileData)
  if (match === null) throw openAiChatParameterError(`${param}.file.file_data`, `${param}.file.file_data must be a base64 data: URL (data:<media type>;base64,…)`)
  const mediaType = match[1].toLowerCase()
  const problem = fileMediaTypeProblem(mediaType)
  if (problem !== undefined) throw openAiChatParameterError(`${param}.file.file_data`, `${param}.file.file_data's media type ${problem}`)
  const result: AiFilePart = { type: 'file', data: match[2], mediaType }
  if (isSet(file.filename)) result.filename = readString(file.filename, `${param}.file.filename`)
  return result
}

// A part's reader by its `type`; refused types have no reader and a reason.
const PART_READERS: Record<string, (part: Record<string, unknown>, param: string) => AiContentPart> = {
  text: function readTextPart (part, param) { return { type: 'text', text: readString(part.text, `${param}.text`) } },
  // An assistant's earlier refusal is part of the conversation like any other text.
  refusal: function readRefusalPart (part, param) { return { type: 'text', text: readString(part.refusal, `${param}.refusal`) } },
  image_url: readImagePart,
  file: readFilePart
}

const REFUSED_PARTS: Record<string, string> = {
  input_audio: 'audio input is not supported by this gateway'
}

function readParts (content: unknown[], param: string, role: Role): AiContentPart[] {
  return content.map(function readPart (part: unknown, index) {
    const partParam = `${param}[${index}]`
    if (!isRecord(part)) throw openAiChatParameterError(partParam, `${partParam} must be a content part object`, 'invalid_type')
    const type = typeof part.type === 'string' ? part.type : ''
    const refused = REFUSED_PARTS[type]
    if (refused !== undefined) throw openAiChatParameterError(`${partParam}.type`, `${partParam}: ${refused}`, 'unsupported_content_type')
    if (!ROLE_PARTS[role].has(type)) {
      throw openAiChatParameterError(`${partParam}.type`, `${partParam}.type ${JSON.stringify(part.type)} is not a content part a ${role} message can carry (${[...ROLE_PARTS[role]].join(', ')})`, 'unsupported_content_type')
    }
    return PART_READERS[type](part, partParam)
  })
}

function joinedText (parts: AiContentPart[]): string {
  return parts.map(function textOf (part) { return part.type === 'text' ? part.text : '' }).join('\n')
}

function readContent (content: unknown, param: string, role: Role): string | AiContentPart[] {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) throw openAiChatParameterError(param, `${param} must be a string or an array of content parts`, isSet(content) ? 'invalid_type' : 'missing_required_parameter')
  const parts = readParts(content, param, role)
  // Only a user message keeps parts, and only when one is more than text: text alone is a string,
  // which every provider takes (text-only servers included).
  const textOnly = parts.every(function isText (part) { return part.type === 'text' })
  return role === 'user' && !textOnly ? parts : joinedText(parts)
}

function readToolCalls (calls: unknown, param: string): AiToolCall[] {
  if (!Array.isArray(calls)) throw openAiChatParameterError(param, `${param} must be an array`, 'invalid_type')
  return calls.map(function readToolCall (call: unknown, index): AiToolCall {
    const at = `${param}[${index}]`
    const fields = readObject(call, at)
    if (fields.type !== 'function') {
      throw openAiChatParameterError(`${at}.type`, `${at}.type ${JSON.stringify(fields.type)} is not supported: only "function" tool calls are`, 'unsupported_value')
    }
    const id = readString(fields.id, `${at}.id`)
    if (id === '') throw openAiChatParameterError(`${at}.id`, `${at}.id must not be empty`)
    const fn = readObject(fields.function, `${at}.function`)
    const nameProblem = toolNameProblem(fn.name)
    if (nameProblem !== undefined) throw openAiChatParameterError(`${at}.function.name`, `${at}.function.name ${nameProblem}`)
    const decoded = decodeToolCallId(id)
    const result: AiToolCall = { id: decoded.id, name: fn.name as string, arguments: readString(fn.arguments, `${at}.function.arguments`) }
    if (decoded.providerData !== undefined) result.providerData = decoded.providerData
    return result
  })
}

function readAssistant (message: Record<string, unknown>, param: string): AiAssistantMessage {
  const toolCalls = isSet(message.tool_calls) ? readToolCalls(message.tool_calls, `${param}.tool_calls`) : []
  let content = ''
  if (isSet(message.content)) {
    content = readContent(message.content, `${param}.content`, 'assistant') as string
  } else if (isSet(message.refusal)) {
    content = readString(message.refusal, `${param}.refusal`)
  } else if (toolCalls.length === 0) {
    throw openAiChatParameterError(`${param}.content`, `${param}.content is required unless tool_calls is set`, 'missing_required_parameter')
  }
  const result: AiAssistantMessage = { role: 'assistant', content }
  if (toolCalls.length > 0) result.toolCalls = toolCalls
  return result
}

function readMessage (message: unknown, index: number): AiMessage {
  const param = `messages[${index}]`
  if (!isRecord(message)) throw openAiChatParameterError(param, `${param} must be an object`, 'invalid_type')
  const roleName = typeof message.role === 'string' ? message.role : ''
  const role = ROLES[roleName]
  if (role === undefined) {
    const reason = REFUSED_ROLES[roleName] ?? `${param}.role must be one of ${Object.keys(ROLES).join(', ')}`
    throw openAiChatParameterError(`${param}.role`, reason, 'unsupported_value')
  }
  for (const [key, value] of Object.entries(message)) {
    if (!isSet(value) || ROLE_FIELDS[role].has(key)) continue
    throw openAiChatParameterError(`${param}.${key}`, `${param}.${key} is not supported by this gateway on a ${roleName} message`, 'unsupported_parameter')
  }
  if (role === 'assistant') return readAssistant(message, param)
  const content = readContent(message.content, `${param}.content`, role)
  if (role === 'user') return { role, content }
  if (role === 'system') return { role, content: content as string }
  const toolCallId = readString(message.tool_call_id, `${param}.tool_call_id`)
  if (toolCallId === '') throw openAiChatParameterError(`${param}.tool_call_id`, `${param}.tool_call_id must not be empty`)
  return { role, toolCallId: decodeToolCallId(toolCallId).id, content }
}

function isBlank (message: AiMessage): boolean {
  if (typeof message.content === 'string') return message.content.trim() === ''
  return message.content.every(function blankPart (part) { return part.type === 'text' && part.text.trim() === '' })
}

/**
 * OpenAI `messages` as conversation messages, one for one. The conversation must end with a user
 * or tool message (the gateway answers it; it cannot continue an assistant's partial answer), and
 * a final user message must say something.
 */
export function fromOpenAiChatMessages (messages: unknown): AiMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw openAiChatParameterError('messages', 'messages must be a non-empty array', isSet(messages) ? 'invalid_type' : 'missing_required_parameter')
  }
  const result = messages.map(readMessage)
  const last = result.findLast(function isDialogue (message) { return message.role !== 'system' })
  if (last === undefined) throw openAiChatParameterError('messages', 'messages must contain at least one user message')
  if (last.role === 'assistant') {
    throw openAiChatParameterError('messages', 'The last message must be a user or tool message: this gateway answers it and cannot continue an assistant message')
  }
  if (last.role === 'user' && isBlank(last)) throw openAiChatParameterError('messages', 'The last user message must not be empty')
  return result
}
