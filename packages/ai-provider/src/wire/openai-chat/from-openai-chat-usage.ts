// Layer wire/ (wire formats, both directions). Imports conversation/ and the base files only.
//
// The usage object of an answer or of a stream's last chunk, in AI Warp's terms.

import type { AiUsage } from '../../types.ts'
import type { OpenAiChatUsage } from './types.ts'

/**
 * Reads `usage`; undefined when it is absent or lacks the token counts. Cached prompt tokens:
 * `prompt_tokens_details.cached_tokens` (OpenAI and most servers), else DeepSeek's
 * `prompt_cache_hit_tokens`; reasoning tokens: `completion_tokens_details.reasoning_tokens`.
 */
export function fromOpenAiChatUsage (usage: unknown): AiUsage | undefined {
  if (usage === null || typeof usage !== 'object') return undefined
  const wire = usage as Partial<Record<keyof OpenAiChatUsage, unknown>>
  const { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: totalTokens } = wire
  if (typeof promptTokens !== 'number' || typeof completionTokens !== 'number') return undefined
  const result: AiUsage = {
    promptTokens,
    completionTokens,
    totalTokens: typeof totalTokens === 'number' ? totalTokens : promptTokens + completionTokens
  }
  const cached = numberField(wire.prompt_tokens_details, 'cached_tokens') ?? wire.prompt_cache_hit_tokens
  if (typeof cached === 'number' && cached > 0) result.cachedPromptTokens = cached
  const reasoning = numberField(wire.completion_tokens_details, 'reasoning_tokens')
  if (reasoning !== undefined && reasoning > 0) result.reasoningTokens = reasoning
  return result
}

function numberField (details: unknown, name: string): number | undefined {
  if (details === null || typeof details !== 'object') return undefined
  const value = (details as Record<string, unknown>)[name]
  return typeof value === 'number' ? value : undefined
}
