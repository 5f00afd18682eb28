// Layer wire/ (wire formats, both directions). Imports conversation/ and the base files only.
//
// A Chat Completions stream -> ProviderStreamEvents, as a named state machine. The adapter parses
// each data payload and reads in-band errors (transport facts); this reader gets the parsed
// chunks, `[DONE]`, and the end of the body.
//
//   streaming --finish_reason--> finished --[DONE]--> done
//   streaming --[DONE]--> done            (servers that send no finish reason)
//
// Text comes as `delta.content` (and `delta.refusal`, answer text too: see
// from-openai-chat-answer.ts); tool calls are assembled by tool-call-deltas.ts and yielded whole,
// each once complete: when a higher index starts, or at the finish reason. With
// `stream_options.include_usage` the usage comes in its own chunk (`choices: []`) AFTER the
// finish reason, so the end event waits for `[DONE]`.

import { AiProviderMalformedResponseError } from '../../errors.ts'
import type { ProviderStreamEvent } from '../../provider.ts'
import type { AiUsage } from '../../types.ts'
import { firstChoice } from './from-openai-chat-answer.ts'
import { openAiChatResult } from './openai-chat-finish-reasons.ts'
import { fromOpenAiChatUsage } from './from-openai-chat-usage.ts'
import { createToolCallDeltas } from './tool-call-deltas.ts'
import type { AssembledToolCall, ToolCallDeltas } from './tool-call-deltas.ts'

/** What one read yields: nothing, one event, or several in order (never an empty array). */
export type OpenAiChatStreamOutput = ProviderStreamEvent | ProviderStreamEvent[] | undefined

/** Where the stream is. */
export type OpenAiChatStreamPhase = 'streaming' | 'finished' | 'done'

/** What the reader remembers between chunks. */
export interface OpenAiChatStreamState {
  phase: OpenAiChatStreamPhase
  /** The provider's finish reason, once a chunk carried one. */
  finishReason: string | undefined
  /** The latest usage seen. */
  usage: AiUsage | undefined
  /** The tool calls being assembled, from the first tool-call delta on. */
  toolCalls: ToolCallDeltas | undefined
}

/** Reads one stream. */
export interface OpenAiChatStreamReader {
  /** The state, for inspection (tests, the adapter's end-of-body decision). */
  readonly state: OpenAiChatStreamState
  /** Reads one parsed chunk (not `[DONE]`). */
  read (chunk: unknown): OpenAiChatStreamOutput
  /** `data: [DONE]`: the open calls and the end event. */
  done (): ProviderStreamEvent[]
  /**
   * The body ended without `[DONE]`: the same as `done()` when a finish reason already said the
   * answer was over (some servers close without `[DONE]`), undefined when it was cut short.
   */
  end (): ProviderStreamEvent[] | undefined
}

/** Starts reading one stream; `label` (`provider:model`) names the provider in errors. */
export function createOpenAiChatStreamReader (label: string): OpenAiChatStreamReader {
  // The calls' assembler is made by the first tool-call delta: most streams have none.
  const state: OpenAiChatStreamState = { phase: 'streaming', finishReason: undefined, usage: undefined, toolCalls: undefined }

  function callEvents (calls: AssembledToolCall[], output: OpenAiChatStreamOutput): OpenAiChatStreamOutput {
    for (const call of calls) {
      if (call.toolCall.name === '') throw new AiProviderMalformedResponseError(label, `tool call ${call.index} has no function name`)
      output = append(output, { type: 'tool_call', index: call.index, toolCall: call.toolCall })
    }
    return output
  }

  function finish (): ProviderStreamEvent[] {
    const events = state.toolCalls === undefined ? [] : asArray(callEvents(state.toolCalls.finish(), undefined))
    state.phase = 'done'
    const end: ProviderStreamEvent = { type: 'end', result: openAiChatResult(state.finishReason, (state.toolCalls?.completed ?? 0) > 0) }
    if (state.usage !== undefined) end.usage = state.usage
    events.push(end)
    return events
  }

  return {
    state,
    read: function read (chunk: unknown): OpenAiChatStreamOutput {
      if (state.phase === 'done') return undefined
      const usage = fromOpenAiChatUsage((chunk as { usage?: unknown } | null)?.usage)
      if (usage !== undefined) state.usage = usage
      // "choices": [] is normal: a keep-alive, or the usage chunk after the finish reason.
      const choice = firstChoice(chunk, label)
      if (choice === undefined) return undefined
      const delta = choice.delta as Record<string, unknown> | null | undefined
      let output: OpenAiChatStreamOutput
      if (delta !== null && typeof delta === 'object') {
        // DeepSeek's `reasoning_content` is thinking, not answer text: only content and refusal count.
        if (typeof delta.content === 'string' && delta.content !== '') output = { type: 'delta', text: delta.content }
        if (typeof delta.refusal === 'string' && delta.refusal !== '') output = append(output, { type: 'delta', text: delta.refusal })
        if (delta.tool_calls !== undefined && delta.tool_calls !== null) {
          state.toolCalls ??= createToolCallDeltas()
          output = callEvents(state.toolCalls.read(delta.tool_calls), output)
        }
      }
      if (typeof choice.finish_reason === 'string') {
        state.finishReason = choice.finish_reason
        state.phase = 'finished'
        if (state.toolCalls !== undefined) output = callEvents(state.toolCalls.finish(), output)
      }
      return output
    },
    done: finish,
    end: function end (): ProviderStreamEvent[] | undefined {
      if (state.phase === 'done') return undefined
      return state.finishReason === undefined ? undefined : finish()
    }
  }
}

function append (output: OpenAiChatStreamOutput, event: ProviderStreamEvent): OpenAiChatStreamOutput {
  if (output === undefined) return event
  if (Array.isArray(output)) {
    output.push(event)
    return output
  }
  return [output, event]
}

function asArray (output: OpenAiChatStreamOutput): ProviderStreamEvent[] {
  if (output === undefined) return []
  return Array.isArray(output) ? output : [output]
}
