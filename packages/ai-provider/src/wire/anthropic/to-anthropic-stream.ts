// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// Core stream events -> the Messages API's event sequence, whichever provider answers:
//
//   message_start, then per block content_block_start, its deltas, content_block_stop;
//   then message_delta (stop reason, usage) and message_stop.
//
// Text deltas go into one text block, opened at the first text and closed by the next tool call
// or the end; each tool call (whole, as the core yields it) is a tool_use block with its input in
// one `input_json_delta`. Each reasoning block (whole, as the core yields it, in its place) is a
// thinking block with a `thinking_delta` and a `signature_delta` (a redacted one as it is);
// reasoning a provider gave only with its end comes before `message_delta`. A failure is an
// in-band `error` event.
// The route sends each event as `event: <type>` + `data: <JSON>`, and its own `ping`s.

import type { AiToolCall } from '../../conversation/tools.ts'
import type { AiReasoning } from '../../conversation/messages.ts'
import type { AiStreamEvent } from '../../types.ts'
import type { AnthropicAnswerHeader } from './to-anthropic-answer.ts'
import { TO_ANTHROPIC_STOP_REASONS, shownAsThinking, toAnthropicThinkingBlock, toAnthropicToolUseBlock, toAnthropicUsage } from './to-anthropic-answer.ts'
import { anthropicErrorType } from './to-anthropic-error.ts'
import type { AnthropicStreamEvent, AnthropicUsage } from './types.ts'

/** Writes one answer's events; each call returns the events to send, in order. */
export interface AnthropicStreamWriter {
  /** `message_start`, with the message's id and model and no content. */
  start (): AnthropicStreamEvent[]
  /** The events of one core event (none for an empty text delta). After `end` or `error`, nothing. */
  write (event: AiStreamEvent): AnthropicStreamEvent[]
}

/** What a writer remembers between events. */
interface AnthropicStreamState {
  /** The index the next block gets. */
  nextIndex: number
  /** The index of the open text block, undefined when none is open. */
  textIndex: number | undefined
  /** Ids of the calls already sent (the end event repeats them). */
  sentCalls: Set<string>
  /** True once `message_stop` or `error` was written. */
  finished: boolean
}

/** Options of a writer besides the answer's header. */
export interface AnthropicStreamOptions {
  /** Input tokens for `message_start` (an estimate: the real count comes with `message_delta`). Default 0. */
  inputTokens?: number
}

function closeText (state: AnthropicStreamState, events: AnthropicStreamEvent[]): void {
  if (state.textIndex === undefined) return
  events.push({ type: 'content_block_stop', index: state.textIndex })
  state.textIndex = undefined
}

function writeToolCall (state: AnthropicStreamState, call: AiToolCall, events: AnthropicStreamEvent[]): void {
  closeText(state, events)
  state.sentCalls.add(call.id)
  const index = state.nextIndex++
  const block = toAnthropicToolUseBlock(call) as Extract<ReturnType<typeof toAnthropicToolUseBlock>, { type: 'tool_use' }>
  events.push(
    { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } },
    { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } },
    { type: 'content_block_stop', index }
  )
}

/** A thinking block (or a redacted one), whole. */
function writeReasoning (state: AnthropicStreamState, reasoning: AiReasoning, events: AnthropicStreamEvent[]): void {
  if (!shownAsThinking(reasoning)) return
  closeText(state, events)
  const index = state.nextIndex++
  const block = toAnthropicThinkingBlock(reasoning)
  if (block.type === 'thinking') {
    events.push(
      { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } },
      { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }
    )
  } else {
    events.push({ type: 'content_block_start', index, content_block: block })
  }
  events.push({ type: 'content_block_stop', index })
}

type EndEvent = Extract<AiStreamEvent, { type: 'end' }>

function writeEnd (state: AnthropicStreamState, event: EndEvent, events: AnthropicStreamEvent[]): void {
  closeText(state, events)
  for (const call of event.toolCalls ?? []) {
    if (!state.sentCalls.has(call.id)) writeToolCall(state, call, events)
  }
  for (const reasoning of event.reasoning ?? []) writeReasoning(state, reasoning, events)
  const usage: AnthropicUsage = toAnthropicUsage(event.usage)
  events.push(
    { type: 'message_delta', delta: { stop_reason: TO_ANTHROPIC_STOP_REASONS[event.result], stop_sequence: null }, usage },
    { type: 'message_stop' }
  )
  state.finished = true
}

/** A writer for one answer. */
export function createAnthropicStreamWriter (header: AnthropicAnswerHeader, options: AnthropicStreamOptions = {}): AnthropicStreamWriter {
  const state: AnthropicStreamState = { nextIndex: 0, textIndex: undefined, sentCalls: new Set(), finished: false }
  return {
    start: function startMessage () {
      return [{
        type: 'message_start',
        message: {
          id: header.id,
          type: 'message',
          role: 'assistant',
          model: header.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: options.inputTokens ?? 0, output_tokens: 0 }
        }
      }]
    },
    write: function writeEvent (event) {
      if (state.finished) return []
      const events: AnthropicStreamEvent[] = []
      if (event.type === 'content') {
        if (event.text === '') return events
        if (state.textIndex === undefined) {
          state.textIndex = state.nextIndex++
          events.push({ type: 'content_block_start', index: state.textIndex, content_block: { type: 'text', text: '' } })
        }
        events.push({ type: 'content_block_delta', index: state.textIndex, delta: { type: 'text_delta', text: event.text } })
      } else if (event.type === 'tool_call') {
        if (!state.sentCalls.has(event.toolCall.id)) writeToolCall(state, event.toolCall, events)
      } else if (event.type === 'reasoning') {
        writeReasoning(state, event.reasoning, events)
      } else if (event.type === 'end') {
        writeEnd(state, event, events)
      } else {
        state.finished = true
        events.push({ type: 'error', error: { type: anthropicErrorType(502, event.code), message: event.message } })
      }
      return events
    }
  }
}
