// Layer wire/ (wire formats, both directions). Imports conversation/ and the base files only.
//
// The usage object of an answer or of a stream's last chunk, in AI Warp's terms.

import type { AiUsage } from '../../types.ts'
import type { OpenAiChatUsage } from './types.ts'

/**
 * Reads `usage`; undefined when it is absent or lacks the token counts. Cached prompt tokens:
 * `prompt_tokens_details.cached_tokens` (OpenAI and most servers), else DeepSeek's
 * `prompt_cache_hit_tokens` (zeros are left out); reasoning tokens: `completion_tokens_details.reasoning_tokens`.
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
  // DeepSeek sends both fields, and some versions leave `cached_tokens` at 0: the first that counts wins.
  const cached = positive(numberField(wire.prompt_tokens_details, 'cached_tokens')) ?? positive(wire.prompt_cache_hit_tokens)
  if (cached !== undefined) result.cachedPromptTokens = cached
  const reasoning = numberField(wire.completion_tokens_details, 'reasoning_tokens')
  if (reasoning !== undefined && reasoning > 0) result.reasoningTokens = reasoning
  return result
}

function positive (value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined
}

function numberField (details: unknown, name: string): number | undefined {
  if (details === null || typeof details !== 'object') return undefined
  const value = (details as Record<string, unknown>)[name]
  return typeof value === 'number' ? value : undefined
}
