// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// Anthropic `system` and `messages` -> conversation messages. Content blocks are read by a table,
// one per role; a block the gateway cannot carry is a 400 naming it. A user message's
// `tool_result` blocks become tool messages (Anthropic puts them first in the message; the rest of
// its content follows as a user message); an assistant's `thinking` and `redacted_thinking`
// blocks become its reasoning, `tool_use` blocks its tool calls. `cache_control` travels as
// `providerData.anthropic.cacheControl`, which only the Anthropic provider writes out.

import type { AiContentPart, AiImagePart } from '../../conversation/content.ts'
import type { AiAssistantMessage, AiMessage, AiReasoning, AiSystemMessage, AiToolMessage } from '../../conversation/messages.ts'
import type { AiProviderData, AiToolCall } from '../../conversation/tools.ts'
import { FILE_MEDIA_TYPES, IMAGE_MEDIA_TYPES, imageUrlProblem, toolNameProblem } from '../../conversation/validate.ts'
import { anthropicRequestError } from './anthropic-request-error.ts'
import { decodeToolUseId } from './anthropic-tool-use-id.ts'

type Block = Record<string, unknown>

/** What one message's blocks add up to, before they become conversation messages. */
interface MessageParts {
  parts: AiContentPart[]
  text: string
  toolCalls: AiToolCall[]
  toolResults: AiToolMessage[]
  reasoning: AiReasoning[]
}

type BlockReader = (block: Block, path: string, into: MessageParts) => void

/** True for an object that is not an array. */
export function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True unless undefined or null (clients send unset fields as null). */
export function isSet (value: unknown): boolean {
  return value !== undefined && value !== null
}

function readString (value: unknown, path: string): string {
  if (typeof value !== 'string') throw anthropicRequestError(path, isSet(value) ? 'Input should be a valid string' : 'Field required')
  return value
}

/** `providerData` holding a block's `cache_control` (checked: an object with a `type`), or undefined. */
export function cacheControlData (block: Block, path: string): AiProviderData | undefined {
  const cacheControl = block.cache_control
  if (!isSet(cacheControl)) return undefined
  if (!isRecord(cacheControl) || typeof cacheControl.type !== 'string') {
    throw anthropicRequestError(`${path}.cache_control`, 'Input should be an object with a "type" (e.g. {"type": "ephemeral"})')
  }
  return { anthropic: { cacheControl } }
}

function withCacheControl<Part extends { providerData?: AiProviderData }> (part: Part, block: Block, path: string): Part {
  const providerData = cacheControlData(block, path)
  if (providerData !== undefined) part.providerData = providerData
  return part
}

function refuseCitations (block: Block, path: string): void {
  if (isSet(block.citations) && !(Array.isArray(block.citations) && block.citations.length === 0) && block.citations !== false) {
    throw anthropicRequestError(`${path}.citations`, 'citations are not supported by this gateway')
  }
}

function readTextPart (block: Block, path: string): AiContentPart {
  refuseCitations(block, path)
  return withCacheControl<AiContentPart>({ type: 'text', text: readString(block.text, `${path}.text`) }, block, path)
}

function readImagePart (block: Block, path: string): AiContentPart {
  if (!isRecord(block.source)) throw anthropicRequestError(`${path}.source`, 'Field required')
  const source = block.source
  let part: AiImagePart
  if (source.type === 'base64') {
    const mediaType = readString(source.media_type, `${path}.source.media_type`)
    if (!IMAGE_MEDIA_TYPES.has(mediaType)) throw anthropicRequestError(`${path}.source.media_type`, `Input should be one of ${[...IMAGE_MEDIA_TYPES].join(', ')}`)
    const data = readString(source.data, `${path}.source.data`)
    part = { type: 'image', url: `data:${mediaType};base64,${data}`, mediaType }
  } else if (source.type === 'url') {
    const url = readString(source.url, `${path}.source.url`)
    const problem = imageUrlProblem(url)
    if (problem !== undefined) throw anthropicRequestError(`${path}.source.url`, problem)
    part = { type: 'image', url }
  } else {
    throw anthropicRequestError(`${path}.source.type`, `image sources of type ${JSON.stringify(source.type)} are not supported by this gateway (base64 and url are)`)
  }
  return withCacheControl(part, block, path)
}

function readDocumentPart (block: Block, path: string): AiContentPart {
  refuseCitations(block, path)
  if (!isRecord(block.source)) throw anthropicRequestError(`${path}.source`, 'Field required')
  const source = block.source
  // A plain-text document is text to every provider.
  if (source.type === 'text') return withCacheControl<AiContentPart>({ type: 'text', text: readString(source.data, `${path}.source.data`) }, block, path)
  if (source.type !== 'base64') {
    throw anthropicRequestError(`${path}.source.type`, `document sources of type ${JSON.stringify(source.type)} are not supported by this gateway (base64 and text are)`)
  }
  const mediaType = readString(source.media_type, `${path}.source.media_type`)
  if (!FILE_MEDIA_TYPES.has(mediaType)) throw anthropicRequestError(`${path}.source.media_type`, `Input should be one of ${[...FILE_MEDIA_TYPES].join(', ')}`)
  const data = readString(source.data, `${path}.source.data`)
  if (data === '') throw anthropicRequestError(`${path}.source.data`, 'must not be empty')
  const part: AiContentPart = { type: 'file', data, mediaType }
  if (isSet(block.title)) part.filename = readString(block.title, `${path}.title`)
  return withCacheControl(part, block, path)
}

// What a tool result's content may hold.
const TOOL_RESULT_PARTS: Record<string, (block: Block, path: string) => AiContentPart> = {
  text: readTextPart,
  image: readImagePart,
  document: readDocumentPart
}

function readToolResultContent (content: unknown, path: string): string | AiContentPart[] {
  if (!isSet(content)) return ''
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) throw anthropicRequestError(path, 'Input should be a valid string or list of content blocks')
  const parts = content.map(function readResultPart (block: unknown, index) {
    const at = `${path}.${index}`
    if (!isRecord(block)) throw anthropicRequestError(at, 'Input should be a content block object')
    const reader = TOOL_RESULT_PARTS[block.type as string]
    if (reader === undefined) throw anthropicRequestError(`${at}.type`, `a tool_result may hold ${Object.keys(TOOL_RESULT_PARTS).join(', ')} blocks, not ${JSON.stringify(block.type)}`)
    return reader(block, at)
  })
  // Plain text stays a string: every provider takes it, and the common case reads simply.
  return parts.every((part) => part.type === 'text' && part.providerData === undefined)
    ? parts.map((part) => (part as { text: string }).text).join('\n')
    : parts
}

function readToolResult (block: Block, path: string, into: MessageParts): void {
  const toolUseId = readString(block.tool_use_id, `${path}.tool_use_id`)
  if (toolUseId === '') throw anthropicRequestError(`${path}.tool_use_id`, 'must not be empty')
  const result: AiToolMessage = { role: 'tool', toolCallId: decodeToolUseId(toolUseId).id, content: readToolResultContent(block.content, `${path}.content`) }
  const anthropic: Record<string, unknown> = {}
  const cacheControl = cacheControlData(block, path)
  if (cacheControl !== undefined) anthropic.cacheControl = cacheControl.anthropic.cacheControl
  if (isSet(block.is_error)) {
    if (typeof block.is_error !== 'boolean') throw anthropicRequestError(`${path}.is_error`, 'Input should be a valid boolean')
    if (block.is_error) anthropic.isError = true
  }
  if (Object.keys(anthropic).length > 0) result.providerData = { anthropic }
  into.toolResults.push(result)
}

function readToolUse (block: Block, path: string, into: MessageParts): void {
  const id = readString(block.id, `${path}.id`)
  if (id === '') throw anthropicRequestError(`${path}.id`, 'must not be empty')
  const nameProblem = toolNameProblem(block.name)
  if (nameProblem !== undefined) throw anthropicRequestError(`${path}.name`, nameProblem)
  if (!isRecord(block.input)) throw anthropicRequestError(`${path}.input`, 'Input should be a valid dictionary')
  const decoded = decodeToolUseId(id)
  const call: AiToolCall = { id: decoded.id, name: block.name as string, arguments: JSON.stringify(block.input) }
  if (decoded.providerData !== undefined) call.providerData = decoded.providerData
  into.toolCalls.push(call)
}

const USER_BLOCKS: Record<string, BlockReader> = {
  text: function userText (block, path, into) { into.parts.push(readTextPart(block, path)) },
  image: function userImage (block, path, into) { into.parts.push(readImagePart(block, path)) },
  document: function userDocument (block, path, into) { into.parts.push(readDocumentPart(block, path)) },
  tool_result: readToolResult
}

const ASSISTANT_BLOCKS: Record<string, BlockReader> = {
  text: function assistantText (block, path, into) {
    refuseCitations(block, path)
    into.text += readString(block.text, `${path}.text`)
  },
  tool_use: readToolUse,
  thinking: function assistantThinking (block, path, into) {
    const signature = readString(block.signature, `${path}.signature`)
    into.reasoning.push({ text: readString(block.thinking, `${path}.thinking`), providerData: { anthropic: { signature } } })
  },
  redacted_thinking: function assistantRedactedThinking (block, path, into) {
    into.reasoning.push({ text: '', providerData: { anthropic: { redactedData: readString(block.data, `${path}.data`) } } })
  }
}

const ROLE_BLOCKS: Record<string, Record<string, BlockReader>> = { user: USER_BLOCKS, assistant: ASSISTANT_BLOCKS }

function readBlocks (content: unknown, path: string, role: string): MessageParts {
  const into: MessageParts = { parts: [], text: '', toolCalls: [], toolResults: [], reasoning: [] }
  const readers = ROLE_BLOCKS[role]
  if (typeof content === 'string') {
    if (role === 'user') into.parts.push({ type: 'text', text: content })
    else into.text = content
    return into
  }
  if (!Array.isArray(content)) throw anthropicRequestError(path, isSet(content) ? 'Input should be a valid string or list of content blocks' : 'Field required')
  content.forEach(function readBlock (block: unknown, index) {
    const at = `${path}.${index}`
    if (!isRecord(block)) throw anthropicRequestError(at, 'Input should be a content block object')
    const reader = typeof block.type === 'string' ? readers[block.type] : undefined
    if (reader === undefined) {
      throw anthropicRequestError(`${at}.type`, `${JSON.stringify(block.type)} blocks are not supported by this gateway in a ${role} message (supported: ${Object.keys(readers).join(', ')})`)
    }
    reader(block, at, into)
  })
  return into
}

function userMessages (into: MessageParts): AiMessage[] {
  const messages: AiMessage[] = [...into.toolResults]
  if (into.parts.length === 0) return messages
  const plain = into.parts.length === 1 && into.parts[0].type === 'text' && into.parts[0].providerData === undefined
  messages.push({ role: 'user', content: plain ? (into.parts[0] as { text: string }).text : into.parts })
  return messages
}

function assistantMessage (into: MessageParts): AiAssistantMessage {
  const message: AiAssistantMessage = { role: 'assistant', content: into.text }
  if (into.toolCalls.length > 0) message.toolCalls = into.toolCalls
  if (into.reasoning.length > 0) message.reasoning = into.reasoning
  return message
}

/** The top-level `system`: a string, or text blocks (one system message each, with its cache_control). */
export function fromAnthropicSystem (system: unknown): AiSystemMessage[] {
  if (!isSet(system)) return []
  if (typeof system === 'string') return system === '' ? [] : [{ role: 'system', content: system }]
  if (!Array.isArray(system)) throw anthropicRequestError('system', 'Input should be a valid string or list of text blocks')
  return system.map(function readSystemBlock (block: unknown, index): AiSystemMessage {
    const path = `system.${index}`
    if (!isRecord(block) || block.type !== 'text') throw anthropicRequestError(`${path}.type`, 'system blocks must be text blocks')
    refuseCitations(block, path)
    return withCacheControl<AiSystemMessage>({ role: 'system', content: readString(block.text, `${path}.text`) }, block, path)
  })
}

/**
 * Anthropic `messages` as conversation messages, in order. The last message must be the user's:
 * the gateway answers it, and cannot continue (prefill) an assistant message on every provider.
 */
export function fromAnthropicMessages (messages: unknown): AiMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw anthropicRequestError('messages', isSet(messages) ? 'Input should be a non-empty list of messages' : 'Field required')
  }
  const result: AiMessage[] = []
  messages.forEach(function readMessage (message: unknown, index) {
    const path = `messages.${index}`
    if (!isRecord(message)) throw anthropicRequestError(path, 'Input should be a message object')
    if (message.role !== 'user' && message.role !== 'assistant') throw anthropicRequestError(`${path}.role`, "Input should be 'user' or 'assistant'")
    for (const key of Object.keys(message)) {
      if (key !== 'role' && key !== 'content') throw anthropicRequestError(`${path}.${key}`, 'Extra inputs are not permitted')
    }
    const into = readBlocks(message.content, `${path}.content`, message.role)
    if (message.role === 'user') result.push(...userMessages(into))
    else result.push(assistantMessage(into))
  })
  if (messages.at(-1).role !== 'user') {
    throw anthropicRequestError(`messages.${messages.length - 1}.role`, 'the last message must be a user message: this gateway answers it and cannot continue (prefill) an assistant message')
  }
  if (result.length === 0 || result.at(-1)?.role === 'assistant') throw anthropicRequestError(`messages.${messages.length - 1}.content`, 'the last user message must not be empty')
  return result
}
