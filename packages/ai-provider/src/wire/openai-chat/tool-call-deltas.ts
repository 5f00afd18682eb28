// Layer wire/ (wire formats, both directions). Imports conversation/ and the base files only.
//
// Assembles OpenAI-style tool-call deltas (`delta.tool_calls[]`, by `index`) into whole calls:
// one module for every reader of the format. The rules of the format: the first delta of a call
// has `index`, `id`, `type` and `function.name`; the next ones only `index` and a fragment of
// `function.arguments`, appended in order. Calls come one after the other, so a call is complete
// once a higher index starts, or when the answer finishes (finish reason, `[DONE]`, end of body).
//
// Robustness, each case seen in a server or allowed by the format:
// - a name in several fragments is appended like the arguments; a server repeating the whole
//   name in every delta does not get it twice (a fragment equal to the name so far is skipped);
// - the id comes from the first delta that has one (servers that repeat it are fine, ids are
//   never appended); a call that never got one gets a generated id;
// - arguments sent as an object (some compatible servers) are turned into JSON text;
// - a delta without `index` belongs to the open call, or starts the next one when its id differs;
// - a delta whose id differs from the open call's id at its index closes that call and starts the
//   next one: Ollama, LiteLLM and SGLang send every parallel call with `index: 0`, told apart by
//   their ids only (OpenAI sends the id in a call's first delta only, some servers in every delta:
//   neither changes the id within a call);
// - blank arguments (empty or whitespace: vLLM, Ollama and OpenRouter for a tool without
//   parameters) become `{}`, the object they stand for, so clients can parse them;
// - fragments are never parsed: malformed arguments are passed on as the text they were.
// A fragment for a call already completed (a server interleaving calls) cannot be taken back and
// is dropped; no known server does this.

import { randomUUID } from 'node:crypto'
import type { AiToolCall } from '../../conversation/index.ts'

/** A call just completed, with its place among the answer's calls (from 0, in order). */
export interface AssembledToolCall {
  index: number
  toolCall: AiToolCall
}

/** The calls of one answer being assembled. */
export interface ToolCallDeltas {
  /** Reads one chunk's `delta.tool_calls`; returns the calls it completed (earlier indexes), in order. */
  read (deltas: unknown): AssembledToolCall[]
  /** The answer finished: completes every open call, in index order. */
  finish (): AssembledToolCall[]
  /** How many calls were completed so far. */
  readonly completed: number
}

/** A call being assembled. */
interface OpenCall {
  wireIndex: number
  id: string
  name: string
  arguments: string
}

/** An id for a call that came without one. */
export function generatedToolCallId (): string {
  return 'call_' + randomUUID().replaceAll('-', '').slice(0, 24)
}

/** Starts assembling the calls of one answer. */
export function createToolCallDeltas (): ToolCallDeltas {
  /** Open calls by wire index, in the order they started. */
  const open = new Map<number, OpenCall>()
  /** The highest wire index completed: later fragments for it (or lower) are dropped. */
  let closedBelow = -1
  let completed = 0
  let last: OpenCall | undefined

  function close (call: OpenCall): AssembledToolCall {
    open.delete(call.wireIndex)
    if (call.wireIndex > closedBelow) closedBelow = call.wireIndex
    const toolCall: AiToolCall = { id: call.id === '' ? generatedToolCallId() : call.id, name: call.name, arguments: nonBlankArguments(call.arguments) }
    return { index: completed++, toolCall }
  }

  function closeBelow (wireIndex: number, done: AssembledToolCall[]): void {
    for (const call of [...open.values()].sort(byWireIndex)) {
      if (call.wireIndex < wireIndex) done.push(close(call))
    }
  }

  function wireIndexOf (delta: Record<string, unknown>): number {
    if (typeof delta.index === 'number' && Number.isInteger(delta.index) && delta.index >= 0) return delta.index
    const id = delta.id
    if (last === undefined) return closedBelow + 1
    if (typeof id === 'string' && id !== '' && last.id !== '' && id !== last.id) return Math.max(last.wireIndex, closedBelow) + 1
    return last.wireIndex
  }

  function readOne (delta: Record<string, unknown>, done: AssembledToolCall[]): void {
    const wireIndex = wireIndexOf(delta)
    const id = typeof delta.id === 'string' && delta.id !== '' ? delta.id : undefined
    let call = open.get(wireIndex)
    if (call !== undefined && id !== undefined && call.id !== '' && id !== call.id) {
      // Another call at the same index (Ollama, LiteLLM, SGLang): the open one is complete.
      closeBelow(wireIndex + 1, done)
      call = undefined
    } else if (call === undefined && wireIndex <= closedBelow) {
      return
    }
    if (call === undefined) {
      closeBelow(wireIndex, done)
      call = { wireIndex, id: '', name: '', arguments: '' }
      open.set(wireIndex, call)
    }
    last = call
    if (call.id === '' && id !== undefined) call.id = id
    const fn = delta.function
    if (fn === null || typeof fn !== 'object') return
    const { name, arguments: fragment } = fn as { name?: unknown, arguments?: unknown }
    if (typeof name === 'string' && name !== call.name) call.name += name
    if (typeof fragment === 'string') call.arguments += fragment
    else if (fragment !== null && typeof fragment === 'object') call.arguments += JSON.stringify(fragment)
  }

  return {
    read: function read (deltas: unknown): AssembledToolCall[] {
      const done: AssembledToolCall[] = []
      if (!Array.isArray(deltas)) return done
      for (const delta of deltas) {
        if (delta !== null && typeof delta === 'object') readOne(delta as Record<string, unknown>, done)
      }
      return done
    },
    finish: function finish (): AssembledToolCall[] {
      const done: AssembledToolCall[] = []
      closeBelow(Number.POSITIVE_INFINITY, done)
      last = undefined
      return done
    },
    get completed () { return completed }
  }
}

/** Arguments as a call gives them, `{}` when blank (a tool without parameters on some servers). */
export function nonBlankArguments (text: string): string {
  return text.trim() === '' ? '{}' : text
}

function byWireIndex (a: OpenCall, b: OpenCall): number {
  return a.wireIndex - b.wireIndex
}
