// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The core's stream events -> the Responses API's typed events, each with its `sequence_number`.
// A named state machine: the events it gives are a pure function of the events it read, so
// reading a response's logged events again from its first one numbers every event the same way
// (what `starting_after` resumes from). A call's `call_id` carries its provider data as in the
// JSON answer (openai-chat-tool-call-id.ts).

import type { AiStreamEvent, AiToolCall } from '../../types.ts'
import { encodeToolCallId } from '../openai-chat/openai-chat-tool-call-id.ts'
import { RESPONSES_ENDS, functionCallItemId, messageItemId } from './openai-responses-status.ts'
import { toOpenAiResponsesUsage } from './to-openai-responses-answer.ts'
import type { ResponsesOutputItem, ResponsesOutputMessage, ResponsesResponse, ResponsesStreamEvent } from './types.ts'

/** Distributes Omit over a union (TypeScript's Omit flattens it). */
type WithoutSequence<T> = T extends unknown ? Omit<T, 'sequence_number'> : never

/** An event before it is numbered. */
type UnnumberedEvent = WithoutSequence<ResponsesStreamEvent>

/** What the writer holds between two events. */
interface ResponsesStreamState {
  /** The next event's `sequence_number`. */
  sequence: number
  /** The items so far, in output order. */
  output: ResponsesOutputItem[]
  /** The message being written, with its place in `output`. */
  message: { item: ResponsesOutputMessage, outputIndex: number } | undefined
  /** The response once ended (completed, incomplete or failed). */
  final: ResponsesResponse | undefined
}

/** Turns one response's core stream events into typed events. */
export interface OpenAiResponsesStreamWriter {
  /** `response.created` and `response.in_progress`. */
  start (): ResponsesStreamEvent[]
  /** The typed events of one core event. */
  write (event: AiStreamEvent): ResponsesStreamEvent[]
  /** The response as it ended, once `end` or `error` was written. */
  readonly final: ResponsesResponse | undefined
}

/** A writer for the response `shell` (toOpenAiResponsesShell), numbering its events from 0. */
export function createOpenAiResponsesStreamWriter (shell: ResponsesResponse): OpenAiResponsesStreamWriter {
  const state: ResponsesStreamState = { sequence: 0, output: [], message: undefined, final: undefined }

  function numbered (events: UnnumberedEvent[]): ResponsesStreamEvent[] {
    return events.map(function number (event) { return { ...event, sequence_number: state.sequence++ } as ResponsesStreamEvent })
  }

  function openMessage (events: UnnumberedEvent[]): { item: ResponsesOutputMessage, outputIndex: number } {
    if (state.message !== undefined) return state.message
    const outputIndex = state.output.length
    // A message after a tool call (rare) is a second message item: its id says its place.
    const id = outputIndex === 0 ? messageItemId(shell.id) : `${messageItemId(shell.id)}_${outputIndex}`
    const item: ResponsesOutputMessage = { type: 'message', id, status: 'in_progress', role: 'assistant', content: [{ type: 'output_text', text: '', annotations: [] }] }
    state.message = { item, outputIndex }
    state.output.push(item)
    events.push({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, content: [] } })
    events.push({ type: 'response.content_part.added', item_id: id, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } })
    return state.message
  }

  function closeMessage (events: UnnumberedEvent[], status: ResponsesOutputMessage['status']): void {
    const open = state.message
    if (open === undefined) return
    state.message = undefined
    const { item, outputIndex } = open
    const part = item.content[0]
    item.status = status
    events.push({ type: 'response.output_text.done', item_id: item.id, output_index: outputIndex, content_index: 0, text: part.text, logprobs: [] })
    events.push({ type: 'response.content_part.done', item_id: item.id, output_index: outputIndex, content_index: 0, part: { ...part } })
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item: { ...item, content: [{ ...part }] } })
  }

  function writeCall (events: UnnumberedEvent[], index: number, call: AiToolCall): void {
    closeMessage(events, 'completed')
    const outputIndex = state.output.length
    const id = functionCallItemId(shell.id, index)
    const item = { type: 'function_call' as const, id, call_id: encodeToolCallId(call.id, call.providerData), name: call.name, arguments: call.arguments, status: 'completed' as const }
    state.output.push(item)
    events.push({ type: 'response.output_item.added', output_index: outputIndex, item: { ...item, arguments: '', status: 'in_progress' } })
    // The core gives a call whole: its arguments are one delta.
    events.push({ type: 'response.function_call_arguments.delta', item_id: id, output_index: outputIndex, delta: call.arguments })
    events.push({ type: 'response.function_call_arguments.done', item_id: id, output_index: outputIndex, name: call.name, arguments: call.arguments })
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item: { ...item } })
  }

  function snapshot (): ResponsesOutputItem[] {
    return state.output.map(function copyItem (item) {
      return item.type === 'message' ? { ...item, content: item.content.map((part) => ({ ...part })) } : { ...item }
    })
  }

  return {
    start: function startResponse () {
      return numbered([
        { type: 'response.created', response: { ...shell, output: [] } },
        { type: 'response.in_progress', response: { ...shell, output: [] } }
      ])
    },
    write: function writeEvent (event) {
      const events: UnnumberedEvent[] = []
      // Reasoning has no item here (this API's reasoning items are OpenAI's own): left out.
      if (state.final !== undefined || event.type === 'reasoning') return []
      if (event.type === 'content') {
        const { item, outputIndex } = openMessage(events)
        item.content[0].text += event.text
        events.push({ type: 'response.output_text.delta', item_id: item.id, output_index: outputIndex, content_index: 0, delta: event.text, logprobs: [] })
      } else if (event.type === 'tool_call') {
        writeCall(events, event.index, event.toolCall)
      } else if (event.type === 'end') {
        const end = RESPONSES_ENDS[event.result]
        // An answer with neither text nor calls is still one (empty) message, as the JSON answer says it.
        if (state.output.length === 0) openMessage(events)
        closeMessage(events, end.status)
        state.final = {
          ...shell,
          model: event.model,
          status: end.status,
          incomplete_details: end.reason === null ? null : { reason: end.reason },
          output: snapshot(),
          usage: event.usage === undefined ? null : toOpenAiResponsesUsage(event.usage)
        }
        events.push({ type: end.status === 'completed' ? 'response.completed' : 'response.incomplete', response: state.final })
      } else {
        closeMessage(events, 'incomplete')
        state.final = { ...shell, status: 'failed', error: { code: event.code, message: event.message }, output: snapshot() }
        events.push({ type: 'response.failed', response: state.final })
      }
      return numbered(events)
    },
    get final () {
      return state.final
    }
  }
}
