// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// Google Gemini, native API (not its OpenAI-compatible endpoint).
//
// Request:  POST /v1beta/models/{model}:generateContent, or :streamGenerateContent?alt=sse,
//           `x-goog-api-key`, {systemInstruction, contents: [{role: user|model, parts}], generationConfig}
// Answer:   GenerateContentResponse {candidates: [{content: {parts: [{text, thought?}]}, finishReason}],
//           promptFeedback?: {blockReason}, usageMetadata: {promptTokenCount, candidatesTokenCount,
//           thoughtsTokenCount?, totalTokenCount}}
// Stream:   every SSE frame is a GenerateContentResponse; there is no [DONE]: the frame with a
//           finishReason is the last one that matters, the body ending after it ends the answer.
// Errors:   {"error": {"code", "message", "status", "details"?}}; status RESOURCE_EXHAUSTED is a quota
//           error, and its google.rpc.RetryInfo detail (`retryDelay`) stands for Retry-After.

import type { AiResult, AiUsage } from '../types.ts'
import type { ProviderAnswer, ProviderInput, ProviderStreamEvent } from '../provider.ts'
import type { ProviderAdapter, ProviderRequestOptions, ProviderStreamEnd, ProviderStreamState } from './adapter.ts'
import {
  AiProviderEmptyResponseError,
  AiProviderMalformedResponseError,
  AiProviderRequestRejectedError,
  AiProviderResponseError,
  AiProviderStreamError
} from '../errors.ts'
import { contentText } from '../conversation/content.ts'
import { errorFromStatus, errorObject, parseErrorBody, shortMessage, withCause } from './upstream-error.ts'

interface GeminiPart { text: string }
interface GeminiContent { role: 'user' | 'model', parts: GeminiPart[] }
interface GeminiBody {
  contents: GeminiContent[]
  systemInstruction?: { parts: GeminiPart[] }
  generationConfig?: { temperature?: number, maxOutputTokens?: number, topP?: number, stopSequences?: string[] }
}

interface GeminiCandidate {
  content?: { parts?: Array<{ text?: unknown, thought?: unknown }> }
  finishReason?: unknown
}

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
    const body: GeminiBody = { contents: [] }
    for (const message of input.messages) {
      if (message.role === 'system') {
        body.systemInstruction ??= { parts: [] }
        body.systemInstruction.parts.push({ text: message.content })
      } else {
        body.contents.push({ role: message.role === 'assistant' ? 'model' : 'user', parts: [{ text: contentText(message.content) }] })
      }
    }
    const config: NonNullable<GeminiBody['generationConfig']> = {}
    let hasConfig = false
    if (input.temperature !== undefined) { config.temperature = input.temperature; hasConfig = true }
    if (input.maxTokens !== undefined) { config.maxOutputTokens = input.maxTokens; hasConfig = true }
    if (input.topP !== undefined) { config.topP = input.topP; hasConfig = true }
    if (input.stop !== undefined && input.stop.length > 0) { config.stopSequences = input.stop; hasConfig = true }
    if (hasConfig) body.generationConfig = config
    return JSON.stringify(body)
  },

  readAnswer: function readAnswer (json: unknown, label: string): ProviderAnswer {
    const inBand = errorObject(json)
    if (inBand !== undefined) throw new AiProviderResponseError(label, 200, messageOf(inBand))
    const candidate = firstCandidate(json, label)
    if (candidate === undefined) throw new AiProviderMalformedResponseError(label, 'no candidates')
    const text = textOf(candidate, label)
    if (text === '') throw new AiProviderEmptyResponseError(label)
    const answer: ProviderAnswer = { text, result: resultOf(candidate.finishReason) }
    const usage = usageOf((json as { usageMetadata?: unknown }).usageMetadata)
    if (usage !== undefined) answer.usage = usage
    return answer
  },

  createStreamState: function createStreamState (): ProviderStreamState {
    return { finishReason: undefined, usage: undefined }
  },

  readStreamEvent: function readStreamEvent (data: string, state: ProviderStreamState, label: string): ProviderStreamEvent | undefined {
    let json: unknown
    try {
      json = JSON.parse(data)
    } catch (error) {
      throw withCause(new AiProviderMalformedResponseError(label, 'stream frame is not JSON'), error)
    }
    const inBand = errorObject(json)
    if (inBand !== undefined) throw new AiProviderStreamError(label, messageOf(inBand))

    const usage = usageOf((json as { usageMetadata?: unknown }).usageMetadata)
    if (usage !== undefined) state.usage = usage
    const candidate = firstCandidate(json, label)
    if (candidate === undefined) return undefined
    if (typeof candidate.finishReason === 'string') state.finishReason = candidate.finishReason
    const text = textOf(candidate, label)
    return text === '' ? undefined : { type: 'delta', text }
  },

  readStreamEnd: function readStreamEnd (state: ProviderStreamState): ProviderStreamEnd | undefined {
    if (state.finishReason === undefined) return undefined
    const end: ProviderStreamEnd = { type: 'end', result: resultOf(state.finishReason) }
    if (state.usage !== undefined) end.usage = state.usage
    return end
  },

  readError: function readError (status: number, body: string, label: string, retryAfterMs: number | undefined): Error {
    const error = errorObject(parseErrorBody(body))
    if (error === undefined) return errorFromStatus(label, status, shortMessage(body), false, retryAfterMs)
    return errorFromStatus(label, status, messageOf(error), error.status === 'RESOURCE_EXHAUSTED', retryAfterMs ?? retryDelayMs(error))
  }
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

/** The first candidate; a prompt blocked before any candidate is the request's fault. */
function firstCandidate (json: unknown, label: string): GeminiCandidate | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new AiProviderMalformedResponseError(label, 'answer is not an object')
  }
  const { candidates, promptFeedback } = json as { candidates?: unknown, promptFeedback?: { blockReason?: unknown } }
  if (candidates !== undefined && !Array.isArray(candidates)) {
    throw new AiProviderMalformedResponseError(label, 'candidates is not an array')
  }
  const candidate: unknown = candidates?.[0]
  if (candidate === undefined || candidate === null) {
    const blockReason = promptFeedback?.blockReason
    if (typeof blockReason === 'string') throw new AiProviderRequestRejectedError(label, 200, 'prompt blocked: ' + blockReason)
    return undefined
  }
  if (typeof candidate !== 'object') throw new AiProviderMalformedResponseError(label, 'candidate is not an object')
  return candidate as GeminiCandidate
}

/** Every text part of the candidate, in order, without the model's thoughts (`thought: true`). */
function textOf (candidate: GeminiCandidate, label: string): string {
  const parts = candidate.content?.parts
  if (parts === undefined) return ''
  if (!Array.isArray(parts)) throw new AiProviderMalformedResponseError(label, 'content.parts is not an array')
  if (parts.length === 1) {
    const part = parts[0]
    return part !== null && typeof part === 'object' && typeof part.text === 'string' && part.thought !== true ? part.text : ''
  }
  let text = ''
  for (const part of parts) {
    if (part !== null && typeof part === 'object' && typeof part.text === 'string' && part.thought !== true) text += part.text
  }
  return text
}

function resultOf (finishReason: unknown): AiResult {
  if (finishReason === 'STOP') return 'COMPLETE'
  if (finishReason === 'MAX_TOKENS') return 'INCOMPLETE_MAX_TOKENS'
  return 'INCOMPLETE_UNKNOWN'
}

/** usageMetadata -> usage; thinking tokens are billed as output, so they count as completion tokens. */
function usageOf (metadata: unknown): AiUsage | undefined {
  if (metadata === null || typeof metadata !== 'object') return undefined
  const { promptTokenCount, candidatesTokenCount, thoughtsTokenCount, totalTokenCount, cachedContentTokenCount } =
    metadata as { promptTokenCount?: unknown, candidatesTokenCount?: unknown, thoughtsTokenCount?: unknown, totalTokenCount?: unknown, cachedContentTokenCount?: unknown }
  if (typeof promptTokenCount !== 'number') return undefined
  const completionTokens = (typeof candidatesTokenCount === 'number' ? candidatesTokenCount : 0) +
    (typeof thoughtsTokenCount === 'number' ? thoughtsTokenCount : 0)
  const usage: AiUsage = {
    promptTokens: promptTokenCount,
    completionTokens,
    totalTokens: typeof totalTokenCount === 'number' ? totalTokenCount : promptTokenCount + completionTokens
  }
  // The prompt tokens served from a cached context (part of promptTokenCount).
  if (typeof cachedContentTokenCount === 'number' && cachedContentTokenCount > 0) usage.cachedPromptTokens = cachedContentTokenCount
  return usage
}

function messageOf (error: Record<string, unknown>): string {
  return typeof error.message === 'string' ? shortMessage(error.message) : shortMessage(JSON.stringify(error))
}
