import type { Answer } from './answer.ts'
import type { MockToolCall } from './types.ts'
import type { FormatContext } from './wire-format.ts'

// How OpenAI streams tool calls (https://platform.openai.com/docs/api-reference/chat-streaming):
// the first delta of a call carries `index`, `id`, `type` and `function.name` (with `arguments`
// empty), the next ones only `index` and a fragment of `function.arguments`; a client appends
// the fragments by `index`. Parallel calls come one after the other.

/** One entry of a chunk's `delta.tool_calls`. */
export interface ToolCallDelta {
  index: number
  id?: string
  type?: 'function'
  function: { name?: string, arguments?: string }
}

/** The id of a call: the behaviour's, or `call_<answer>_<index>`. */
export function toolCallId (call: MockToolCall, index: number, context: FormatContext): string {
  return call.id ?? `call_${context.id.replace('chatcmpl-', '')}_${index}`
}

/** The `tool_calls` deltas of an answer's calls, one per chunk, in order. */
export function toolCallDeltas (answer: Answer, context: FormatContext): ToolCallDelta[] {
  const deltas: ToolCallDelta[] = []
  answer.toolCalls.forEach(function callDeltas (call, index) {
    const id = toolCallId(call, index, context)
    if (answer.awkwardToolDeltas && call.name.length > 1) {
      // The name over two deltas, the arguments in awkward pieces.
      const half = call.name.length >> 1
      deltas.push({ index, id, type: 'function', function: { name: call.name.slice(0, half) } })
      deltas.push({ index, function: { name: call.name.slice(half) } })
      for (const fragment of argumentPieces(call.arguments, true)) deltas.push({ index, function: { arguments: fragment } })
      return
    }
    deltas.push({ index, id, type: 'function', function: { name: call.name, arguments: '' } })
    for (const fragment of argumentPieces(call.arguments, false)) deltas.push({ index, function: { arguments: fragment } })
  })
  return deltas
}

/**
 * A call's arguments in the fragments a stream sends them in: every 6 characters, or, when
 * `awkward`, cut after the first character, inside the first string value and inside the first
 * escape sequence. No fragment for empty arguments.
 */
export function argumentPieces (text: string, awkward: boolean): string[] {
  return piecesAt(text, awkward ? awkwardCuts(text) : everyNth(text, 6))
}

function everyNth (text: string, size: number): number[] {
  const cuts: number[] = []
  for (let at = size; at < text.length; at += size) cuts.push(at)
  return cuts
}

/** After the first character, inside the first string value, and between a backslash and what it escapes. */
function awkwardCuts (text: string): number[] {
  const cuts = [1]
  const value = text.indexOf(':"')
  if (value !== -1) cuts.push(value + 3)
  const escape = text.indexOf('\\')
  if (escape !== -1) cuts.push(escape + 1, text[escape + 1] === 'u' ? escape + 4 : escape + 2)
  return cuts
}

function piecesAt (text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts)].filter((point) => point > 0 && point < text.length).sort((a, b) => a - b)
  const pieces: string[] = []
  let start = 0
  for (const point of [...points, text.length]) {
    pieces.push(text.slice(start, point))
    start = point
  }
  return pieces.filter((piece) => piece !== '')
}
