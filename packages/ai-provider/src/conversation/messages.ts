// Layer conversation/ (the conversation model: types and pure functions over them). Imports
// nothing but its own folder.
//
// A conversation is a list of messages; `prompt` is a conversation of one user message.

import type { AiContent } from './content.ts'
import type { AiProviderData, AiToolCall } from './tools.ts'

/** Instructions. Providers with a single system field get every system message, joined. */
export interface AiSystemMessage {
  role: 'system'
  content: string
}

/** What the user says: text, images, files. */
export interface AiUserMessage {
  role: 'user'
  content: AiContent
}

/** What the model said: text and/or tool calls. */
export interface AiAssistantMessage {
  role: 'assistant'
  /** The answer's text (`''` when it only called tools). */
  content: string
  /** The calls it made, in order. */
  toolCalls?: AiToolCall[]
  /** What the provider needs back with this message on the next turn (thinking signatures…). */
  providerData?: AiProviderData
}

/** The result of one tool call. */
export interface AiToolMessage {
  role: 'tool'
  /** The `id` of the call it answers. */
  toolCallId: string
  /** What the tool returned. */
  content: AiContent
}

/** One message of a conversation. */
export type AiMessage = AiSystemMessage | AiUserMessage | AiAssistantMessage | AiToolMessage

/** A plain-text message of the earlier, text-only API (still accepted everywhere). */
export interface AiChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}
