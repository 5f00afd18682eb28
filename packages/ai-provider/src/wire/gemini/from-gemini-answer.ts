// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A generateContent answer -> the conversation model: the first candidate's text (thought parts
// left out), its function calls as tool calls (ids and signatures: gemini-tool-calls.ts), the
// result (gemini-finish-reasons.ts) and usage with cached and thinking tokens. Error bodies and
// blocked prompts are the provider adapter's to read before this.
//
// Signatures on text parts (Gemini may sign the last part of an answer without calls) are not
// kept: ProviderAnswer has no field for them and Gemini checks only those of function calls.

import type { AiToolCall } from '../../conversation/tools.ts'
import type { ProviderAnswer } from '../../provider.ts'
import type { AiUsage } from '../../types.ts'
import type { GeminiCandidate, GeminiResponse, GeminiUsageMetadata } from './types.ts'
import type { UncheckedGeminiPart } from './gemini-tool-calls.ts'
import { AiProviderMalformedResponseError } from '../../errors.ts'
import { geminiFinish } from './gemini-finish-reasons.ts'
import { toolCallFromGemini } from './gemini-tool-calls.ts'

/** The first candidate of an answer or frame, undefined when it has none. */
export function firstGeminiCandidate (response: GeminiResponse, label: string): GeminiCandidate | undefined {
  const candidates = response.candidates
  if (candidates === undefined || candidates === null) return undefined
  if (!Array.isArray(candidates)) throw new AiProviderMalformedResponseError(label, 'candidates is not an array')
  const candidate: unknown = candidates[0]
  if (candidate === undefined || candidate === null) return undefined
  if (typeof candidate !== 'object') throw new AiProviderMalformedResponseError(label, 'candidate is not an object')
  return candidate as GeminiCandidate
}

/** The candidate's parts, each checked to be an object. */
export function geminiParts (candidate: GeminiCandidate, label: string): UncheckedGeminiPart[] {
  const parts = candidate.content?.parts
  if (parts === undefined || parts === null) return []
  if (!Array.isArray(parts)) throw new AiProviderMalformedResponseError(label, 'content.parts is not an array')
  for (const part of parts) {
    if (part === null || typeof part !== 'object') throw new AiProviderMalformedResponseError(label, 'a part is not an object')
  }
  return parts as UncheckedGeminiPart[]
}

/** Answer text of a part: its text unless it is a thought; undefined for other parts. */
export function answerText (part: UncheckedGeminiPart): string | undefined {
  return typeof part.text === 'string' && part.thought !== true && part.functionCall === undefined ? part.text : undefined
}

/** The answer's id, which generated call ids are made from (`''` when absent). */
export function geminiResponseId (response: GeminiResponse): string {
  return typeof response.responseId === 'string' ? response.responseId : ''
}

/** A complete answer. `text` is `''` when the model only called functions (or said nothing: the adapter decides). */
export function fromGeminiAnswer (response: GeminiResponse, label: string): ProviderAnswer {
  const candidate = firstGeminiCandidate(response, label)
  if (candidate === undefined) throw new AiProviderMalformedResponseError(label, 'no candidates')
  const responseId = geminiResponseId(response)
  let text = ''
  const toolCalls: AiToolCall[] = []
  for (const part of geminiParts(candidate, label)) {
    if (part.functionCall !== undefined) {
      toolCalls.push(toolCallFromGemini(part, toolCalls.length, responseId, label))
      continue
    }
    const partText = answerText(part)
    if (partText !== undefined) text += partText
  }
  const answer: ProviderAnswer = { text, result: geminiFinish(candidate.finishReason, toolCalls.length).result }
  if (toolCalls.length > 0) answer.toolCalls = toolCalls
  const usage = geminiUsage(response.usageMetadata)
  if (usage !== undefined) answer.usage = usage
  return answer
}

/**
 * usageMetadata -> usage. Thinking is billed as output, so `completionTokens` counts
 * `candidatesTokenCount + thoughtsTokenCount` and `reasoningTokens` says how many of them were
 * thoughts; `cachedPromptTokens` is `cachedContentTokenCount` (part of the prompt's count).
 */
export function geminiUsage (metadata: GeminiUsageMetadata | undefined): AiUsage | undefined {
  if (metadata === null || typeof metadata !== 'object') return undefined
  const { promptTokenCount, candidatesTokenCount, thoughtsTokenCount, totalTokenCount, cachedContentTokenCount } = metadata
  if (typeof promptTokenCount !== 'number') return undefined
  const thoughts = typeof thoughtsTokenCount === 'number' ? thoughtsTokenCount : 0
  const completionTokens = (typeof candidatesTokenCount === 'number' ? candidatesTokenCount : 0) + thoughts
  const usage: AiUsage = {
    promptTokens: promptTokenCount,
    completionTokens,
    totalTokens: typeof totalTokenCount === 'number' ? totalTokenCount : promptTokenCount + completionTokens
  }
  if (typeof cachedContentTokenCount === 'number' && cachedContentTokenCount > 0) usage.cachedPromptTokens = cachedContentTokenCount
  if (thoughts > 0) usage.reasoningTokens = thoughts
  return usage
}
