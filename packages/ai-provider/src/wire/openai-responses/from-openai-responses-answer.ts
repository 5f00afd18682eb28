// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A response object of the Responses API (what a provider answered to POST /v1/responses, or
// the `response` of a stream's last event) -> ProviderAnswer: its output items in order
// (message text, function calls, reasoning), why it stopped, the usage.
//
// A message's `refusal` part is answer text, as in chat: it is what the model says to the user.
// Several messages (a model's commentary, then its final answer) are one text, a blank line
// apart. Arguments are passed on as the text they were (blank ones are `{}`); a call cut short
// (`status: "incomplete"`, the output budget ran out in its arguments) is not a call. A response that `failed`
// is an in-band failure; one still `in_progress` or `queued` (a background response) is not an
// answer this gateway asked for.

import type { AiReasoning, AiToolCall } from '../../conversation/index.ts'
import { AiProviderEmptyResponseError, AiProviderMalformedResponseError, AiProviderResponseError } from '../../errors.ts'
import type { ProviderAnswer } from '../../provider.ts'
import type { AiResult, AiUsage } from '../../types.ts'
import { nonBlankArguments } from '../openai-chat/tool-call-deltas.ts'
import { fromOpenAiReasoningItem } from './openai-responses-reasoning.ts'

/**
 * Reads a parsed response. `label` (`provider:model`) names the provider in errors and marks the
 * reasoning this model made. Throws malformed (not a response, an unknown status, a call without
 * a name), empty (no text and no calls), or a response error (status `failed`).
 */
export function fromOpenAiResponsesAnswer (json: unknown, label: string): ProviderAnswer {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new AiProviderMalformedResponseError(label, 'answer is not an object')
  const response = json as Record<string, unknown>
  const status = response.status
  if (status === 'failed') throw new AiProviderResponseError(label, 200, failureMessage(response))
  if (status !== 'completed' && status !== 'incomplete') throw new AiProviderMalformedResponseError(label, `response status is ${JSON.stringify(status)}`)
  if (!Array.isArray(response.output)) throw new AiProviderMalformedResponseError(label, 'response has no output array')

  let text = ''
  const toolCalls: AiToolCall[] = []
  const reasoning: AiReasoning[] = []
  for (const item of response.output) {
    if (item === null || typeof item !== 'object') continue
    if (item.type === 'message') text = joinMessages(text, messageText(item))
    else if (item.type === 'function_call' && item.status !== 'incomplete') toolCalls.push(fromResponsesFunctionCall(item, label))
    else if (item.type === 'reasoning') {
      const block = fromOpenAiReasoningItem(item, label)
      if (block !== undefined) reasoning.push(block)
    }
  }
  if (text === '' && toolCalls.length === 0) throw new AiProviderEmptyResponseError(label)
  const answer: ProviderAnswer = { text, result: responsesResult(response, toolCalls.length > 0) }
  if (toolCalls.length > 0) answer.toolCalls = toolCalls
  if (reasoning.length > 0) answer.reasoning = reasoning
  const usage = fromOpenAiResponsesUsage(response.usage)
  if (usage !== undefined) answer.usage = usage
  return answer
}

/** How a finished response ended: `incomplete` by its reason, `completed` with or without calls. */
export function responsesResult (response: Record<string, unknown>, calledTools: boolean): AiResult {
  if (response.status === 'incomplete') {
    const reason = (response.incomplete_details as { reason?: unknown } | null | undefined)?.reason
    return reason === 'max_output_tokens' ? 'INCOMPLETE_MAX_TOKENS' : 'INCOMPLETE_UNKNOWN'
  }
  return calledTools ? 'TOOL_CALLS' : 'COMPLETE'
}

/** The text of the messages so far and the next one's, a blank line apart. */
export function joinMessages (text: string, next: string): string {
  if (next === '') return text
  return text === '' ? next : text + MESSAGE_SEPARATOR + next
}

/** Between the texts of two messages of one answer. */
export const MESSAGE_SEPARATOR = '\n\n'

/** The text of a message item: its `output_text` parts, or its `refusal`. */
export function messageText (item: Record<string, unknown>): string {
  if (!Array.isArray(item.content)) return ''
  let text = ''
  for (const part of item.content) {
    if (part?.type === 'output_text' && typeof part.text === 'string') text += part.text
    else if (part?.type === 'refusal' && typeof part.refusal === 'string') text += part.refusal
  }
  return text
}

/** A `function_call` item as a call (its `call_id` is the call's id; its `id` is only the item's). */
export function fromResponsesFunctionCall (item: Record<string, unknown>, label: string): AiToolCall {
  if (typeof item.name !== 'string' || item.name === '') throw new AiProviderMalformedResponseError(label, 'a function call has no name')
  if (typeof item.call_id !== 'string' || item.call_id === '') throw new AiProviderMalformedResponseError(label, 'a function call has no call_id')
  return { id: item.call_id, name: item.name, arguments: typeof item.arguments === 'string' ? nonBlankArguments(item.arguments) : '{}' }
}

/** The message of a `failed` response's `error`. */
export function failureMessage (response: Record<string, unknown>): string {
  const error = response.error as { message?: unknown, code?: unknown } | null | undefined
  if (error === null || typeof error !== 'object') return 'the response failed'
  const message = typeof error.message === 'string' ? error.message : 'the response failed'
  return typeof error.code === 'string' ? `${error.code}: ${message}` : message
}

/** Reads `usage`; undefined when it is absent or lacks the token counts. */
export function fromOpenAiResponsesUsage (usage: unknown): AiUsage | undefined {
  if (usage === null || typeof usage !== 'object') return undefined
  const wire = usage as Record<string, unknown>
  const { input_tokens: promptTokens, output_tokens: completionTokens, total_tokens: totalTokens } = wire
  if (typeof promptTokens !== 'number' || typeof completionTokens !== 'number') return undefined
  const result: AiUsage = { promptTokens, completionTokens, totalTokens: typeof totalTokens === 'number' ? totalTokens : promptTokens + completionTokens }
  const cached = (wire.input_tokens_details as { cached_tokens?: unknown } | null | undefined)?.cached_tokens
  if (typeof cached === 'number' && cached > 0) result.cachedPromptTokens = cached
  const reasoning = (wire.output_tokens_details as { reasoning_tokens?: unknown } | null | undefined)?.reasoning_tokens
  if (typeof reasoning === 'number' && reasoning > 0) result.reasoningTokens = reasoning
  return result
}
