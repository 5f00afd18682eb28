// Turns SSE events into the client's stream messages. AI Warp sends named events
// (`content`, `tool_call`, `end`, `error`); other servers send data-only SSE, whose type is read from the
// shape of the data.
import type {
  AiResult,
  ContentEventData,
  EndEventData,
  ErrorEventData,
  ToolCall,
  ToolCallEventData
} from './protocol.ts'
import { AiClientStreamError } from './errors.ts'
import type { AskDoneResponse, AskStreamMessage } from './types.ts'
import type { SseEvent } from './sse-parser.ts'

const results: ReadonlySet<string> = new Set<AiResult>(['COMPLETE', 'INCOMPLETE_MAX_TOKENS', 'INCOMPLETE_UNKNOWN', 'TOOL_CALLS'])

/** Builds the `done` message's response from the server's `end` event data. */
export function toDoneResponse (data: EndEventData): AskDoneResponse {
  const response: AskDoneResponse = { result: data.response, sessionId: data.sessionId, model: data.model }
  if (data.toolCalls !== undefined && data.toolCalls.length > 0) response.toolCalls = data.toolCalls
  if (data.usage !== undefined) response.usage = data.usage
  return response
}

/** Builds the `tool_call` message from the server's `tool_call` event data. */
export function toToolCallMessage (data: ToolCallEventData): AskStreamMessage {
  const toolCall: ToolCall = { id: data.id, name: data.name, arguments: data.arguments }
  if (data.providerData !== undefined) toolCall.providerData = data.providerData
  return { type: 'tool_call', index: data.index, toolCall }
}

/** Builds the `content` message from the server's `content` event data. */
export function toContentMessage (data: ContentEventData): AskStreamMessage {
  return { type: 'content', content: data.response }
}

/** Builds the `error` message from the server's `error` event data. */
export function toErrorMessage (data: ErrorEventData): AskStreamMessage {
  return { type: 'error', error: new AiClientStreamError(data.message, data.code) }
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isToolCall (value: unknown): value is ToolCall {
  return isObject(value) && typeof value.id === 'string' && typeof value.name === 'string' && typeof value.arguments === 'string'
}

function readToolCall (text: string): AskStreamMessage {
  const data = parseJson(text)
  if (!isObject(data) || !isToolCall(data) || typeof data.index !== 'number') {
    return toErrorMessage({ code: 'AI_CLIENT_BAD_RESPONSE', message: `Unreadable tool_call event: ${text.slice(0, 200)}` })
  }
  return toToolCallMessage(data as unknown as ToolCallEventData)
}

function readEnd (data: Record<string, unknown>): AskStreamMessage | undefined {
  // The legacy shape nested the answer: `{ response: { result, sessionId, model } }`.
  const source = isObject(data.response) ? data.response : data
  const result = typeof source.response === 'string' ? source.response : source.result
  if (typeof result !== 'string' || !results.has(result)) return undefined
  const end: EndEventData = {
    response: result as AiResult,
    sessionId: typeof source.sessionId === 'string' ? source.sessionId : '',
    model: typeof source.model === 'string' ? source.model : ''
  }
  if (isObject(source.usage)) end.usage = source.usage as unknown as EndEventData['usage']
  if (Array.isArray(source.toolCalls)) end.toolCalls = source.toolCalls.filter(isToolCall)
  return { type: 'done', response: toDoneResponse(end) }
}

function readError (data: Record<string, unknown>): AskStreamMessage {
  const inner = isObject(data.error) ? data.error : data
  const message = typeof inner.message === 'string'
    ? inner.message
    : typeof data.error === 'string' ? data.error : 'Stream error'
  const code = typeof inner.code === 'string' ? inner.code : 'AI_CLIENT_STREAM_ERROR'
  return toErrorMessage({ code, message })
}

/** Reads data-only SSE: the message type is inferred from the data. */
function inferMessage (text: string): AskStreamMessage | undefined {
  const data = parseJson(text)
  if (!isObject(data)) return { type: 'content', content: text }
  if (data.error !== undefined || (typeof data.code === 'string' && typeof data.message === 'string')) {
    return readError(data)
  }
  if (isObject(data.response) || typeof data.sessionId === 'string') {
    const end = readEnd(data)
    if (end !== undefined) return end
  }
  if (typeof data.response === 'string') return { type: 'content', content: data.response }
  if (typeof data.content === 'string') return { type: 'content', content: data.content }
  return undefined
}

/**
 * The message an SSE event stands for, or undefined for events the client does not know
 * (they are skipped).
 */
export function toStreamMessage (event: SseEvent): AskStreamMessage | undefined {
  switch (event.event) {
    case 'content': {
      const data = parseJson(event.data)
      if (isObject(data) && typeof data.response === 'string') return toContentMessage({ response: data.response })
      return { type: 'content', content: event.data }
    }
    case 'tool_call':
      return readToolCall(event.data)
    case 'end': {
      const data = parseJson(event.data)
      return (isObject(data) ? readEnd(data) : undefined) ??
        toErrorMessage({ code: 'AI_CLIENT_BAD_RESPONSE', message: `Unreadable end event: ${event.data.slice(0, 200)}` })
    }
    case 'error': {
      const data = parseJson(event.data)
      return isObject(data) ? readError(data) : toErrorMessage({ code: 'AI_CLIENT_STREAM_ERROR', message: event.data })
    }
    case 'message':
      return inferMessage(event.data)
    default:
      return undefined
  }
}
