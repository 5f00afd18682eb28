import type { Answer } from './answer.ts'
import type { MockToolCall, MockUsage } from './types.ts'
import type { FormatContext, StreamScript, WireFormat } from './wire-format.ts'

// Gemini GenerateContentResponse: https://ai.google.dev/api/generate-content#generatecontentresponse
// Errors follow google.rpc.Status: { error: { code, message, status, details? } }.

function usageMetadata (usage: MockUsage) {
  const thoughts = usage.reasoningTokens ?? 0
  const metadata: Record<string, unknown> = {
    promptTokenCount: usage.promptTokens,
    candidatesTokenCount: usage.completionTokens,
    totalTokenCount: usage.promptTokens + usage.completionTokens + thoughts,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.promptTokens }]
  }
  if (usage.cachedTokens !== undefined) metadata.cachedContentTokenCount = usage.cachedTokens
  if (thoughts > 0) metadata.thoughtsTokenCount = thoughts
  return metadata
}

/** A `functionCall` part: `args` parsed from the arguments (`{}` when they are not a JSON object), `id` only when given. */
function functionCallPart (call: MockToolCall) {
  let args: unknown
  try {
    args = JSON.parse(call.arguments)
  } catch {}
  const functionCall: Record<string, unknown> = { name: call.name, args: args !== null && typeof args === 'object' && !Array.isArray(args) ? args : {} }
  if (call.id !== undefined) functionCall.id = call.id
  const part: Record<string, unknown> = { functionCall }
  if (call.thoughtSignature !== undefined) part.thoughtSignature = call.thoughtSignature
  return part
}

/** A candidate content; an empty answer has no `parts` at all, as the real API sends it. */
function content (text: string | undefined, calls: MockToolCall[]) {
  const parts: unknown[] = text === undefined ? [] : [{ text }]
  for (const call of calls) parts.push(functionCallPart(call))
  return parts.length === 0 ? { role: 'model' } : { parts, role: 'model' }
}

function response (answer: Answer, context: FormatContext, text: string | undefined, last: boolean, calls: MockToolCall[] = []) {
  const candidate: Record<string, unknown> = { content: content(text, calls) }
  if (last) candidate.finishReason = answer.finishReason ?? 'STOP'
  candidate.index = 0
  const body: Record<string, unknown> = { candidates: [candidate] }
  if (last && answer.usage !== false) body.usageMetadata = usageMetadata(answer.usage)
  body.modelVersion = answer.model
  body.responseId = context.id
  return body
}

// Gemini ends an answer with function calls with finishReason STOP, as any other.
function completion (answer: Answer, context: FormatContext): unknown {
  return response(answer, context, answer.text === '' ? undefined : answer.text, true, answer.toolCalls)
}

function streamScript (answer: Answer, context: FormatContext): StreamScript {
  const calls = answer.toolCalls.length > 0
  const count = answer.deltas.length
  const deltas = answer.deltas.map(function deltaFrame (text, index) {
    return JSON.stringify(response(answer, context, text, !calls && index === count - 1))
  })
  // The calls come whole, in one chunk, the last one.
  if (calls) deltas.push(JSON.stringify(response(answer, context, undefined, true, answer.toolCalls)))
  // No delta at all: one closing frame carries finish reason and usage.
  const after = deltas.length === 0 ? [JSON.stringify(response(answer, context, undefined, true))] : []
  return { before: [], deltas, after }
}

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED'
}

const messages: Record<number, string> = {
  400: 'The input token count (1048577) exceeds the maximum number of tokens allowed (1048576).',
  401: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  403: 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.',
  429: 'You exceeded your current quota, please check your plan and billing details.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
  504: 'Deadline expired before operation could complete.'
}

function errorBody (status: number, model: string, retryAfter: string | undefined): unknown {
  const error: Record<string, unknown> = {
    code: status,
    message: status === 404 ? `models/${model} is not found for API version v1beta, or is not supported for generateContent.` : messages[status] ?? `Mock error with status ${status}`,
    status: statusNames[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION')
  }
  if (status === 429 && retryAfter !== undefined && /^\d+$/.test(retryAfter)) {
    error.details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` }]
  }
  return { error }
}

function inBandError (): unknown {
  return { error: { code: 500, message: messages[500], status: 'INTERNAL' } }
}

/** Gemini generateContent / streamGenerateContent?alt=sse wire format. */
export const geminiFormat: WireFormat = {
  crlf: true,
  jsonContentType: 'application/json; charset=UTF-8',
  streamContentType: 'text/event-stream',
  completion,
  streamScript,
  errorBody,
  inBandError
}
