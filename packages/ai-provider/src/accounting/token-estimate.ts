// Layer accounting/ (usage, cost and budgets). May import stores/, providers/ and the base files;
// see docs/architecture.md.
//
// Tokens of a conversation before a provider has counted them, for what a request reserves of a
// budget and for the usage of an answer whose provider reported none. A tokenizer per model
// would be exact, but it is a dependency per provider and a cost per request; an estimate is
// enough for a reservation, which is settled to the provider's count after the call.

import type { AiMessage, AiTool, AiToolCall } from '../types.ts'

/** About four characters per token, OpenAI's rule of thumb for English text. */
const CHARACTERS_PER_TOKEN = 4
/** What a message adds beyond its text in OpenAI's chat format (role and separators). */
const TOKENS_PER_MESSAGE = 4

/** Estimated tokens of a text. */
export function estimateTextTokens (text: string): number {
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN)
}

/** What an image or a file counts for (OpenAI bills a high-detail 512px tile 170 tokens plus 85; documents are larger). */
const TOKENS_PER_ATTACHMENT = 1000

/** Estimated prompt tokens of the messages sent to a provider. */
export function estimatePromptTokens (messages: readonly AiMessage[]): number {
  let characters = 0
  let attachments = 0
  for (const message of messages) {
    const content = message.content
    if (typeof content === 'string') {
      characters += content.length
    } else {
      for (const part of content) {
        if (part.type === 'text') characters += part.text.length
        else attachments++
      }
    }
    if (message.role === 'assistant' && message.toolCalls !== undefined) characters += answerText('', message.toolCalls).length
  }
  return Math.ceil(characters / CHARACTERS_PER_TOKEN) + TOKENS_PER_MESSAGE * messages.length + TOKENS_PER_ATTACHMENT * attachments
}

/** What an answer said, text and tool calls, for an estimate of its tokens when its provider reported none. */
export function answerText (text: string, toolCalls: readonly AiToolCall[] | undefined): string {
  if (toolCalls === undefined) return text
  let all = text
  for (const call of toolCalls) all += call.name + call.arguments
  return all
}

/** Estimated input tokens of a request: its messages and its tools' definitions. */
export function estimateRequestTokens (messages: readonly AiMessage[], tools: readonly AiTool[] | undefined): number {
  let tokens = estimatePromptTokens(messages)
  for (const tool of tools ?? []) tokens += estimateTextTokens(tool.name + (tool.description ?? '') + JSON.stringify(tool.parameters ?? {}))
  return tokens
}
