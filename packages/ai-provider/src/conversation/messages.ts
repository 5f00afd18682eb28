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
  /** Provider hints for this block of instructions (`{ anthropic: { cacheControl } }`); other formats ignore them. */
  providerData?: AiProviderData
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
  /** The model's reasoning before its answer, in order, kept to be sent back where the provider requires it. */
  reasoning?: AiReasoning[]
  /** What the provider needs back with this message on the next turn (thinking signatures…). */
  providerData?: AiProviderData
}

/**
 * One block of a model's reasoning (Anthropic's `thinking` and `redacted_thinking` blocks). It is
 * never answer text: it is kept with the turn and sent back unchanged to the provider that made
 * it (Anthropic refuses a tool loop whose thinking did not come back with its signature); other
 * formats leave it out.
 */
export interface AiReasoning {
  /** The reasoning's (summarized) text; `''` for a redacted block. */
  text: string
  /** What its provider needs back: `{ anthropic: { signature } }`, or `{ anthropic: { redactedData } }` for a redacted block. */
  providerData?: AiProviderData
}

/** The result of one tool call. */
export interface AiToolMessage {
  role: 'tool'
  /** The `id` of the call it answers. */
  toolCallId: string
  /** What the tool returned. */
  content: AiContent
  /** Provider hints for this result (`{ anthropic: { cacheControl } }`); other formats ignore them. */
  providerData?: AiProviderData
}

/** One message of a conversation. */
export type AiMessage = AiSystemMessage | AiUserMessage | AiAssistantMessage | AiToolMessage

/** A plain-text message of the earlier, text-only API (still accepted everywhere). */
export interface AiChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}
