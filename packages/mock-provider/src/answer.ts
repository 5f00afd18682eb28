import type { MockBehaviour, MockToolCall, MockUsage } from './types.ts'

/** What the mock answers, independent of the wire format. */
export interface Answer {
  /** Model name echoed in the answer. */
  model: string
  /** The whole answer text ('' for an empty answer). */
  text: string
  /** Stream content deltas (empty for an empty answer). */
  deltas: string[]
  /** Finish reason given by the behaviour, or undefined for the provider's default. */
  finishReason: string | undefined
  /** Usage to report, or false to omit it. */
  usage: MockUsage | false
  /** Tool calls to answer with, after the text (empty for none). */
  toolCalls: MockToolCall[]
  /** OpenAI stream: split tool-call names and arguments at awkward places. */
  awkwardToolDeltas: boolean
}

/** What the request asked for besides its messages. */
export interface AnswerOptions {
  /** Demo mode (see `demoNote`). */
  demo: boolean
  /** The request asked for a JSON answer (OpenAI `response_format`, Gemini `responseMimeType`). */
  json: boolean
}

/** One message of a prompt, reduced to what the mock needs. */
export interface PromptMessage {
  /** `user`, `assistant`, `system`, `model`… as the provider names it. */
  role: string
  /** Concatenated text parts. */
  text: string
}

/**
 * Builds the answer for a prompt, applying the behaviour's overrides. `options.demo` adds to the
 * default answer what the model was sent before the prompt (see `demoNote`); `options.json` makes
 * the default answer a JSON text.
 */
export function buildAnswer (model: string, messages: PromptMessage[], behaviour: MockBehaviour, options: AnswerOptions = { demo: false, json: false }): Answer {
  const toolCalls = behaviour.toolCalls ?? []
  const awkwardToolDeltas = behaviour.awkwardToolDeltas === true
  if (behaviour.emptyAnswer === true) {
    return { model, text: '', deltas: [], finishReason: behaviour.finishReason, usage: usageOf(behaviour, messages, 0), toolCalls: [], awkwardToolDeltas }
  }
  // Tool calls alone, unless text was asked for too.
  const silent = toolCalls.length > 0 && behaviour.text === undefined && behaviour.deltas === undefined
  const text = silent ? '' : behaviour.text ?? defaultText(messages, behaviour.deltas, options)
  const deltas = silent ? [] : behaviour.deltas ?? splitAfterSpaces(text)
  const usage = usageOf(behaviour, messages, deltas.length + toolCalls.length)
  return { model, text, deltas, finishReason: behaviour.finishReason, usage, toolCalls, awkwardToolDeltas }
}

function defaultText (messages: PromptMessage[], deltas: string[] | undefined, options: AnswerOptions): string {
  if (deltas !== undefined) return deltas.join('')
  // The last thing the model was told: the user's words or a tool's result.
  const last = messages.findLast((message) => message.role === 'user' || message.role === 'tool')
  if (options.json) return JSON.stringify({ echo: last?.text ?? '' })
  const echo = 'Echo: ' + (last?.text ?? '')
  return options.demo ? `${echo} ${demoNote(messages.filter((message) => message.role === 'user'))}` : echo
}

/**
 * What a demo answer adds, so a conversation visibly differs from a fresh prompt: how many
 * earlier turns reached the model with the prompt, and the last of them quoted.
 */
function demoNote (prompts: PromptMessage[]): string {
  const earlier = prompts.length - 1
  if (earlier <= 0) return '(no earlier turns)'
  return `(${earlier} earlier ${earlier === 1 ? 'turn' : 'turns'}; the last one: "${prompts[earlier - 1].text}")`
}

/** Splits after each space, keeping the spaces: 'a b c' -> ['a ', 'b ', 'c']. Always at least one chunk. */
export function splitAfterSpaces (text: string): string[] {
  const deltas: string[] = []
  let start = 0
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ' ') {
      deltas.push(text.slice(start, i + 1))
      start = i + 1
    }
  }
  if (start < text.length || deltas.length === 0) deltas.push(text.slice(start))
  return deltas
}

function usageOf (behaviour: MockBehaviour, messages: PromptMessage[], completionTokens: number): MockUsage | false {
  if (behaviour.usage !== undefined) return behaviour.usage
  return { promptTokens: promptTokensOf(messages), completionTokens }
}

/** The prompt tokens the mock counts for a conversation: its words (at least 1). */
export function promptTokensOf (messages: PromptMessage[]): number {
  let promptTokens = 0
  for (const message of messages) promptTokens += countWords(message.text)
  return Math.max(promptTokens, 1)
}

function countWords (text: string): number {
  let words = 0
  let inWord = false
  for (let i = 0; i < text.length; i++) {
    const space = text.charCodeAt(i) <= 32
    if (!space && !inWord) words++
    inWord = !space
  }
  return words
}

/** Text of an OpenAI message content: a string or an array of `{ type: 'text', text }` parts. */
export function openAiContentText (content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  let text = ''
  for (const part of content) {
    if (typeof part?.text === 'string') text += part.text
  }
  return text
}

/** Reads OpenAI/DeepSeek `messages` into prompt messages, tolerating junk. */
export function openAiMessages (body: any): PromptMessage[] {
  const messages = body?.messages
  if (!Array.isArray(messages)) return []
  return messages.map(function toPromptMessage (message: any) {
    return { role: String(message?.role), text: openAiContentText(message?.content) }
  })
}

/**
 * Reads Gemini `contents` into prompt messages (a missing role means `user`), tolerating junk. A
 * content of `functionResponse` parts only is a `tool` message whose text is the responses' text.
 */
export function geminiMessages (body: any): PromptMessage[] {
  const contents = body?.contents
  if (!Array.isArray(contents)) return []
  return contents.map(function toPromptMessage (content: any) {
    const parts: unknown[] = Array.isArray(content?.parts) ? content.parts : []
    const responses = parts.filter(isFunctionResponse)
    if (responses.length > 0 && responses.length === parts.length) {
      return { role: 'tool', text: responses.map(functionResponseText).join('\n') }
    }
    return { role: content?.role === undefined ? 'user' : String(content.role), text: openAiContentText(parts) }
  })
}

function isFunctionResponse (part: any): boolean {
  return part?.functionResponse !== null && typeof part?.functionResponse === 'object'
}

/** A function response's text: its only field when that is a string (`{"result": "22C"}` -> `22C`), its JSON otherwise. */
function functionResponseText (part: any): string {
  const response = part.functionResponse.response
  if (response !== null && typeof response === 'object') {
    const values = Object.values(response)
    if (values.length === 1 && typeof values[0] === 'string') return values[0]
  }
  return JSON.stringify(response ?? null)
}
