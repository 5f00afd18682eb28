// Layer sessions/ (history in the store, and the messages a provider is sent). May import
// providers/, stores/ and the base files; see docs/architecture.md.
//
// What a provider is sent: the session's context, its replayable turns, the new prompt.

import type { AiChatMessage, AiRequest, AiTurn } from '../types.ts'
import type { ProviderInput } from '../provider.ts'
import type { NormalizedModel } from '../options.ts'

/** Only real answers are replayed; failed or interrupted turns never reach a provider. */
function isReplayable (turn: AiTurn): boolean {
  return turn.result === 'COMPLETE' || turn.result === 'INCOMPLETE_MAX_TOKENS'
}

/** The conversation for a prompt: system(context), then user/assistant pairs, then user(prompt). */
export function buildMessages (context: string | undefined, turns: readonly AiTurn[], prompt: string): AiChatMessage[] {
  const messages: AiChatMessage[] = []
  if (context !== undefined && context.length > 0) messages.push({ role: 'system', content: context })
  for (const turn of turns) {
    if (!isReplayable(turn)) continue
    messages.push({ role: 'user', content: turn.prompt }, { role: 'assistant', content: turn.response })
  }
  messages.push({ role: 'user', content: prompt })
  return messages
}

/** The request's output budget capped by the model's own limit. */
export function capMaxTokens (requested: number | undefined, limit: number | undefined): number | undefined {
  if (requested === undefined) return limit
  if (limit === undefined) return requested
  return Math.min(requested, limit)
}

/** The provider input for one model of the chain. */
export function buildProviderInput (request: AiRequest, messages: AiChatMessage[], model: NormalizedModel): ProviderInput {
  return {
    messages,
    temperature: request.temperature,
    maxTokens: capMaxTokens(request.maxTokens, model.limits.maxTokens),
    topP: request.topP,
    stop: request.stop
  }
}
