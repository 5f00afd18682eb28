// Layer anthropic/ (the Anthropic Messages API route: HTTP, sessions and SSE around the
// wire/anthropic translators). May import sse/ and the base files; see docs/architecture.md.

import { estimatePromptTokens, estimateTextTokens } from '@platformatic/ai-provider'
import type { AnthropicMessagesInput } from '@platformatic/ai-provider'

/**
 * An estimate of what `POST /v1/messages/count_tokens` answers: the conversation's tokens by the
 * core's rule of thumb (about four characters a token, a fixed count per image or file), plus the
 * tools' definitions as JSON. It is not a tokenizer's count: it is documented as an estimate,
 * good for "will this fit", not for billing.
 */
export function estimateInputTokens (input: AnthropicMessagesInput): number {
  let tokens = estimatePromptTokens(input.messages)
  for (const tool of input.tools ?? []) {
    tokens += estimateTextTokens(tool.name + (tool.description ?? '') + JSON.stringify(tool.parameters ?? {}))
  }
  return tokens
}
