// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The `input` of a Responses request -> the messages it adds to the conversation. A string is one
// user message; items are messages (their parts by a table), `function_call` items (joined to the
// assistant message before them, as one answer's calls) and `function_call_output` items (tool
// messages). Every other item type is refused, naming it. A `call_id` is decoded by the tool-call
// id codec (openai-chat-tool-call-id.ts): the call gets back its own id and the provider data the
// answer put in it (a Gemini thought signature), its output the call's own id.

import type { AiContentPart } from '../../conversation/content.ts'
import type { AiAssistantMessage, AiMessage } from '../../conversation/messages.ts'
import type { AiToolCall } from '../../conversation/tools.ts'
import { dataUrlMediaType, fileMediaTypeProblem, imageUrlProblem } from '../../conversation/validate.ts'
import { decodeToolCallId } from '../openai-chat/openai-chat-tool-call-id.ts'
import { responsesParameterError, responsesUnsupportedError } from './openai-responses-request-error.ts'

type Record_ = Record<string, unknown>

function isRecord (value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readString (value: unknown, param: string): string {
  if (typeof value !== 'string') throw responsesParameterError(param, `${param} must be a string`, 'invalid_type')
  return value
}

function imagePart (part: Record_, param: string): AiContentPart {
  if (part.file_id !== undefined && part.file_id !== null) throw responsesUnsupportedError(`${param}.file_id`, 'images by file_id (send image_url)')
  const url = part.image_url
  const problem = imageUrlProblem(url)
  if (problem !== undefined) throw responsesParameterError(`${param}.image_url`, `${param}.image_url ${problem}`)
  const image: AiContentPart = { type: 'image', url: url as string }
  const detail = part.detail
  if (detail === 'auto' || detail === 'low' || detail === 'high') image.detail = detail
  else if (detail !== undefined && detail !== null) throw responsesParameterError(`${param}.detail`, `${param}.detail must be auto, low or high`)
  return image
}

function filePart (part: Record_, param: string): AiContentPart {
  for (const name of ['file_id', 'file_url']) {
    if (part[name] !== undefined && part[name] !== null) throw responsesUnsupportedError(`${param}.${name}`, `files by ${name} (send file_data)`)
  }
  const data = part.file_data
  const match = typeof data === 'string' ? /^data:([^;,]+);base64,(.+)$/s.exec(data) : null
  if (match === null) throw responsesParameterError(`${param}.file_data`, `${param}.file_data must be a base64 data: URL (data:<media type>;base64,…)`)
  const mediaType = dataUrlMediaType(data as string) as string
  const problem = fileMediaTypeProblem(mediaType)
  if (problem !== undefined) throw responsesParameterError(`${param}.file_data`, `${param}.file_data ${problem}`)
  const file: AiContentPart = { type: 'file', data: match[2], mediaType }
  if (typeof part.filename === 'string') file.filename = part.filename
  return file
}

// The part types a user message (or a tool's output) may hold, by type.
const USER_PARTS: Record<string, (part: Record_, param: string) => AiContentPart> = {
  input_text: function textPart (part, param) { return { type: 'text', text: readString(part.text, `${param}.text`) } },
  input_image: imagePart,
  input_file: filePart
}

function userContent (content: unknown, param: string): string | AiContentPart[] {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) throw responsesParameterError(param, `${param} must be a string or an array of parts`, 'invalid_type')
  return content.map(function readPart (part: unknown, index) {
    const at = `${param}[${index}]`
    if (!isRecord(part)) throw responsesParameterError(at, `${at} must be an object`, 'invalid_type')
    const read = USER_PARTS[part.type as string]
    if (read === undefined) throw responsesParameterError(`${at}.type`, `${at}.type must be input_text, input_image or input_file, got ${JSON.stringify(part.type)}`)
    return read(part, at)
  })
}

/** The text of a system, developer or assistant message: a string, or text parts joined. */
function textContent (content: unknown, param: string, partType: string): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) throw responsesParameterError(param, `${param} must be a string or an array of parts`, 'invalid_type')
  return content.map(function readText (part: unknown, index) {
    const at = `${param}[${index}]`
    if (!isRecord(part) || (part.type !== partType && part.type !== 'input_text')) {
      throw responsesParameterError(`${at}.type`, `${at} must be a part of type ${partType}`)
    }
    return readString(part.text, `${at}.text`)
  }).join('\n')
}

// Input roles -> how a message of that role is read.
const ROLES: Record<string, (content: unknown, param: string) => AiMessage> = {
  user: function user (content, param) { return { role: 'user', content: userContent(content, param) } },
  system: function system (content, param) { return { role: 'system', content: textContent(content, param, 'input_text') } },
  developer: function developer (content, param) { return { role: 'system', content: textContent(content, param, 'input_text') } },
  assistant: function assistant (content, param) { return { role: 'assistant', content: textContent(content, param, 'output_text') } }
}

function readCallId (item: Record_, param: string): string {
  const id = item.call_id
  if (typeof id !== 'string' || id === '') throw responsesParameterError(`${param}.call_id`, `${param}.call_id must be a non-empty string`, typeof id === 'string' ? 'invalid_value' : 'missing_required_parameter')
  return id
}

function addFunctionCall (messages: AiMessage[], item: Record_, param: string): void {
  const decoded = decodeToolCallId(readCallId(item, param))
  const call: AiToolCall = { id: decoded.id, name: readString(item.name, `${param}.name`), arguments: readString(item.arguments, `${param}.arguments`) }
  if (decoded.providerData !== undefined) call.providerData = decoded.providerData
  const last = messages.at(-1)
  // Calls following an assistant message (or each other) are that answer's calls.
  if (last?.role === 'assistant') {
    (last.toolCalls ??= []).push(call)
    return
  }
  const message: AiAssistantMessage = { role: 'assistant', content: '', toolCalls: [call] }
  messages.push(message)
}

function addItem (messages: AiMessage[], item: unknown, param: string): void {
  if (!isRecord(item)) throw responsesParameterError(param, `${param} must be an object`, 'invalid_type')
  const type = item.type ?? 'message'
  if (type === 'message') {
    const read = ROLES[item.role as string]
    if (read === undefined) throw responsesParameterError(`${param}.role`, `${param}.role must be user, system, developer or assistant, got ${JSON.stringify(item.role)}`)
    messages.push(read(item.content, `${param}.content`))
  } else if (type === 'function_call') {
    addFunctionCall(messages, item, param)
  } else if (type === 'function_call_output') {
    const output = item.output
    const content = typeof output === 'string' ? output : userContent(output, `${param}.output`)
    messages.push({ role: 'tool', toolCallId: decodeToolCallId(readCallId(item, param)).id, content })
  } else {
    throw responsesUnsupportedError(`${param}.type`, `input items of type ${JSON.stringify(type)}`)
  }
}

/** Read `input` into the messages it adds (throws 400s naming `input[…]`). */
export function fromOpenAiResponsesInput (input: unknown): AiMessage[] {
  if (typeof input === 'string') {
    if (input === '') throw responsesParameterError('input', 'input must not be empty')
    return [{ role: 'user', content: input }]
  }
  if (!Array.isArray(input) || input.length === 0) {
    throw responsesParameterError('input', 'input must be a non-empty string or a non-empty array of items', input === undefined || input === null ? 'missing_required_parameter' : 'invalid_type')
  }
  const messages: AiMessage[] = []
  input.forEach(function readItem (item: unknown, index) { addItem(messages, item, `input[${index}]`) })
  return messages
}
