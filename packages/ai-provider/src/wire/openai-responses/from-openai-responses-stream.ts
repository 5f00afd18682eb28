// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A Responses API stream -> stream events, one parsed event at a time (the transport has
// already reassembled frames split across chunks; the SSE event's name is also its data's `type`).
//
// response.created and response.in_progress open it. Each output item then runs
// output_item.added, its deltas, output_item.done, by `output_index`:
// - message: every output_text.delta (or refusal.delta) is a `delta` at once; a message whose
//   text came only whole (in its done item) gives it then;
// - function_call: argument deltas are buffered and the call is yielded whole at the item's
//   done, numbered among the answer's calls (the done item's own arguments win);
// - reasoning: yielded at its done item, in its place (summary text and encrypted content).
// response.completed or response.incomplete ends the answer (status, usage); response.failed
// and `error` fail the stream. There is no `[DONE]`: a body that ends before the last event was
// cut. Events this gateway does not read (summary parts, annotations, hosted tools) are nothing.

import { AiProviderStreamError } from '../../errors.ts'
import type { ProviderStreamEvent } from '../../provider.ts'
import type { AiUsage } from '../../types.ts'
import { failureMessage, fromOpenAiResponsesUsage, fromResponsesFunctionCall, messageText, responsesResult } from './from-openai-responses-answer.ts'
import { fromOpenAiReasoningItem } from './openai-responses-reasoning.ts'

/** An output item being received, by its `output_index`. */
interface OpenItem {
  /** The item's type: `message`, `function_call`, `reasoning`, or a hosted tool's. */
  type: string
  /** function_call: the argument deltas so far. */
  arguments: string
  /** message: whether any of its text went out as deltas. */
  sentText: boolean
}

/** Reads one stream. `finishReason` and `usage` are what the adapter contract reads. */
export interface OpenAiResponsesStreamReader {
  /** The response's status once it ended (`completed`, or the reason it is `incomplete`). */
  readonly finishReason: string | undefined
  readonly usage: AiUsage | undefined
  /** The events of one parsed stream event (the end event last, at the response's end). */
  read (event: Record<string, unknown>): ProviderStreamEvent[]
}

const NOTHING: ProviderStreamEvent[] = []

/** A reader for one stream; `label` (`provider:model`) names the provider in errors and marks its reasoning. */
export function createOpenAiResponsesStreamReader (label: string): OpenAiResponsesStreamReader {
  const items = new Map<number, OpenItem>()
  let calls = 0
  let sentAnything = false
  let finishReason: string | undefined
  let usage: AiUsage | undefined

  function itemAt (event: Record<string, unknown>): OpenItem | undefined {
    return typeof event.output_index === 'number' ? items.get(event.output_index) : undefined
  }

  function textDelta (event: Record<string, unknown>): ProviderStreamEvent[] {
    if (typeof event.delta !== 'string' || event.delta === '') return NOTHING
    const item = itemAt(event)
    if (item !== undefined) item.sentText = true
    sentAnything = true
    return [{ type: 'delta', text: event.delta }]
  }

  function itemDone (event: Record<string, unknown>): ProviderStreamEvent[] {
    const done = event.item as Record<string, unknown> | null | undefined
    if (done === null || typeof done !== 'object') return NOTHING
    const open = itemAt(event)
    if (typeof event.output_index === 'number') items.delete(event.output_index)
    if (done.type === 'function_call') {
      const whole = typeof done.arguments === 'string' ? done : { ...done, arguments: open?.arguments ?? '' }
      sentAnything = true
      return [{ type: 'tool_call', index: calls++, toolCall: fromResponsesFunctionCall(whole, label) }]
    }
    if (done.type === 'reasoning') {
      const reasoning = fromOpenAiReasoningItem(done, label)
      return reasoning === undefined ? NOTHING : [{ type: 'reasoning', reasoning }]
    }
    if (done.type === 'message' && open?.sentText !== true) {
      const text = messageText(done)
      if (text === '') return NOTHING
      sentAnything = true
      return [{ type: 'delta', text }]
    }
    return NOTHING
  }

  /** The end event; a server that sent no item events at all still gives the final response's output. */
  function responseEnd (event: Record<string, unknown>): ProviderStreamEvent[] {
    const response = event.response as Record<string, unknown> | null | undefined
    if (response === null || typeof response !== 'object') return [{ type: 'end', result: 'COMPLETE' }]
    const events: ProviderStreamEvent[] = []
    if (!sentAnything && Array.isArray(response.output)) {
      for (let index = 0; index < response.output.length; index++) events.push(...itemDone({ output_index: index, item: response.output[index] }))
    }
    usage = fromOpenAiResponsesUsage(response.usage)
    const reason = (response.incomplete_details as { reason?: unknown } | null | undefined)?.reason
    finishReason = response.status === 'incomplete' && typeof reason === 'string' ? reason : String(response.status)
    const ending: ProviderStreamEvent = { type: 'end', result: responsesResult(response, calls > 0) }
    if (usage !== undefined) ending.usage = usage
    events.push(ending)
    return events
  }

  return {
    get finishReason () { return finishReason },
    get usage () { return usage },
    read: function read (event: Record<string, unknown>): ProviderStreamEvent[] {
      switch (event.type) {
        case 'response.output_item.added': {
          const item = event.item as Record<string, unknown> | null | undefined
          if (typeof event.output_index === 'number' && item !== null && typeof item === 'object') {
            items.set(event.output_index, { type: String(item.type), arguments: typeof item.arguments === 'string' ? item.arguments : '', sentText: false })
          }
          return NOTHING
        }
        case 'response.output_text.delta':
        case 'response.refusal.delta':
          return textDelta(event)
        case 'response.function_call_arguments.delta': {
          const item = itemAt(event)
          if (item !== undefined && typeof event.delta === 'string') item.arguments += event.delta
          return NOTHING
        }
        case 'response.output_item.done':
          return itemDone(event)
        case 'response.completed':
        case 'response.incomplete':
          return responseEnd(event)
        case 'response.failed':
          throw new AiProviderStreamError(label, failureMessage((event.response ?? {}) as Record<string, unknown>))
        case 'error':
          throw new AiProviderStreamError(label, typeof event.message === 'string' ? event.message : 'the stream reported an error')
        default:
          return NOTHING
      }
    }
  }
}
