// Layer wire/ (wire formats, both directions). Imports conversation/ and the base files only.
//
// A complete answer (`chat.completion`) -> ProviderAnswer: the first choice's text and tool
// calls, why it stopped, the usage. In-band error objects are the adapter's to read first.
//
// A refusal (`message.refusal`, with `content` null) is the answer's text: it is what the model
// says to the user, and a client of AI Warp has no other field to see it in. DeepSeek's
// `reasoning_content` is thinking, never text. Tool-call arguments are passed on as the text
// they were, never parsed; blank or missing ones (vLLM, Ollama and OpenRouter for a tool without
// parameters) are `{}`, which clients can parse.

import type { AiToolCall } from '../../conversation/index.ts'
import { AiProviderEmptyResponseError, AiProviderMalformedResponseError } from '../../errors.ts'
import type { ProviderAnswer } from '../../provider.ts'
import { openAiChatResult } from './openai-chat-finish-reasons.ts'
import { fromOpenAiChatUsage } from './from-openai-chat-usage.ts'
import { generatedToolCallId, nonBlankArguments } from './tool-call-deltas.ts'

/**
 * Reads a parsed answer. `label` (`provider:model`) names the provider in errors: malformed
 * (no choices, content that is not text, a call without a name), empty (no text and no calls).
 */
export function fromOpenAiChatAnswer (json: unknown, label: string): ProviderAnswer {
  const choice = firstChoice(json, label)
  if (choice === undefined) throw new AiProviderMalformedResponseError(label, 'no choices')
  const message = choice.message
  if (message === null || typeof message !== 'object') throw new AiProviderMalformedResponseError(label, 'choice has no message')
  const { content, refusal, tool_calls: calls } = message as Record<string, unknown>
  if (content !== undefined && content !== null && typeof content !== 'string') {
    throw new AiProviderMalformedResponseError(label, 'message.content is not a string')
  }
  const text = typeof content === 'string' && content !== '' ? content : typeof refusal === 'string' ? refusal : ''
  const toolCalls = fromOpenAiChatToolCalls(calls, label)
  if (text === '' && toolCalls.length === 0) throw new AiProviderEmptyResponseError(label)
  const answer: ProviderAnswer = { text, result: openAiChatResult(choice.finish_reason, toolCalls.length > 0) }
  if (toolCalls.length > 0) answer.toolCalls = toolCalls
  const usage = fromOpenAiChatUsage((json as { usage?: unknown }).usage)
  if (usage !== undefined) answer.usage = usage
  return answer
}

/** The first choice of an answer or chunk, undefined when `choices` is empty, null or absent. */
export function firstChoice (json: unknown, label: string): Record<string, unknown> | undefined {
  if (json === null || typeof json !== 'object') throw new AiProviderMalformedResponseError(label, 'answer is not an object')
  const choices = (json as { choices?: unknown }).choices
  // Some servers send "choices": null on the usage chunk.
  if (choices === undefined || choices === null) return undefined
  if (!Array.isArray(choices)) throw new AiProviderMalformedResponseError(label, 'choices is not an array')
  const choice: unknown = choices[0]
  if (choice === undefined) return undefined
  if (choice === null || typeof choice !== 'object') throw new AiProviderMalformedResponseError(label, 'choice is not an object')
  return choice as Record<string, unknown>
}

function fromOpenAiChatToolCalls (calls: unknown, label: string): AiToolCall[] {
  if (calls === undefined || calls === null) return []
  if (!Array.isArray(calls)) throw new AiProviderMalformedResponseError(label, 'message.tool_calls is not an array')
  const toolCalls: AiToolCall[] = []
  for (const call of calls) {
    // Only function calls exist in answers to function tools; anything else is not ours to read.
    if (call === null || typeof call !== 'object' || (call.type !== undefined && call.type !== 'function')) continue
    const fn = call.function
    if (fn === null || typeof fn !== 'object' || typeof fn.name !== 'string' || fn.name === '') {
      throw new AiProviderMalformedResponseError(label, 'a tool call has no function name')
    }
    const args: unknown = fn.arguments
    toolCalls.push({
      id: typeof call.id === 'string' && call.id !== '' ? call.id : generatedToolCallId(),
      name: fn.name,
      // Some compatible servers send the arguments as an object.
      arguments: typeof args === 'string' ? nonBlankArguments(args) : args === undefined || args === null ? '{}' : JSON.stringify(args)
    })
  }
  return toolCalls
}
