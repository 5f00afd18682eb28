// Layer openai/ (the OpenAI-compatible routes and their wire format). May import sse/ and the base
// files; see docs/architecture.md.

import { randomUUID } from 'node:crypto'
import type { AiResponse, AiResult, AiUsage } from '@platformatic/ai-provider'
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionDelta, OpenAiFinishReason, OpenAiUsage } from './types.ts'

/** `chatcmpl-` and 32 hex digits, like OpenAI's ids. */
export function createCompletionId (): string {
  return 'chatcmpl-' + randomUUID().replaceAll('-', '')
}

/** Unix seconds, OpenAI's `created`. */
export function unixSeconds (milliseconds = Date.now()): number {
  return Math.floor(milliseconds / 1000)
}

/**
 * How an answer ended, in OpenAI's words. An end the provider did not explain
 * (INCOMPLETE_UNKNOWN) is `stop`: the answer ended and there is no more precise value.
 */
export function toFinishReason (result: AiResult): OpenAiFinishReason {
  return result === 'INCOMPLETE_MAX_TOKENS' ? 'length' : 'stop'
}

export function toOpenAiUsage (usage: AiUsage): OpenAiUsage {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens
  }
}

/** A `chat.completion` for a complete answer, whichever provider gave it. */
export function buildCompletion (response: AiResponse, id: string, created: number): ChatCompletion {
  const completion: ChatCompletion = {
    id,
    object: 'chat.completion',
    created,
    model: response.model,
    choices: [{
      index: 0,
      message: { role: 'assistant', content: response.text, refusal: null },
      logprobs: null,
      finish_reason: toFinishReason(response.result)
    }]
  }
  if (response.usage !== undefined) completion.usage = toOpenAiUsage(response.usage)
  return completion
}

/** What every chunk of one streamed answer shares. */
export interface ChunkHeader {
  id: string
  created: number
  model: string
  /** With `stream_options.include_usage`, every chunk carries `usage` (null until the last one). */
  includeUsage: boolean
}

/** A chunk with one choice: a delta, then (in the last content chunk) the finish reason. */
export function buildChunk (header: ChunkHeader, delta: ChatCompletionDelta, finishReason: OpenAiFinishReason | null = null): ChatCompletionChunk {
  const chunk: ChatCompletionChunk = {
    id: header.id,
    object: 'chat.completion.chunk',
    created: header.created,
    model: header.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }]
  }
  if (header.includeUsage) chunk.usage = null
  return chunk
}

/** The usage chunk sent after the finish reason when `include_usage` was asked: no choices. */
export function buildUsageChunk (header: ChunkHeader, usage: AiUsage): ChatCompletionChunk {
  return {
    id: header.id,
    object: 'chat.completion.chunk',
    created: header.created,
    model: header.model,
    choices: [],
    usage: toOpenAiUsage(usage)
  }
}
