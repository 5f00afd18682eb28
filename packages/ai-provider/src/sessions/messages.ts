// Layer sessions/ (history in the store, and the messages a provider is sent). May import
// providers/, stores/, conversation/ and the base files; see docs/architecture.md.
//
// What a provider is sent: the session's context, its replayable turns, the new turn's input;
// and what of a turn's input a session keeps.

import type { AiContent, AiMessage, AiRequest, AiTurn } from '../types.ts'
import type { ProviderInput } from '../provider.ts'
import type { NormalizedModel } from '../options.ts'
import type { TurnInput } from './turn-input.ts'
import { fieldError, requestField } from './turn-input.ts'
import { messagesProblem } from '../conversation/validate.ts'

/** Only real answers are replayed; failed or interrupted turns never reach a provider. */
function isReplayable (turn: AiTurn): boolean {
  return turn.result === 'COMPLETE' || turn.result === 'INCOMPLETE_MAX_TOKENS' || turn.result === 'TOOL_CALLS'
}

/** The messages a stored turn adds before its answer (turns of earlier versions: their prompt). */
function inputOf (turn: AiTurn): AiMessage[] {
  return turn.input ?? [{ role: 'user', content: turn.prompt }]
}

function answerOf (turn: AiTurn): AiMessage {
  const answer: AiMessage = { role: 'assistant', content: turn.response }
  if (turn.toolCalls !== undefined && turn.toolCalls.length > 0) answer.toolCalls = turn.toolCalls
  if (turn.reasoning !== undefined && turn.reasoning.length > 0) answer.reasoning = turn.reasoning
  return answer
}

/** What stands in for the turns `historyLength` dropped, when what is left starts with the model's part. */
export const TRIMMED_HISTORY_NOTE = '[The earlier part of this conversation is no longer kept.]'

/**
 * The conversation for a turn: system(context), the replayable turns, then the turn's input.
 * A tool call is never split from its result: a tool result whose call the history no longer
 * holds (trimmed by `historyLength`) is left out, and so are calls that no later message
 * answers (their results' turn failed). When trimming leaves the model speaking first, a short
 * user note says the start is gone (some providers require a user message first). A tool
 * result of the new input that answers no call of the conversation is the request's fault
 * (AI_BAD_REQUEST naming it).
 */
export function buildMessages (context: string | undefined, turns: readonly AiTurn[], input: TurnInput): AiMessage[] {
  const messages: AiMessage[] = []
  if (context !== undefined && context.length > 0) messages.push({ role: 'system', content: context })
  const calls = new Set<string>()
  let plainSoFar = true
  let trimmed = false
  for (const turn of turns) {
    if (!isReplayable(turn)) continue
    if (turn.input !== undefined || turn.toolCalls !== undefined) plainSoFar = false
    for (const message of inputOf(turn)) {
      if (message.role === 'tool' && !calls.has(message.toolCallId)) {
        trimmed = true
        continue
      }
      addCalls(calls, message)
      messages.push(message)
    }
    const answer = answerOf(turn)
    addCalls(calls, answer)
    messages.push(answer)
  }
  if (!input.plain) {
    const problem = messagesProblem(input.messages, calls)
    if (problem !== undefined) {
      const field = requestField(input, problem.field)
      throw fieldError(field, problem.message.replace(problem.field, field))
    }
  }
  messages.push(...input.messages)
  // A text-only conversation (the common case) has no call to pair: nothing more to look at.
  if (plainSoFar && input.plain) return messages
  const paired = withoutUnansweredCalls(messages)
  if (trimmed) {
    const first = paired.findIndex(function spoken (message) { return message.role !== 'system' })
    if (first !== -1 && paired[first].role !== 'user') paired.splice(first, 0, { role: 'user', content: TRIMMED_HISTORY_NOTE })
  }
  return paired
}

function addCalls (calls: Set<string>, message: AiMessage): void {
  if (message.role !== 'assistant' || message.toolCalls === undefined) return
  for (const call of message.toolCalls) calls.add(call.id)
}

/** Drop the tool calls no tool message answers (providers refuse them), and assistant messages left empty. */
function withoutUnansweredCalls (messages: AiMessage[]): AiMessage[] {
  const answered = new Set<string>()
  for (const message of messages) {
    if (message.role === 'tool') answered.add(message.toolCallId)
  }
  const result: AiMessage[] = []
  for (const message of messages) {
    if (message.role !== 'assistant' || message.toolCalls === undefined) {
      result.push(message)
      continue
    }
    const toolCalls = message.toolCalls.filter(function isAnswered (call) { return answered.has(call.id) })
    if (toolCalls.length === message.toolCalls.length) {
      result.push(message)
    } else if (toolCalls.length > 0) {
      result.push({ ...message, toolCalls })
    } else if (message.content !== '') {
      const { toolCalls: _dropped, ...rest } = message
      result.push(rest)
    }
  }
  return result
}

/** Inline data (images, files) larger than this is not kept in a session; a text note stands in for it. */
export const MAX_KEPT_INLINE_BYTES = 256 * 1024

function keptContent (content: AiContent): AiContent {
  if (typeof content === 'string') return content
  let changed = false
  const kept = content.map(function keepPart (part) {
    const data = part.type === 'image' ? (part.url.startsWith('data:') ? part.url : undefined) : part.type === 'file' ? part.data : undefined
    if (data === undefined || data.length <= MAX_KEPT_INLINE_BYTES) return part
    changed = true
    const mediaType = part.type === 'file' ? part.mediaType : part.type === 'image' ? (part.mediaType ?? /^data:([^;,]+)/.exec(part.url)?.[1] ?? 'image') : ''
    return { type: 'text' as const, text: `[${part.type} not kept in this session's history: ${mediaType}, ${Math.round(data.length * 3 / 4 / 1024)} KiB]` }
  })
  return changed ? kept : content
}

/** A turn's input as a session keeps it: inline data above MAX_KEPT_INLINE_BYTES replaced by a note. */
export function keptInput (input: TurnInput): AiMessage[] | undefined {
  if (input.plain) return undefined
  return input.messages.map(function keepMessage (message) {
    if (message.role !== 'user' && message.role !== 'tool') return message
    const content = keptContent(message.content)
    return content === message.content ? message : { ...message, content } as AiMessage
  })
}

/** The request's output budget capped by the model's own limit. */
export function capMaxTokens (requested: number | undefined, limit: number | undefined): number | undefined {
  if (requested === undefined) return limit
  if (limit === undefined) return requested
  return Math.min(requested, limit)
}

/** The provider input for one model of the chain. */
export function buildProviderInput (request: AiRequest, messages: AiMessage[], model: NormalizedModel): ProviderInput {
  const input: ProviderInput = {
    messages,
    temperature: request.temperature,
    maxTokens: capMaxTokens(request.maxTokens, model.limits.maxTokens),
    topP: request.topP,
    stop: request.stop
  }
  // Tool choice and parallel calls mean nothing without tools (and providers refuse them alone).
  if (request.tools !== undefined && request.tools.length > 0) {
    input.tools = request.tools
    if (request.toolChoice !== undefined) input.toolChoice = request.toolChoice
    if (request.parallelToolCalls !== undefined) input.parallelToolCalls = request.parallelToolCalls
  }
  if (request.responseFormat !== undefined && request.responseFormat.type !== 'text') input.responseFormat = request.responseFormat
  if (request.thinking !== undefined) input.thinking = request.thinking
  return input
}
