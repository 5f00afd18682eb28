// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// Gemini function calls <-> tool calls: ids, arguments and thought signatures, shared by the
// answer reader, the stream reader and the request writer.
//
// Ids. A `functionCall` part carries an `id` on some models only. Without one, the call gets an
// id made from where it stands in the answer (`responseId`, its index among the answer's calls,
// name, arguments), so reading the same answer twice, whole or streamed, gives the same ids, and
// two answers making the same call do not. Such ids start with GENERATED_TOOL_CALL_ID_PREFIX and
// are not sent back to Gemini, which never saw them.
//
// Signatures. Gemini 3 puts a `thoughtSignature` on the first `functionCall` part of each step
// (only the first of parallel calls has one) and answers 400 when a step of the current turn
// comes back without it. It travels as `providerData.gemini.thoughtSignature` on its call. For
// calls no Gemini model made (another provider answered that step, or the caller wrote the
// history), the thought-signatures docs give a value that skips the check:
// DUMMY_THOUGHT_SIGNATURE.

import { createHash } from 'node:crypto'
import type { AiProviderData, AiToolCall } from '../../conversation/tools.ts'
import { AiProviderMalformedResponseError } from '../../errors.ts'

/** How the ids AI Warp makes for Gemini calls without one start. */
export const GENERATED_TOOL_CALL_ID_PREFIX = 'gemini-call-'

/** The signature Gemini documents for function calls it did not produce (thought-signatures FAQ). */
export const DUMMY_THOUGHT_SIGNATURE = 'skip_thought_signature_validator'

/** The key of Gemini's entry in `providerData`. */
export const GEMINI_PROVIDER_KEY = 'gemini'

/** The id of a call Gemini gave none: stable for one answer, distinct between answers. */
export function generatedToolCallId (responseId: string, index: number, name: string, args: string): string {
  const digest = createHash('sha256').update(`${responseId}\n${index}\n${name}\n${args}`).digest('base64url').slice(0, 16)
  return `${GENERATED_TOOL_CALL_ID_PREFIX}${index}-${digest}`
}

/** Whether AI Warp made this id (so Gemini never saw it). */
export function isGeneratedToolCallId (id: string): boolean {
  return id.startsWith(GENERATED_TOOL_CALL_ID_PREFIX)
}

/** The Gemini thought signature kept in `providerData`, if any. */
export function geminiThoughtSignature (providerData: AiProviderData | undefined): string | undefined {
  const signature = providerData?.[GEMINI_PROVIDER_KEY]?.thoughtSignature
  return typeof signature === 'string' && signature !== '' ? signature : undefined
}

/** A part as read from an answer, before its fields are checked. */
export interface UncheckedGeminiPart {
  text?: unknown
  thought?: unknown
  thoughtSignature?: unknown
  functionCall?: unknown
}

/**
 * The tool call of a `functionCall` part. `index` is its place among the answer's calls,
 * `responseId` the answer's id (`''` when Gemini sent none).
 */
export function toolCallFromGemini (part: UncheckedGeminiPart, index: number, responseId: string, label: string): AiToolCall {
  const call = part.functionCall
  if (call === null || typeof call !== 'object' || Array.isArray(call)) {
    throw new AiProviderMalformedResponseError(label, 'functionCall is not an object')
  }
  const { id, name, args } = call as { id?: unknown, name?: unknown, args?: unknown }
  if (typeof name !== 'string' || name === '') throw new AiProviderMalformedResponseError(label, 'functionCall.name is not a string')
  // Gemini's args is a JSON object; anything else is passed on as the JSON it was.
  const argumentsText = args === undefined || args === null ? '{}' : JSON.stringify(args)
  const toolCall: AiToolCall = {
    id: typeof id === 'string' && id !== '' ? id : generatedToolCallId(responseId, index, name, argumentsText),
    name,
    arguments: argumentsText
  }
  if (typeof part.thoughtSignature === 'string' && part.thoughtSignature !== '') {
    toolCall.providerData = { [GEMINI_PROVIDER_KEY]: { thoughtSignature: part.thoughtSignature } }
  }
  return toolCall
}

/**
 * `args` of a call going back to Gemini: its arguments when they are a JSON object, `{}` when
 * blank (a call to a tool without parameters, as vLLM, Ollama and OpenRouter answer it), else
 * `{ value }`.
 */
export function geminiArguments (argumentsText: string): Record<string, unknown> {
  if (argumentsText.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(argumentsText)
  } catch {
    return { value: argumentsText }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  return { value }
}
