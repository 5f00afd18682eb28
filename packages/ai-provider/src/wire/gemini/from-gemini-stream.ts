// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A streamGenerateContent?alt=sse answer -> stream events, one frame (a GenerateContentResponse)
// at a time. Each frame's first candidate holds the next parts: text parts become one `delta`
// per run of text, thought parts are left out, and a `functionCall` part arrives whole (name,
// args and its thoughtSignature on the same part) so it is a `tool_call` at once, numbered
// among the answer's calls. There is no terminator: the frame with a `finishReason` is the
// last that matters, and the end event is made when the body ends (`end()`).
//
// A signature may come on a part of its own, after the text it signs: the thought-signatures
// docs say a streamed answer without calls can end with an empty text part that only carries
// it. Such a part is no delta; the signature is kept in the state (`textSignature`), not passed
// on (see from-gemini-answer.ts).
//
// Frames are parsed, and checked for errors and blocked prompts, by the provider adapter first.

import type { AiToolCall } from '../../conversation/tools.ts'
import type { ProviderStreamEvent } from '../../provider.ts'
import type { AiUsage } from '../../types.ts'
import type { GeminiResponse } from './types.ts'
import { geminiFinish } from './gemini-finish-reasons.ts'
import { toolCallFromGemini } from './gemini-tool-calls.ts'
import { answerText, firstGeminiCandidate, geminiParts, geminiResponseId, geminiUsage } from './from-gemini-answer.ts'

/** The end event of a stream. */
export type GeminiStreamEnd = Extract<ProviderStreamEvent, { type: 'end' }>

/**
 * Where a stream stands: `waiting` before any text or call, `answering` once one came,
 * `finished` once a frame carried a finishReason (later frames may still bring usage).
 */
export type GeminiStreamPhase = 'waiting' | 'answering' | 'finished'

/** What the reader remembers between frames. */
export interface GeminiStreamState {
  phase: GeminiStreamPhase
  /** The answer's `responseId` (the same on every frame), which generated call ids are made from. */
  responseId: string
  /** The calls sent so far, in order: a call's index is its place here. */
  toolCalls: AiToolCall[]
  /** Gemini's finishReason, once a frame carried one. */
  finishReason: string | undefined
  /** The latest usage seen. */
  usage: AiUsage | undefined
  /** The signature of the answer's text, when Gemini sent one (kept, not passed on). */
  textSignature: string | undefined
}

/** Reads one Gemini stream. Its `finishReason` and `usage` mirror the state's, as the adapter contract reads them. */
export interface GeminiStreamReader {
  readonly state: GeminiStreamState
  readonly finishReason: string | undefined
  readonly usage: AiUsage | undefined
  /** The events of one parsed frame, in the order of its parts (none for a usage-only frame). */
  read (frame: GeminiResponse, label: string): ProviderStreamEvent[]
  /** The end event once the body ended: undefined when no frame said how the answer finished (the stream was cut). */
  end (): GeminiStreamEnd | undefined
}

/** A reader for one stream. */
export function createGeminiStreamReader (): GeminiStreamReader {
  const state: GeminiStreamState = {
    phase: 'waiting',
    responseId: '',
    toolCalls: [],
    finishReason: undefined,
    usage: undefined,
    textSignature: undefined
  }

  return {
    state,
    get finishReason () { return state.finishReason },
    get usage () { return state.usage },

    read: function read (frame: GeminiResponse, label: string): ProviderStreamEvent[] {
      if (state.responseId === '') state.responseId = geminiResponseId(frame)
      const usage = geminiUsage(frame.usageMetadata)
      if (usage !== undefined) state.usage = usage
      const candidate = firstGeminiCandidate(frame, label)
      if (candidate === undefined) return []

      const events: ProviderStreamEvent[] = []
      let text = ''
      for (const part of geminiParts(candidate, label)) {
        if (part.functionCall !== undefined) {
          if (text !== '') events.push({ type: 'delta', text })
          text = ''
          const index = state.toolCalls.length
          const toolCall = toolCallFromGemini(part, index, state.responseId, label)
          state.toolCalls.push(toolCall)
          events.push({ type: 'tool_call', index, toolCall })
          continue
        }
        const partText = answerText(part)
        if (partText === undefined) continue
        text += partText
        if (typeof part.thoughtSignature === 'string' && part.thoughtSignature !== '') state.textSignature = part.thoughtSignature
      }
      if (text !== '') events.push({ type: 'delta', text })
      if (events.length > 0 && state.phase === 'waiting') state.phase = 'answering'
      if (typeof candidate.finishReason === 'string') {
        state.finishReason = candidate.finishReason
        state.phase = 'finished'
      }
      return events
    },

    end: function end (): GeminiStreamEnd | undefined {
      if (state.phase !== 'finished') return undefined
      const ending: GeminiStreamEnd = { type: 'end', result: geminiFinish(state.finishReason, state.toolCalls.length).result }
      if (state.usage !== undefined) ending.usage = state.usage
      return ending
    }
  }
}
