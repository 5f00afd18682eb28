// Layer wire/ (wire formats, both directions). Imports conversation/ and the base files only.
//
// Why an OpenAI-format model stopped, in AI Warp's terms.

import type { AiResult } from '../../types.ts'

/**
 * Every finish reason OpenAI and the compatible servers send: `function_call` is the deprecated
 * form of `tool_calls`; `content_filter` cut the answer; DeepSeek's
 * `insufficient_system_resource` ended it early. Anything else is INCOMPLETE_UNKNOWN.
 */
export const OPENAI_CHAT_FINISH_REASONS: Readonly<Record<string, AiResult>> = Object.freeze({
  stop: 'COMPLETE',
  length: 'INCOMPLETE_MAX_TOKENS',
  tool_calls: 'TOOL_CALLS',
  function_call: 'TOOL_CALLS',
  content_filter: 'INCOMPLETE_UNKNOWN',
  insufficient_system_resource: 'INCOMPLETE_UNKNOWN'
})

/**
 * The result of a finish reason. An answer that called tools but says `stop` (Ollama and vLLM
 * do) or nothing is TOOL_CALLS: the caller must run them either way.
 */
export function openAiChatResult (finishReason: unknown, calledTools: boolean): AiResult {
  // Own keys only: `toString` is not a finish reason.
  const result = typeof finishReason === 'string' && Object.hasOwn(OPENAI_CHAT_FINISH_REASONS, finishReason) ? OPENAI_CHAT_FINISH_REASONS[finishReason] : undefined
  if (calledTools && (result === undefined || result === 'COMPLETE')) return 'TOOL_CALLS'
  return result ?? 'INCOMPLETE_UNKNOWN'
}
