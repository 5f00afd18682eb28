// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A Messages API stream -> stream events, one parsed SSE event at a time (the transport has
// already reassembled frames split across chunks; the event's name is also its data's `type`).
//
// message_start opens the message (its usage holds the prompt's counts); each block then runs
// content_block_start, its deltas, content_block_stop, by `index`:
// - text: every text_delta is a `delta` at once;
// - tool_use: input_json_delta fragments are buffered and the call is yielded whole at the
//   block's stop, numbered among the answer's calls;
// - thinking: thinking_delta and signature_delta are buffered; at the block's stop it becomes a
//   `reasoning` event, in its place (never text; the chain still falls back from a stream that
//   only thought so far: it waits for the first other event); redacted_thinking likewise.
// message_delta brings the stop reason and the final output count; message_stop ends the
// answer with the end event. `ping`s are nothing; an `error` event fails the stream (the
// transport usually sees it first by its SSE name).

import type { AiToolCall } from '../../conversation/tools.ts'
import type { ProviderStreamEvent } from '../../provider.ts'
import type { AiUsage } from '../../types.ts'
import type { AnthropicAnswerBlock, AnthropicErrorObject, AnthropicStreamEvent, AnthropicStreamEventType, AnthropicUsage } from './types.ts'
import { AiProviderMalformedResponseError, AiProviderStreamError } from '../../errors.ts'
import { anthropicReasoning, anthropicToolCall, anthropicUsage } from './from-anthropic-answer.ts'
import { anthropicFinish } from './anthropic-stop-reasons.ts'

/** The end event of a stream. */
export type AnthropicStreamEnd = Extract<ProviderStreamEvent, { type: 'end' }>

/**
 * Where a stream stands: `waiting` for message_start, `open` while blocks come, `stopped` once
 * message_delta gave the stop reason, `finished` after message_stop.
 */
export type AnthropicStreamPhase = 'waiting' | 'open' | 'stopped' | 'finished'

/** A block being received, by its `index`. */
export interface AnthropicOpenBlock {
  /** The block's type (`text`, `tool_use`, `thinking`, `redacted_thinking`, or a server tool's). */
  type: string
  /** tool_use: the call's id and name. */
  id?: string
  name?: string
  /** tool_use: the input_json_delta fragments so far (or the input of the start event). */
  input: string
  /** thinking: the text so far; redacted_thinking: its data. */
  thinking: string
  /** thinking: the signature, once signature_delta came. */
  signature: string
}

/** What the reader remembers between events. */
export interface AnthropicStreamState {
  phase: AnthropicStreamPhase
  /** Blocks started and not yet stopped, by index. */
  blocks: Map<number, AnthropicOpenBlock>
  /** The calls yielded so far, in order: a call's index is its place here. */
  toolCalls: AiToolCall[]
  /** Anthropic's stop_reason, once message_delta gave it. */
  stopReason: string | undefined
  /** The usage counts so far (message_start's, updated by message_delta's). */
  counts: Partial<AnthropicUsage>
}

/** Reads one stream. Its `finishReason` and `usage` are what the adapter contract reads. */
export interface AnthropicStreamReader {
  readonly state: AnthropicStreamState
  readonly finishReason: string | undefined
  readonly usage: AiUsage | undefined
  /** The events of one parsed stream event (the end event, last, after message_stop). */
  read (event: AnthropicStreamEvent, label: string): ProviderStreamEvent[]
  /** The end event when the body ended without message_stop but after the stop reason; undefined when it was cut short. */
  end (): AnthropicStreamEnd | undefined
}

/** What one stream event does to the state, and the events it yields. */
export type AnthropicStreamHandlers = {
  readonly [T in AnthropicStreamEventType]: (state: AnthropicStreamState, event: Extract<AnthropicStreamEvent, { type: T }>, label: string) => ProviderStreamEvent[]
}

type Handler = (state: AnthropicStreamState, event: AnthropicStreamEvent, label: string) => ProviderStreamEvent[]

const NOTHING: ProviderStreamEvent[] = []

function endEvent (state: AnthropicStreamState): AnthropicStreamEnd {
  const { result } = anthropicFinish(state.stopReason)
  const ending: AnthropicStreamEnd = { type: 'end', result: result === 'COMPLETE' && state.toolCalls.length > 0 ? 'TOOL_CALLS' : result }
  const usage = anthropicUsage(state.counts)
  if (usage !== undefined) ending.usage = usage
  return ending
}

function openBlock (state: AnthropicStreamState, index: unknown, label: string): AnthropicOpenBlock {
  const block = typeof index === 'number' ? state.blocks.get(index) : undefined
  if (block === undefined) throw new AiProviderMalformedResponseError(label, `stream event for block ${String(index)}, which is not open`)
  return block
}

/** What each stream event does: a table, so every event type is in one place. */
export const ANTHROPIC_STREAM_HANDLERS: AnthropicStreamHandlers = {
  message_start: function messageStart (state, event) {
    state.phase = 'open'
    if (event.message?.usage !== undefined) Object.assign(state.counts, event.message.usage)
    return NOTHING
  },
  content_block_start: function blockStart (state, event, label) {
    const start = event.content_block as AnthropicAnswerBlock | null
    if (typeof event.index !== 'number' || start === null || typeof start !== 'object') throw new AiProviderMalformedResponseError(label, 'content_block_start without index or block')
    const block: AnthropicOpenBlock = { type: String(start.type), input: '', thinking: '', signature: '' }
    if (start.type === 'tool_use') {
      block.id = start.id
      block.name = start.name
      // The start carries `input: {}`; a non-empty one (never seen, allowed) is the whole input.
      if (start.input !== null && typeof start.input === 'object' && Object.keys(start.input).length > 0) block.input = JSON.stringify(start.input)
    } else if (start.type === 'thinking') {
      block.thinking = typeof start.thinking === 'string' ? start.thinking : ''
      block.signature = typeof start.signature === 'string' ? start.signature : ''
    } else if (start.type === 'redacted_thinking') {
      block.thinking = typeof start.data === 'string' ? start.data : ''
    }
    state.blocks.set(event.index, block)
    // A text block may start with text already (allowed; Anthropic sends '').
    return start.type === 'text' && typeof start.text === 'string' && start.text !== '' ? [{ type: 'delta', text: start.text }] : NOTHING
  },
  content_block_delta: function blockDelta (state, event, label) {
    const block = openBlock(state, event.index, label)
    const delta = event.delta
    if (delta === null || typeof delta !== 'object') throw new AiProviderMalformedResponseError(label, 'content_block_delta without delta')
    if (delta.type === 'text_delta' && typeof delta.text === 'string') return delta.text === '' ? NOTHING : [{ type: 'delta', text: delta.text }]
    if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') block.input += delta.partial_json
    else if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string') block.thinking += delta.thinking
    else if (delta.type === 'signature_delta' && typeof delta.signature === 'string') block.signature += delta.signature
    return NOTHING
  },
  content_block_stop: function blockStop (state, event, label) {
    const block = openBlock(state, event.index, label)
    state.blocks.delete(event.index)
    if (block.type === 'tool_use') {
      const index = state.toolCalls.length
      const toolCall = anthropicToolCall(block, block.input === '' ? '{}' : block.input, label)
      state.toolCalls.push(toolCall)
      return [{ type: 'tool_call', index, toolCall }]
    }
    const reasoning = anthropicReasoning({ type: block.type, thinking: block.thinking, signature: block.signature, data: block.thinking })
    // In its place: thinking comes before the text it leads to, as Anthropic streams it.
    return reasoning === undefined ? NOTHING : [{ type: 'reasoning', reasoning }]
  },
  message_delta: function messageDelta (state, event) {
    if (typeof event.delta?.stop_reason === 'string') {
      state.stopReason = event.delta.stop_reason
      state.phase = 'stopped'
    }
    if (event.usage !== null && typeof event.usage === 'object') {
      for (const [key, value] of Object.entries(event.usage)) {
        if (value !== null && value !== undefined) (state.counts as Record<string, unknown>)[key] = value
      }
    }
    return NOTHING
  },
  message_stop: function messageStop (state) {
    state.phase = 'finished'
    return [endEvent(state)]
  },
  ping: function ping () {
    return NOTHING
  },
  error: function inBandError (_state, event, label) {
    const error: Partial<AnthropicErrorObject> = event.error ?? {}
    const message = typeof error.message === 'string' ? error.message : 'stream error'
    throw new AiProviderStreamError(label, typeof error.type === 'string' ? `${error.type}: ${message}` : message)
  }
}

/** A reader for one stream. */
export function createAnthropicStreamReader (): AnthropicStreamReader {
  const state: AnthropicStreamState = {
    phase: 'waiting',
    blocks: new Map(),
    toolCalls: [],
    stopReason: undefined,
    counts: {}
  }

  return {
    state,
    get finishReason () { return state.stopReason },
    get usage () { return anthropicUsage(state.counts) },

    read: function read (event: AnthropicStreamEvent, label: string): ProviderStreamEvent[] {
      if (event === null || typeof event !== 'object') throw new AiProviderMalformedResponseError(label, 'stream event is not an object')
      const handler = Object.hasOwn(ANTHROPIC_STREAM_HANDLERS, event.type) ? ANTHROPIC_STREAM_HANDLERS[event.type] as Handler : undefined
      // Event types added later are skipped, as the streaming docs ask clients to.
      if (handler === undefined) return NOTHING
      if (state.phase === 'finished') return NOTHING
      if (state.phase === 'waiting' && event.type !== 'message_start' && event.type !== 'ping' && event.type !== 'error') {
        throw new AiProviderMalformedResponseError(label, `stream event ${event.type} before message_start`)
      }
      return handler(state, event, label)
    },

    end: function end (): AnthropicStreamEnd | undefined {
      if (state.phase === 'finished' || state.phase === 'stopped') return endEvent(state)
      return undefined
    }
  }
}
