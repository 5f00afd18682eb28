// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A Responses API stream -> stream events, one parsed event at a time (the transport has
// already reassembled frames split across chunks; the SSE event's name is also its data's `type`).
//
// response.created and response.in_progress open it. Each output item then runs
// output_item.added, its deltas, output_item.done, by `output_index`:
// - message: every output_text.delta (or refusal.delta) is a `delta` at once; a message whose
//   text came only whole (in its done item) gives it then; a second message's text starts a
//   blank line after the first's, as in a complete answer;
// - function_call: argument deltas are buffered and the call is yielded whole at the item's
//   done, numbered among the answer's calls (the done item's own arguments win); a call cut
//   short (`status: "incomplete"`) is not yielded;
// - reasoning: yielded at its done item, in its place (summary text and encrypted content).
// response.completed or response.incomplete ends the answer (status, usage); response.failed
// and `error` fail the stream. There is no `[DONE]`: a body that ends before the last event was
// cut. Events this gateway does not read (summary parts, annotations, hosted tools) are nothing.

import { AiProviderStreamError } from '../../errors.ts'
import type { ProviderStreamEvent } from '../../provider.ts'
import type { AiUsage } from '../../types.ts'
import { MESSAGE_SEPARATOR, failureMessage, fromOpenAiResponsesUsage, fromResponsesFunctionCall, messageText, responsesResult } from './from-openai-responses-answer.ts'
import { fromOpenAiReasoningItem } from './openai-responses-reasoning.ts'

/** A function call being received, by its `output_index`: its argument deltas so far. */
interface OpenCall {
  arguments: string
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
  const calls = new Map<number, OpenCall>()
  /** The output indexes whose text went out (as deltas or whole), and the reasoning items yielded, by id. */
  const sentText = new Set<number>()
  const sentReasoning = new Set<string>()
  let callCount = 0
  let finishReason: string | undefined
  let usage: AiUsage | undefined

  /** Text of the message at `index`: after a blank line when an earlier message gave text. */
  function text (index: number, delta: string): ProviderStreamEvent[] {
    if (delta === '') return NOTHING
    const first = !sentText.has(index)
    const separate = first && sentText.size > 0
    sentText.add(index)
    return [{ type: 'delta', text: separate ? MESSAGE_SEPARATOR + delta : delta }]
  }

  function indexOf (event: Record<string, unknown>): number {
    return typeof event.output_index === 'number' ? event.output_index : -1
  }

  function itemDone (index: number, done: unknown): ProviderStreamEvent[] {
    if (done === null || typeof done !== 'object') return NOTHING
    const item = done as Record<string, unknown>
    const open = calls.get(index)
    calls.delete(index)
    if (item.type === 'function_call') {
      if (item.status === 'incomplete') return NOTHING
      const whole = typeof item.arguments === 'string' ? item : { ...item, arguments: open?.arguments ?? '' }
      return [{ type: 'tool_call', index: callCount++, toolCall: fromResponsesFunctionCall(whole, label) }]
    }
    if (item.type === 'reasoning') {
      const reasoning = fromOpenAiReasoningItem(item, label)
      if (reasoning === undefined || sentReasoning.has(item.id as string)) return NOTHING
      sentReasoning.add(item.id as string)
      return [{ type: 'reasoning', reasoning }]
    }
    if (item.type === 'message' && !sentText.has(index)) return text(index, messageText(item))
    return NOTHING
  }

  /** The end event, after what the final response holds that no event gave (a server that sends the output only there). */
  function responseEnd (event: Record<string, unknown>): ProviderStreamEvent[] {
    const response = event.response as Record<string, unknown> | null | undefined
    if (response === null || typeof response !== 'object') return [{ type: 'end', result: 'COMPLETE' }]
    const events: ProviderStreamEvent[] = []
    if (sentText.size === 0 && callCount === 0 && Array.isArray(response.output)) {
      for (let index = 0; index < response.output.length; index++) events.push(...itemDone(index, response.output[index]))
    }
    usage = fromOpenAiResponsesUsage(response.usage)
    const reason = (response.incomplete_details as { reason?: unknown } | null | undefined)?.reason
    finishReason = response.status === 'incomplete' && typeof reason === 'string' ? reason : String(response.status)
    const ending: ProviderStreamEvent = { type: 'end', result: responsesResult(response, callCount > 0) }
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
          if (item?.type === 'function_call') calls.set(indexOf(event), { arguments: typeof item.arguments === 'string' ? item.arguments : '' })
          return NOTHING
        }
        case 'response.output_text.delta':
        case 'response.refusal.delta':
          return typeof event.delta === 'string' ? text(indexOf(event), event.delta) : NOTHING
        case 'response.function_call_arguments.delta': {
          const call = calls.get(indexOf(event))
          if (call !== undefined && typeof event.delta === 'string') call.arguments += event.delta
          return NOTHING
        }
        case 'response.output_item.done':
          return itemDone(indexOf(event), event.item)
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
