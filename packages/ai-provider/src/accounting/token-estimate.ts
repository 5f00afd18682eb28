// Layer accounting/ (usage, cost and budgets). May import stores/, providers/ and the base files;
// see docs/architecture.md.
//
// Tokens of a conversation before a provider has counted them, for what a request reserves of a
// budget and for the usage of an answer whose provider reported none. A tokenizer per model
// would be exact, but it is a dependency per provider and a cost per request; an estimate is
// enough for a reservation, which is settled to the provider's count after the call.

import type { AiChatMessage } from '../types.ts'

/** About four characters per token, OpenAI's rule of thumb for English text. */
const CHARACTERS_PER_TOKEN = 4
/** What a message adds beyond its text in OpenAI's chat format (role and separators). */
const TOKENS_PER_MESSAGE = 4

/** Estimated tokens of a text. */
export function estimateTextTokens (text: string): number {
  return Math.ceil(text.length / CHARACTERS_PER_TOKEN)
}

/** Estimated prompt tokens of the messages sent to a provider. */
export function estimatePromptTokens (messages: readonly AiChatMessage[]): number {
  let characters = 0
  for (const message of messages) characters += message.content.length
  return Math.ceil(characters / CHARACTERS_PER_TOKEN) + TOKENS_PER_MESSAGE * messages.length
}
