import type { Answer, PromptMessage } from './answer.ts'
import type { MockToolCall, MockUsage } from './types.ts'
import { eventNameOfType } from './sse-event-name.ts'
import type { FormatContext, StreamScript, WireFormat } from './wire-format.ts'

// Anthropic Messages API: https://docs.anthropic.com/en/api/messages, streaming events
// (https://docs.anthropic.com/en/docs/build-with-claude/streaming) and errors
// (https://docs.anthropic.com/en/api/errors): {"type":"error","error":{"type","message"}}.
// `input_tokens` leaves out the tokens read from or written to the prompt cache.

function usageBody (usage: MockUsage) {
  const cached = usage.cachedTokens ?? 0
  const created = usage.cacheCreationTokens ?? 0
  return {
    input_tokens: Math.max(0, usage.promptTokens - cached - created),
    cache_creation_input_tokens: created,
    cache_read_input_tokens: cached,
    output_tokens: usage.completionTokens,
    service_tier: 'standard'
  }
}

function toolUseId (call: MockToolCall, index: number, context: FormatContext): string {
  return call.id ?? `toolu_${context.id.slice(4)}${index}`
}

function toolInput (call: MockToolCall): Record<string, unknown> {
  try {
    const value = JSON.parse(call.arguments)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value
  } catch {}
  return {}
}

function stopReason (answer: Answer): string {
  return answer.finishReason ?? (answer.toolCalls.length > 0 ? 'tool_use' : 'end_turn')
}

function completion (answer: Answer, context: FormatContext): unknown {
  const content: unknown[] = []
  if (context.thinking !== undefined) content.push({ type: 'thinking', thinking: context.thinking.text, signature: context.thinking.signature })
  if (answer.text !== '') content.push({ type: 'text', text: answer.text })
  answer.toolCalls.forEach(function toolUse (call, index) {
    content.push({ type: 'tool_use', id: toolUseId(call, index, context), name: call.name, input: toolInput(call) })
  })
  return {
    id: context.id,
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content,
    stop_reason: stopReason(answer),
    stop_sequence: null,
    usage: answer.usage === false ? { input_tokens: 0, output_tokens: 0 } : usageBody(answer.usage)
  }
}

/** Splits a text in two (the API sends arguments and thinking in several fragments). */
function halves (text: string): string[] {
  if (text.length < 2) return [text]
  const middle = text.length >> 1
  return [text.slice(0, middle), text.slice(middle)]
}

function streamScript (answer: Answer, context: FormatContext): StreamScript {
  const event = (payload: Record<string, unknown>): string => JSON.stringify(payload)
  const usage = answer.usage === false ? { input_tokens: 0, output_tokens: 0 } : { ...usageBody(answer.usage), output_tokens: 1 }
  const start = { id: context.id, type: 'message', role: 'assistant', model: answer.model, content: [], stop_reason: null, stop_sequence: null, usage }
  const before = [event({ type: 'message_start', message: start }), event({ type: 'ping' })]
  let index = 0
  if (context.thinking !== undefined) {
    before.push(event({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }))
    for (const part of halves(context.thinking.text)) before.push(event({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: part } }))
    before.push(event({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: context.thinking.signature } }))
    before.push(event({ type: 'content_block_stop', index }))
    index++
  }
  const deltas: string[] = []
  if (answer.deltas.length > 0) {
    before.push(event({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }))
    for (const text of answer.deltas) deltas.push(event({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }))
    deltas.push(event({ type: 'content_block_stop', index }))
    index++
  }
  answer.toolCalls.forEach(function toolUseEvents (call, position) {
    const block = { type: 'tool_use', id: toolUseId(call, position, context), name: call.name, input: {} }
    deltas.push(event({ type: 'content_block_start', index, content_block: block }))
    for (const part of halves(JSON.stringify(toolInput(call)))) deltas.push(event({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } }))
    deltas.push(event({ type: 'content_block_stop', index }))
    index++
  })
  const finalUsage = answer.usage === false ? { output_tokens: 0 } : { output_tokens: answer.usage.completionTokens }
  const after = [
    event({ type: 'message_delta', delta: { stop_reason: stopReason(answer), stop_sequence: null }, usage: finalUsage }),
    event({ type: 'message_stop' })
  ]
  return { before, deltas, after }
}

const ERROR_TYPES: Record<number, [string, string]> = {
  400: ['invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'],
  401: ['authentication_error', 'invalid x-api-key'],
  402: ['billing_error', 'Your credit balance is too low to access the Anthropic API.'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'model: not found'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'This request would exceed the rate limit for your organization of 50 requests per minute.'],
  500: ['api_error', 'Internal server error'],
  504: ['timeout_error', 'Request timed out'],
  529: ['overloaded_error', 'Overloaded']
}

/** Anthropic's error body for a status (`request_id` as the API adds it). */
export function anthropicError (status: number, message?: string): unknown {
  const [type, text] = ERROR_TYPES[status] ?? [status >= 500 ? 'api_error' : 'invalid_request_error', `Mock error with status ${status}`]
  return { type: 'error', error: { type, message: message ?? text }, request_id: 'req_mock' + status }
}

function errorBody (status: number, model: string): unknown {
  return anthropicError(status, status === 404 ? `model: ${model}` : undefined)
}

/** The rate-limit headers of a 429 (`retry-after` is added beside them when the behaviour gives one). */
function errorHeaders (status: number, retryAfter: string | undefined): Record<string, string> | undefined {
  if (status !== 429) return undefined
  const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) : 60
  const reset = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  return {
    'anthropic-ratelimit-requests-limit': '50',
    'anthropic-ratelimit-requests-remaining': '0',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-tokens-limit': '40000',
    'anthropic-ratelimit-tokens-remaining': '0',
    'anthropic-ratelimit-tokens-reset': reset
  }
}

function inBandError (): unknown {
  return { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }
}

/** Text of Anthropic content: a string, or blocks whose text (and tool results' text) is joined. */
function contentText (content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  let text = ''
  for (const block of content) {
    if (typeof block?.text === 'string') text += block.text
    else if (block?.type === 'tool_result') text += contentText(block.content)
  }
  return text
}

/** Reads `system` and `messages` into prompt messages; a user message of tool results only is a `tool` message. */
export function anthropicMessages (body: any): PromptMessage[] {
  const messages: PromptMessage[] = []
  if (body?.system !== undefined) messages.push({ role: 'system', text: contentText(body.system) })
  if (!Array.isArray(body?.messages)) return messages
  for (const message of body.messages) {
    const blocks = Array.isArray(message?.content) ? message.content : []
    const results = blocks.length > 0 && blocks.every((block: any) => block?.type === 'tool_result')
    messages.push({ role: results ? 'tool' : String(message?.role), text: contentText(message?.content) })
  }
  return messages
}

/** Anthropic Messages API wire format. */
export const anthropicFormat: WireFormat = {
  crlf: false,
  jsonContentType: 'application/json',
  streamContentType: 'text/event-stream; charset=utf-8',
  completion,
  streamScript,
  errorBody,
  errorHeaders,
  inBandError,
  eventName: eventNameOfType
}
