// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// Google Gemini, native API (not its OpenAI-compatible endpoint): the transport facts. What the
// bodies mean, both ways, is the wire format's (../wire/gemini/).
//
// Request:  POST /v1beta/models/{model}:generateContent, or :streamGenerateContent?alt=sse,
//           `x-goog-api-key`, a GenerateContentRequest (to-gemini-request.ts).
// Answer:   GenerateContentResponse; a prompt blocked before any candidate comes as
//           `promptFeedback.blockReason` without candidates, and is the request's fault.
// Stream:   every SSE frame is a GenerateContentResponse; there is no [DONE]: the frame with a
//           finishReason is the last one that matters, the body ending after it ends the answer.
// Errors:   {"error": {"code", "message", "status", "details"?}}; status RESOURCE_EXHAUSTED is a quota
//           error, and its google.rpc.RetryInfo detail (`retryDelay`) stands for Retry-After.

import type { ProviderAnswer, ProviderInput, ProviderStreamEvent } from '../provider.ts'
import type { ProviderAdapter, ProviderRequestOptions, ProviderStreamEnd, ProviderStreamState } from './adapter.ts'
import type { GeminiResponse } from '../wire/gemini/types.ts'
import type { GeminiStreamReader } from '../wire/gemini/from-gemini-stream.ts'
import {
  AiProviderEmptyResponseError,
  AiProviderMalformedResponseError,
  AiProviderRequestRejectedError,
  AiProviderResponseError,
  AiProviderStreamError
} from '../errors.ts'
import { toGeminiRequest } from '../wire/gemini/to-gemini-request.ts'
import { fromGeminiAnswer } from '../wire/gemini/from-gemini-answer.ts'
import { createGeminiStreamReader } from '../wire/gemini/from-gemini-stream.ts'
import { errorFromStatus, errorObject, parseErrorBody, shortMessage, parseStreamData } from './upstream-error.ts'

/** The API version of every Gemini path. */
const VERSION = '/v1beta'

export const gemini: ProviderAdapter = {
  type: 'gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  versionPrefix: VERSION,

  buildHeaders: function buildHeaders (options: ProviderRequestOptions): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (options.apiKey) headers['x-goog-api-key'] = options.apiKey
    return Object.assign(headers, options.headers)
  },

  completePath: function completePath (basePath: string, model: string): string {
    return basePath + VERSION + '/models/' + encodeURIComponent(model) + ':generateContent'
  },

  streamPath: function streamPath (basePath: string, model: string): string {
    return basePath + VERSION + '/models/' + encodeURIComponent(model) + ':streamGenerateContent?alt=sse'
  },

  buildBody: function buildBody (_model: string, input: ProviderInput): string {
    return JSON.stringify(toGeminiRequest(input))
  },

  readAnswer: function readAnswer (json: unknown, label: string): ProviderAnswer {
    const inBand = errorObject(json)
    if (inBand !== undefined) throw new AiProviderResponseError(label, 200, messageOf(inBand))
    const answer = fromGeminiAnswer(checkedResponse(json, label), label)
    if (answer.text === '' && answer.toolCalls === undefined) throw new AiProviderEmptyResponseError(label)
    return answer
  },

  // The stream's state is the wire format's reader: it carries finishReason and usage as the contract reads them.
  createStreamState: function createStreamState (): ProviderStreamState {
    return createGeminiStreamReader()
  },

  readStreamEvent: function readStreamEvent (data: string, state: ProviderStreamState, label: string): ProviderStreamEvent | ProviderStreamEvent[] | undefined {
    const json = parseStreamData(data, label)
    const inBand = errorObject(json)
    if (inBand !== undefined) throw new AiProviderStreamError(label, messageOf(inBand))
    // One frame may hold text and several whole calls; the end comes from readStreamEnd (no terminator).
    const events = (state as GeminiStreamReader).read(checkedResponse(json, label), label)
    return events.length === 0 ? undefined : events.length === 1 ? events[0] : events
  },

  readStreamEnd: function readStreamEnd (state: ProviderStreamState): ProviderStreamEnd | undefined {
    return (state as GeminiStreamReader).end()
  },

  readError: function readError (status: number, body: string, label: string, retryAfterMs: number | undefined): Error {
    const error = errorObject(parseErrorBody(body))
    if (error === undefined) return errorFromStatus(label, status, shortMessage(body), false, retryAfterMs)
    return errorFromStatus(label, status, messageOf(error), error.status === 'RESOURCE_EXHAUSTED', retryAfterMs ?? retryDelayMs(error))
  }
}

/** The answer as an object; a prompt blocked before any candidate is the request's fault. */
function checkedResponse (json: unknown, label: string): GeminiResponse {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new AiProviderMalformedResponseError(label, 'answer is not an object')
  }
  const { candidates, promptFeedback } = json as GeminiResponse
  const none = candidates === undefined || candidates === null || (Array.isArray(candidates) && (candidates[0] === undefined || candidates[0] === null))
  const blockReason = promptFeedback?.blockReason
  if (none && typeof blockReason === 'string') throw new AiProviderRequestRejectedError(label, 200, 'prompt blocked: ' + blockReason)
  return json as GeminiResponse
}

/** Gemini says how long to wait in the body, not in Retry-After: a google.rpc.RetryInfo detail, `"retryDelay": "37s"`. */
function retryDelayMs (error: Record<string, unknown>): number | undefined {
  if (!Array.isArray(error.details)) return undefined
  for (const detail of error.details as unknown[]) {
    if (detail === null || typeof detail !== 'object') continue
    const { '@type': type, retryDelay } = detail as { '@type'?: unknown, retryDelay?: unknown }
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo') || typeof retryDelay !== 'string') continue
    const match = /^(\d+(?:\.\d+)?)s$/.exec(retryDelay)
    if (match !== null) return Math.ceil(Number(match[1]) * 1000)
  }
  return undefined
}

function messageOf (error: Record<string, unknown>): string {
  return typeof error.message === 'string' ? shortMessage(error.message) : shortMessage(JSON.stringify(error))
}
