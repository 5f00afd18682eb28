// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// An AiResponse -> a Messages API `message`, whichever provider answered: the reasoning as
// `thinking` / `redacted_thinking` blocks first (as Claude answers), then the text, then one
// `tool_use` block per call; the stop reason from a table; usage in Anthropic's terms, where
// `input_tokens` leaves out the prompt tokens read from or written to the cache.

import type { AiReasoning } from '../../conversation/messages.ts'
import type { AiToolCall } from '../../conversation/tools.ts'
import type { AiResponse, AiResult, AiUsage } from '../../types.ts'
import { encodeToolUseId } from './anthropic-tool-use-id.ts'
import type { AnthropicAnswerBlock, AnthropicResponse, AnthropicStopReason, AnthropicUsage } from './types.ts'

/**
 * Our result -> Anthropic's stop reason. INCOMPLETE_UNKNOWN is what a provider's content filter
 * or safety stop gives (OpenAI `content_filter`, Gemini `SAFETY`): Anthropic's word for an
 * answer stopped on such grounds is `refusal`.
 */
export const TO_ANTHROPIC_STOP_REASONS: Readonly<Record<AiResult, AnthropicStopReason>> = {
  COMPLETE: 'end_turn',
  INCOMPLETE_MAX_TOKENS: 'max_tokens',
  TOOL_CALLS: 'tool_use',
  INCOMPLETE_UNKNOWN: 'refusal'
}

/**
 * Whether a reasoning block is shown as a thinking block: Anthropic's own always, another
 * provider's when it has text (OpenAI's reasoning without a summary is only encrypted content,
 * nothing a client could read).
 */
export function shownAsThinking (reasoning: AiReasoning): boolean {
  return reasoning.text !== '' || reasoning.providerData?.anthropic !== undefined
}

/** A block for one reasoning block: `redacted_thinking` when it carries Anthropic's redacted data. */
export function toAnthropicThinkingBlock (reasoning: AiReasoning): AnthropicAnswerBlock {
  const anthropic = reasoning.providerData?.anthropic
  if (typeof anthropic?.redactedData === 'string') return { type: 'redacted_thinking', data: anthropic.redactedData }
  // Another provider's reasoning has no Anthropic signature: the empty one says so, and the
  // Anthropic provider does not send an unsigned block back.
  return { type: 'thinking', thinking: reasoning.text, signature: typeof anthropic?.signature === 'string' ? anthropic.signature : '' }
}

/** The `input` of a tool_use block: the call's arguments as an object (`{}` when they are not a JSON object). */
export function toolUseInput (call: AiToolCall): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(call.arguments === '' ? '{}' : call.arguments)
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return input as Record<string, unknown>
  } catch {}
  return {}
}

/** The tool_use block of a call, its provider data carried in its id (anthropic-tool-use-id.ts). */
export function toAnthropicToolUseBlock (call: AiToolCall): AnthropicAnswerBlock {
  return { type: 'tool_use', id: encodeToolUseId(call.id, call.providerData), name: call.name, input: toolUseInput(call) }
}

function count (value: number | undefined): number {
  return value === undefined || !Number.isFinite(value) || value < 0 ? 0 : value
}

/** Usage in Anthropic's terms (zeros when the provider reported none). */
export function toAnthropicUsage (usage: AiUsage | undefined): AnthropicUsage {
  const read = count(usage?.cachedPromptTokens)
  const created = count(usage?.cacheCreationTokens)
  return {
    input_tokens: Math.max(0, count(usage?.promptTokens) - read - created),
    output_tokens: count(usage?.completionTokens),
    cache_creation_input_tokens: created,
    cache_read_input_tokens: read
  }
}

/** What every answer of a request repeats. */
export interface AnthropicAnswerHeader {
  /** `msg_…` */
  id: string
  /** The model named in the answer (the route's choice: the model asked for, or the one that answered). */
  model: string
}

/** A `message` for a complete answer. */
export function toAnthropicAnswer (response: AiResponse, header: AnthropicAnswerHeader): AnthropicResponse {
  const content: AnthropicAnswerBlock[] = (response.reasoning ?? []).filter(shownAsThinking).map(toAnthropicThinkingBlock)
  if (response.text !== '') content.push({ type: 'text', text: response.text })
  for (const call of response.toolCalls ?? []) content.push(toAnthropicToolUseBlock(call))
  return {
    id: header.id,
    type: 'message',
    role: 'assistant',
    model: header.model,
    content,
    stop_reason: TO_ANTHROPIC_STOP_REASONS[response.result],
    stop_sequence: null,
    usage: toAnthropicUsage(response.usage)
  }
}
