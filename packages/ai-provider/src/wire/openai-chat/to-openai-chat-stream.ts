// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The core's stream events -> the data payloads of OpenAI `chat.completion.chunk` events, in
// OpenAI's own delta format, so the `openai` SDK's and the AI SDK's accumulators assemble them: a
// role chunk, content deltas, then each tool call in one delta carrying its `index`, `id`, `type`,
// `function.name` and the whole `function.arguments` (the core yields a call once it is complete),
// the finish reason, the usage chunk when asked, and `[DONE]`. A failure is OpenAI's in-band error
// object, without `[DONE]` after it.

import type { AiStreamEvent, AiToolCall } from '../../types.ts'
import { OPENAI_CHAT_FINISH_REASONS, toOpenAiChatToolCall, toOpenAiChatUsage } from './to-openai-chat-answer.ts'
import { OPENAI_CHAT_DONE } from './types.ts'
import type { OpenAiChatChunk, OpenAiChatDelta, OpenAiChatErrorBody, OpenAiChatFinishReason } from './types.ts'

/** What every chunk of one streamed answer shares. */
export interface OpenAiChatStreamHeader {
  /** `chatcmpl-…`, the same in every chunk. */
  id: string
  /** Unix seconds. */
  created: number
  /** The `provider:model` answering. */
  model: string
  /** `stream_options.include_usage`: every chunk carries `usage` (null until the usage chunk). */
  includeUsage: boolean
}

/** Turns one answer's events into data payloads (JSON text, or `[DONE]`). */
export interface OpenAiChatStreamWriter {
  /** The first payload: the role chunk. */
  start (): string
  /** The payloads for one event (none for an empty content delta). */
  write (event: AiStreamEvent): string[]
}

/** The in-band error object of a stream that failed after it started. */
export function toOpenAiChatStreamError (code: string, message: string): OpenAiChatErrorBody {
  return { error: { message, type: 'server_error', param: null, code } }
}

/** A writer for one streamed answer; it remembers the tool calls it sent, so `end` never repeats one. */
export function createOpenAiChatStreamWriter (header: OpenAiChatStreamHeader): OpenAiChatStreamWriter {
  const sentCalls = new Set<number>()

  function chunk (delta: OpenAiChatDelta, finishReason: OpenAiChatFinishReason | null = null): string {
    const value: OpenAiChatChunk = {
      id: header.id,
      object: 'chat.completion.chunk',
      created: header.created,
      model: header.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }]
    }
    if (header.includeUsage) value.usage = null
    return JSON.stringify(value)
  }

  function toolCallChunk (index: number, call: AiToolCall): string {
    sentCalls.add(index)
    const { id, type, function: fn } = toOpenAiChatToolCall(call)
    return chunk({ tool_calls: [{ index, id, type, function: fn }] })
  }

  return {
    start: function start () {
      return chunk({ role: 'assistant', content: '', refusal: null })
    },
    write: function write (event) {
      if (event.type === 'content') return event.text === '' ? [] : [chunk({ content: event.text })]
      if (event.type === 'tool_call') return sentCalls.has(event.index) ? [] : [toolCallChunk(event.index, event.toolCall)]
      if (event.type === 'error') return [JSON.stringify(toOpenAiChatStreamError(event.code, event.message))]
      // Events this format has no place for are left out.
      if (event.type !== 'end') return []
      const payloads: string[] = []
      // Calls the end names that no tool_call event sent (a replay that began after them).
      event.toolCalls?.forEach(function sendMissing (call, index) {
        if (!sentCalls.has(index)) payloads.push(toolCallChunk(index, call))
      })
      payloads.push(chunk({}, OPENAI_CHAT_FINISH_REASONS[event.result]))
      if (header.includeUsage && event.usage !== undefined) {
        const usage: OpenAiChatChunk = { id: header.id, object: 'chat.completion.chunk', created: header.created, model: header.model, choices: [], usage: toOpenAiChatUsage(event.usage) }
        payloads.push(JSON.stringify(usage))
      }
      payloads.push(OPENAI_CHAT_DONE)
      return payloads
    }
  }
}
