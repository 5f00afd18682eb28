// Layer openai/ (the OpenAI-compatible routes and their wire format). May import sse/ and the base
// files; see docs/architecture.md.
//
// OpenAI `messages` -> the core's prompt/context/history. The core speaks in turns
// (`{prompt, response}`) plus system instructions, so a message list is folded into that
// shape; the rules are listed in docs/openai-compatibility.md ("How messages are mapped").

import { invalidParameter } from './openai-error.ts'

/** A message reduced to what the gateway honours. `system` also covers `developer`. */
export interface TextMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** The core's view of a conversation. */
export interface FoldedConversation {
  /** The last user message (consecutive user messages at the end are joined). */
  prompt: string
  /** System and developer messages, joined; undefined when there are none. */
  context?: string
  /** User/assistant pairs before the prompt. */
  history: Array<{ prompt: string, response: string }>
}

const ROLES: Record<string, TextMessage['role']> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant'
}

// Fields a message may carry only at a value that changes nothing.
const INERT_MESSAGE_FIELDS = new Set(['role', 'content', 'refusal'])

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readContent (content: unknown, param: string, role: TextMessage['role']): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) {
    throw invalidParameter(param, `${param} must be a string or an array of content parts`, 'invalid_type')
  }
  const texts: string[] = []
  for (let index = 0; index < content.length; index++) {
    const part: unknown = content[index]
    const partParam = `${param}[${index}]`
    if (!isRecord(part)) throw invalidParameter(partParam, `${partParam} must be a content part object`, 'invalid_type')
    // An assistant's earlier refusal is part of the conversation like any other text.
    const textKey = part.type === 'refusal' && role === 'assistant' ? 'refusal' : 'text'
    if (part.type !== 'text' && textKey !== 'refusal') {
      throw invalidParameter(`${partParam}.type`, `Content parts of type "${String(part.type)}" are not supported by this gateway: only "text" parts are`, 'unsupported_content_type')
    }
    if (typeof part[textKey] !== 'string') {
      throw invalidParameter(`${partParam}.${textKey}`, `${partParam}.${textKey} must be a string`, 'invalid_type')
    }
    texts.push(part[textKey])
  }
  return texts.join('\n')
}

function readMessage (message: unknown, index: number): TextMessage {
  const param = `messages[${index}]`
  if (!isRecord(message)) throw invalidParameter(param, `${param} must be an object`, 'invalid_type')
  const role = typeof message.role === 'string' ? ROLES[message.role] : undefined
  if (role === undefined) {
    const reason = message.role === 'tool' || message.role === 'function'
      ? `messages with role "${message.role}" are not supported by this gateway (it does not support tools)`
      : `${param}.role must be one of system, developer, user, assistant`
    throw invalidParameter(`${param}.role`, reason, 'unsupported_value')
  }
  for (const [key, value] of Object.entries(message)) {
    if (value === null || value === undefined || INERT_MESSAGE_FIELDS.has(key)) continue
    throw invalidParameter(`${param}.${key}`, `${param}.${key} is not supported by this gateway`, 'unsupported_parameter')
  }
  if (role === 'assistant' && (message.content === null || message.content === undefined)) {
    // An assistant message may carry only a refusal; anything else (tool calls) was rejected above.
    if (typeof message.refusal === 'string') return { role, content: message.refusal }
    throw invalidParameter(`${param}.content`, `${param}.content is required`, 'missing_required_parameter')
  }
  if (message.refusal !== null && message.refusal !== undefined && role !== 'assistant') {
    throw invalidParameter(`${param}.refusal`, `${param}.refusal is only allowed in assistant messages`, 'unsupported_parameter')
  }
  return { role, content: readContent(message.content, `${param}.content`, role) }
}

/** Validate OpenAI `messages`, keeping only text; anything the gateway cannot honour is a 400 naming it. */
export function readMessages (messages: unknown): TextMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidParameter('messages', 'messages must be a non-empty array', messages === undefined ? 'missing_required_parameter' : 'invalid_type')
  }
  return messages.map(readMessage)
}

/**
 * Fold a message list into prompt, context and history:
 * - system and developer messages, wherever they are, are joined (blank line) into `context`;
 * - consecutive user (or assistant) messages are joined (blank line) into one;
 * - assistant messages before the first user message (a greeting) are kept in `context`;
 * - the last message must be a user message: the gateway cannot continue an assistant's answer.
 */
export function foldMessages (messages: TextMessage[]): FoldedConversation {
  const system: string[] = []
  const dialogue: TextMessage[] = []
  for (const message of messages) {
    if (message.role === 'system') {
      system.push(message.content)
      continue
    }
    const previous = dialogue.at(-1)
    if (previous?.role === message.role) {
      previous.content += '\n\n' + message.content
    } else {
      dialogue.push({ role: message.role, content: message.content })
    }
  }

  const last = dialogue.at(-1)
  if (last === undefined) {
    throw invalidParameter('messages', 'messages must contain at least one user message', 'invalid_value')
  }
  if (last.role !== 'user') {
    throw invalidParameter('messages', 'The last message must be a user message: this gateway answers the last user message and cannot continue an assistant message', 'invalid_value')
  }
  if (last.content.trim() === '') {
    throw invalidParameter('messages', 'The last user message must not be empty', 'invalid_value')
  }

  if (dialogue[0].role === 'assistant') {
    const greeting = dialogue.shift() as TextMessage
    system.push(`The conversation began with this message from the assistant:\n${greeting.content}`)
  }
  const history: FoldedConversation['history'] = []
  for (let index = 0; index + 1 < dialogue.length; index += 2) {
    history.push({ prompt: dialogue[index].content, response: dialogue[index + 1].content })
  }

  const context = system.filter((text) => text !== '').join('\n\n')
  return { prompt: last.content, context: context === '' ? undefined : context, history }
}
