// Layer sessions/ (history in the store, and the messages a provider is sent). May import
// providers/, stores/, conversation/ and the base files; see docs/architecture.md.
//
// What a request adds to its conversation (a prompt, messages, tool results), read and checked
// once, before the store or a provider is asked anything.

import { hash } from 'node:crypto'
import type { AiContentPart, AiMessage, AiRequest, AiToolCall } from '../types.ts'
import { AiBadRequestError } from '../errors.ts'
import { contentText } from '../conversation/content.ts'
import { messagesProblem, responseFormatProblem, toolChoiceProblem, toolsProblem } from '../conversation/validate.ts'

/** The messages a request adds before its answer. */
export interface TurnInput {
  /** The messages, in order (the tool results after the request's messages). */
  messages: AiMessage[]
  /** The text of the last user message (`''` when there is none): the turn's `prompt`. */
  prompt: string
  /** True when the input is `prompt` alone: the turn is stored as before (no `input`). */
  plain: boolean
  /** Its digest, once `digestOf` computed it (streams only: a prompt does not need one). */
  digest?: string
  /** How many of `messages` came from the request's `messages` and `prompt`: the rest are its `toolResults`, in order. */
  ownMessages: number
}

/**
 * A 400 naming the field at fault (`error.field`, e.g. `tools[1].name`), for requests whose
 * conversation cannot be sent: routes answer it with that field (OpenAI's `param`).
 */
export function fieldError (field: string, message: string): Error & { field: string } {
  return Object.assign(new AiBadRequestError(message), { field })
}

/** A short digest of a prompt, so the stream state can tell a resend from a new prompt without keeping its text. */
export function promptHash (prompt: string): string {
  // The one-shot hash: no Hash object per request (a third of the cost for a short prompt).
  return hash('sha256', prompt, 'base64url').slice(0, 22)
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool'])
const PART_TYPES = new Set(['text', 'image', 'file'])

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function checkContent (content: unknown, field: string, partsAllowed: boolean): void {
  if (typeof content === 'string') return
  if (!partsAllowed || !Array.isArray(content)) throw fieldError(field, `${field} must be a string${partsAllowed ? ' or an array of parts' : ''}`)
  content.forEach(function checkPart (part: unknown, index) {
    const at = `${field}[${index}]`
    if (!isRecord(part) || !PART_TYPES.has(part.type as string)) throw fieldError(`${at}.type`, `${at} must be a part of type text, image or file`)
    const value = part as unknown as AiContentPart
    if (value.type === 'text' && typeof value.text !== 'string') throw fieldError(`${at}.text`, `${at}.text must be a string`)
    if (value.type === 'file' && (typeof value.data !== 'string' || value.data === '')) throw fieldError(`${at}.data`, `${at}.data must be base64 text`)
  })
}

function checkToolCalls (calls: unknown, field: string): void {
  if (calls === undefined) return
  if (!Array.isArray(calls)) throw fieldError(field, `${field} must be an array`)
  calls.forEach(function checkCall (call: unknown, index) {
    const at = `${field}[${index}]`
    if (!isRecord(call)) throw fieldError(at, `${at} must be an object`)
    for (const key of ['id', 'name', 'arguments'] as const) {
      if (typeof (call as Partial<AiToolCall>)[key] !== 'string' || (key !== 'arguments' && call[key] === '')) throw fieldError(`${at}.${key}`, `${at}.${key} must be a ${key === 'arguments' ? '' : 'non-empty '}string`)
    }
  })
}

/** The messages' shapes (an embedder calls the core with whatever it built). */
function checkMessages (messages: unknown, field: string): asserts messages is AiMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) throw fieldError(field, `${field} must be a non-empty array`)
  messages.forEach(function checkMessage (message: unknown, index) {
    const at = `${field}[${index}]`
    if (!isRecord(message) || !ROLES.has(message.role as string)) throw fieldError(`${at}.role`, `${at}.role must be system, user, assistant or tool`)
    checkContent(message.content, `${at}.content`, message.role === 'user' || message.role === 'tool')
    if (message.role === 'assistant') checkToolCalls(message.toolCalls, `${at}.toolCalls`)
    if (message.role === 'tool' && (typeof message.toolCallId !== 'string' || message.toolCallId === '')) throw fieldError(`${at}.toolCallId`, `${at}.toolCallId must be a non-empty string`)
  })
}

const TOOL_CHOICES = new Set(['auto', 'none', 'required'])
const RESPONSE_FORMATS = new Set(['text', 'json_object', 'json_schema'])

/** toolChoice, responseFormat and parallelToolCalls are of the shapes the model knows. */
function checkOptionShapes (request: AiRequest): void {
  const { toolChoice, responseFormat, parallelToolCalls } = request
  if (toolChoice !== undefined && !TOOL_CHOICES.has(toolChoice as string) && !(isRecord(toolChoice) && typeof toolChoice.name === 'string')) {
    throw fieldError('toolChoice', 'toolChoice must be "auto", "none", "required" or {"name": <a tool of the request>}')
  }
  if (responseFormat !== undefined && !(isRecord(responseFormat) && RESPONSE_FORMATS.has(responseFormat.type as string))) {
    throw fieldError('responseFormat.type', 'responseFormat must be {"type": "text"}, {"type": "json_object"} or {"type": "json_schema", "name", "schema"}')
  }
  if (parallelToolCalls !== undefined && typeof parallelToolCalls !== 'boolean') throw fieldError('parallelToolCalls', 'parallelToolCalls must be a boolean')
}

/**
 * Read what a request adds to its conversation, and check everything that can be checked
 * without its session: shapes, tools, tool choice, response format, parts. Throws AI_BAD_REQUEST
 * errors naming the field (`error.field`).
 */
export function readTurnInput (request: AiRequest): TurnInput {
  const { prompt, messages, toolResults } = request
  if (prompt !== undefined && messages !== undefined) throw fieldError('messages', 'prompt and messages cannot be used together')
  if (prompt !== undefined && (typeof prompt !== 'string' || prompt.length === 0)) throw fieldError('prompt', 'prompt must be a non-empty string')
  if (messages !== undefined) checkMessages(messages, 'messages')
  if (toolResults !== undefined && (!Array.isArray(toolResults) || toolResults.length === 0)) throw fieldError('toolResults', 'toolResults must be a non-empty array')
  if (prompt === undefined && messages === undefined && toolResults === undefined) throw new AiBadRequestError('prompt must be a non-empty string')
  if (request.tools !== undefined) {
    if (!Array.isArray(request.tools)) throw fieldError('tools', 'tools must be an array')
    const problem = toolsProblem(request.tools)
    if (problem !== undefined) throw fieldError(problem.field, problem.message)
  }
  const thinking: unknown = request.thinking
  if (thinking !== undefined && (!isRecord(thinking) || !Number.isInteger(thinking.budgetTokens) || (thinking.budgetTokens as number) < 1)) {
    throw fieldError('thinking.budgetTokens', 'thinking.budgetTokens must be a positive integer')
  }
  checkOptionShapes(request)
  for (const problem of [toolChoiceProblem(request.toolChoice, request.tools), responseFormatProblem(request.responseFormat)]) {
    if (problem !== undefined) throw fieldError(problem.field, problem.message)
  }
  if (prompt !== undefined && toolResults === undefined) return { messages: [{ role: 'user', content: prompt }], prompt, plain: true, ownMessages: 1 }

  const added: AiMessage[] = messages === undefined ? [] : messages.slice()
  if (prompt !== undefined) added.push({ role: 'user', content: prompt })
  const ownMessages = added.length
  toolResults?.forEach(function addResult (result, index) {
    const at = `toolResults[${index}]`
    if (!isRecord(result) || typeof result.toolCallId !== 'string' || result.toolCallId === '') throw fieldError(`${at}.toolCallId`, `${at}.toolCallId must be a non-empty string`)
    if (typeof result.content !== 'string') throw fieldError(`${at}.content`, `${at}.content must be a string`)
    added.push({ role: 'tool', toolCallId: result.toolCallId, content: result.content })
  })
  // Parts only: the tool results are checked against the conversation once it is known.
  const problem = messagesProblem(added)
  if (problem !== undefined) throw fieldError(problem.field, problem.message)
  const lastUser = added.findLast(function isUser (message) { return message.role === 'user' })
  return {
    messages: added,
    prompt: lastUser === undefined ? '' : contentText(lastUser.content),
    plain: false,
    ownMessages
  }
}

/** The digest of an input, computed once: a resend of it resumes the stream it started (SPEC §5). */
export function digestOf (input: TurnInput): string {
  input.digest ??= promptHash(input.plain ? input.prompt : JSON.stringify(input.messages))
  return input.digest
}

/** The field of the request that `field` (in `messages[i]…` terms of `input.messages`) came from. */
export function requestField (input: TurnInput, field: string): string {
  const match = /^messages\[(\d+)\](.*)$/.exec(field)
  if (match === null || Number(match[1]) < input.ownMessages) return field
  return `toolResults[${Number(match[1]) - input.ownMessages}]${match[2]}`
}
