import type { Answer } from './answer.ts'
import { splitAfterSpaces } from './answer.ts'
import { argumentPieces } from './openai-tool-deltas.ts'
import { finalStatus, outputItems, responseObject } from './responses-object.ts'
import type { FunctionCallItem, MessageItem, OutputItem, ReasoningItem } from './responses-object.ts'
import type { FormatContext, StreamScript } from './wire-format.ts'

// How the Responses API streams (https://platform.openai.com/docs/api-reference/responses-streaming):
// named events, each with a `sequence_number` counting from 0: `response.created`,
// `response.in_progress`, then per output item `response.output_item.added`, its parts and deltas,
// `response.output_item.done`, and last `response.completed` (or `response.incomplete`) carrying
// the whole Response. No `[DONE]` terminator. Text and argument deltas are the script's deltas
// (what the fault counters count); every other event is lifecycle.

/** One event of the script, and whether it counts as a delta. */
interface Frame {
  payload: string
  delta: boolean
}

/** Cuts the events into the script's parts: lifecycle before the first delta, between deltas, after the last. */
function toScript (frames: Frame[]): StreamScript {
  const deltas: string[] = []
  const leading: string[][] = []
  let before: string[] = []
  let pending: string[] = []
  for (const frame of frames) {
    if (!frame.delta) {
      pending.push(frame.payload)
      continue
    }
    if (deltas.length === 0) {
      before = pending
      leading.push([])
    } else {
      leading.push(pending)
    }
    deltas.push(frame.payload)
    pending = []
  }
  if (deltas.length === 0) return { before: pending, deltas, leading, after: [] }
  return { before, deltas, leading, after: pending }
}

/** The events of a streamed Response, with `response.failed` as the in-band failure. */
export function responsesStreamScript (answer: Answer, context: FormatContext): StreamScript {
  const frames: Frame[] = []
  /** Each item and the sequence number of its `response.output_item.done`: a failure carries the items done before it. */
  const done: Array<{ sequence: number, item: OutputItem }> = []

  function event (type: string, fields: Record<string, unknown>, delta = false): void {
    frames.push({ payload: JSON.stringify({ type, sequence_number: frames.length, ...fields }), delta })
  }

  function itemDone (item: OutputItem, outputIndex: number): void {
    done.push({ sequence: frames.length, item })
    event('response.output_item.done', { output_index: outputIndex, item })
  }

  function reasoningEvents (item: ReasoningItem, outputIndex: number): void {
    const where = { item_id: item.id, output_index: outputIndex, summary_index: 0 }
    event('response.output_item.added', { output_index: outputIndex, item: { type: 'reasoning', id: item.id, summary: [] } })
    const summary = item.summary[0]
    if (summary !== undefined) {
      const text = summary.text
      event('response.reasoning_summary_part.added', { ...where, part: { type: 'summary_text', text: '' } })
      for (const delta of splitAfterSpaces(text)) event('response.reasoning_summary_text.delta', { ...where, delta })
      event('response.reasoning_summary_text.done', { ...where, text })
      event('response.reasoning_summary_part.done', { ...where, part: { type: 'summary_text', text } })
    }
    itemDone(item, outputIndex)
  }

  function messageEvents (item: MessageItem, outputIndex: number): void {
    const where = { item_id: item.id, output_index: outputIndex, content_index: 0 }
    const part = item.content[0]
    event('response.output_item.added', { output_index: outputIndex, item: { ...item, status: 'in_progress', content: [] } })
    event('response.content_part.added', { ...where, part: { ...part, text: '' } })
    for (const delta of answer.deltas) event('response.output_text.delta', { ...where, delta, logprobs: [] }, true)
    event('response.output_text.done', { ...where, text: part.text, logprobs: [] })
    event('response.content_part.done', { ...where, part })
    itemDone(item, outputIndex)
  }

  function functionCallEvents (item: FunctionCallItem, outputIndex: number): void {
    const where = { item_id: item.id, output_index: outputIndex }
    event('response.output_item.added', { output_index: outputIndex, item: { ...item, arguments: '', status: 'in_progress' } })
    for (const delta of argumentPieces(item.arguments, answer.awkwardToolDeltas)) event('response.function_call_arguments.delta', { ...where, delta }, true)
    event('response.function_call_arguments.done', { ...where, name: item.name, arguments: item.arguments })
    itemDone(item, outputIndex)
  }

  event('response.created', { response: responseObject(answer, context, 'in_progress', []) })
  event('response.in_progress', { response: responseObject(answer, context, 'in_progress', []) })
  const items = outputItems(answer, context)
  items.forEach(function itemEvents (item, outputIndex) {
    if (item.type === 'reasoning') reasoningEvents(item, outputIndex)
    else if (item.type === 'message') messageEvents(item, outputIndex)
    else functionCallEvents(item, outputIndex)
  })
  const status = finalStatus(answer)
  event(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: responseObject(answer, context, status, items) })

  const script = toScript(frames)
  script.failure = function failedEvent (written: number, error: unknown): string {
    const finished = done.filter((entry) => entry.sequence < written).map((entry) => entry.item)
    const response = { ...responseObject(answer, context, 'failed', finished), error }
    return JSON.stringify({ type: 'response.failed', sequence_number: written, response })
  }
  return script
}
