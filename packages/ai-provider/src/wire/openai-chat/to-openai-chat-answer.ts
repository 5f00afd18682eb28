// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A complete answer of the core -> OpenAI's `chat.completion`, whichever provider gave it. Tool
// calls carry their provider data inside their ids (openai-chat-tool-call-id.ts).

import type { AiResponse, AiResult, AiToolCall, AiUsage } from '../../types.ts'
import { encodeToolCallId } from './openai-chat-tool-call-id.ts'
import type { OpenAiChatAnswer, OpenAiChatAnswerMessage, OpenAiChatFinishReason, OpenAiChatToolCall, OpenAiChatUsage } from './types.ts'

/**
 * How an answer ended, in OpenAI's words. An end the provider did not explain
 * (INCOMPLETE_UNKNOWN) is `stop`: the answer ended and there is no more precise value.
 */
export const OPENAI_CHAT_FINISH_REASONS: Readonly<Record<AiResult, OpenAiChatFinishReason>> = {
  COMPLETE: 'stop',
  INCOMPLETE_MAX_TOKENS: 'length',
  INCOMPLETE_UNKNOWN: 'stop',
  TOOL_CALLS: 'tool_calls'
}

/** Token usage in OpenAI's shape, with the cached and reasoning details when the provider gave them. */
export function toOpenAiChatUsage (usage: AiUsage): OpenAiChatUsage {
  const result: OpenAiChatUsage = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens
  }
  if (usage.cachedPromptTokens !== undefined) result.prompt_tokens_details = { cached_tokens: usage.cachedPromptTokens }
  if (usage.reasoningTokens !== undefined) result.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens }
  return result
}

/** A tool call as a client receives it: its id carries what its provider needs back. */
export function toOpenAiChatToolCall (call: AiToolCall): OpenAiChatToolCall {
  return { id: encodeToolCallId(call.id, call.providerData), type: 'function', function: { name: call.name, arguments: call.arguments } }
}

/** A `chat.completion` for a complete answer; `content` is null when the model said nothing (only called tools). */
export function toOpenAiChatAnswer (response: AiResponse, id: string, created: number): OpenAiChatAnswer {
  const message: OpenAiChatAnswerMessage = { role: 'assistant', content: response.text === '' ? null : response.text, refusal: null }
  if (response.toolCalls !== undefined && response.toolCalls.length > 0) message.tool_calls = response.toolCalls.map(toOpenAiChatToolCall)
  const answer: OpenAiChatAnswer = {
    id,
    object: 'chat.completion',
    created,
    model: response.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: OPENAI_CHAT_FINISH_REASONS[response.result] }]
  }
  if (response.usage !== undefined) answer.usage = toOpenAiChatUsage(response.usage)
  return answer
}
