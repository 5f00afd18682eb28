// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// The OpenAI Chat Completions wire format, as a factory: OpenAI, DeepSeek and every
// OpenAI-compatible server (Ollama, vLLM, OpenRouter, Groq, Mistral…) differ only in data.
//
// Answer:  {"choices":[{"message":{"content"},"finish_reason"}],"usage":{"prompt_tokens",…}}
// Stream:  data: {"choices":[{"delta":{"content"},"finish_reason"}],"usage":null|{…}} … data: [DONE]
//          With stream_options.include_usage the usage comes in its own chunk with
//          "choices": [] AFTER the finish_reason chunk, so the end event is built at [DONE].
// Errors:  {"error":{"message","type","param","code"}}; `insufficient_quota` is a billing error.

import type { AiResult, AiUsage, ProviderType } from '../types.ts'
import type { ProviderAnswer, ProviderInput, ProviderStreamEvent } from '../provider.ts'
import type { ProviderAdapter, ProviderBodyOptions, ProviderRequestOptions, ProviderStreamEnd, ProviderStreamState } from './adapter.ts'
import {
  AiProviderEmptyResponseError,
  AiProviderMalformedResponseError,
  AiProviderResponseError,
  AiProviderStreamError
} from '../errors.ts'
import { errorFromStatus, errorObject, parseErrorBody, shortMessage, withCause } from './upstream-error.ts'

/** What sets one OpenAI-compatible provider apart. */
export interface OpenAiCompatibleSettings {
  /** The provider type it serves. */
  type: ProviderType
  /** Public API origin, or undefined when `baseUrl` is required. */
  defaultBaseUrl: string | undefined
  /** The API version segment before `path`, if any (see ProviderAdapter.versionPrefix). */
  versionPrefix?: string
  /** Path appended to the base URL's path after the version, e.g. `/chat/completions`. */
  path: string
  /** Body field of the output budget: OpenAI's current `max_completion_tokens` or the classic `max_tokens`. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens'
}

interface ChatBody {
  model: string
  messages: ProviderInput['messages']
  stream?: true
  stream_options?: { include_usage: true }
  temperature?: number
  top_p?: number
  stop?: string[]
  max_tokens?: number
  max_completion_tokens?: number
}

const DONE = '[DONE]'

/** Builds the adapter of one OpenAI-compatible provider. */
export function createOpenAiCompatibleAdapter (settings: OpenAiCompatibleSettings): ProviderAdapter {
  const { maxTokensField } = settings
  const path = (settings.versionPrefix ?? '') + settings.path

  return {
    type: settings.type,
    defaultBaseUrl: settings.defaultBaseUrl,
    versionPrefix: settings.versionPrefix,

    buildHeaders: function buildHeaders (options: ProviderRequestOptions): Record<string, string> {
      const headers: Record<string, string> = { 'content-type': 'application/json' }
      if (options.apiKey) headers.authorization = 'Bearer ' + options.apiKey
      return Object.assign(headers, options.headers)
    },

    completePath: function completePath (basePath: string): string {
      return basePath + path
    },

    streamPath: function streamPath (basePath: string): string {
      return basePath + path
    },

    buildBody: function buildBody (model: string, input: ProviderInput, stream: boolean, options?: ProviderBodyOptions): string {
      const body: ChatBody = { model, messages: input.messages }
      if (stream) {
        body.stream = true
        // Some servers reject the field (Mistral: 422); their usage, if sent, is read all the same.
        if (options?.streamUsage !== false) body.stream_options = { include_usage: true }
      }
      if (input.temperature !== undefined) body.temperature = input.temperature
      if (input.topP !== undefined) body.top_p = input.topP
      if (input.stop !== undefined && input.stop.length > 0) body.stop = input.stop
      if (input.maxTokens !== undefined) body[maxTokensField] = input.maxTokens
      return JSON.stringify(body)
    },

    readAnswer: function readAnswer (json: unknown, label: string): ProviderAnswer {
      const inBand = errorObject(json)
      if (inBand !== undefined) throw new AiProviderResponseError(label, 200, messageOf(inBand))
      const choice = firstChoice(json, label)
      if (choice === undefined) throw new AiProviderMalformedResponseError(label, 'no choices')
      const message = (choice as { message?: { content?: unknown } }).message
      const text = message?.content
      if (text !== undefined && text !== null && typeof text !== 'string') {
        throw new AiProviderMalformedResponseError(label, 'message.content is not a string')
      }
      if (!text) throw new AiProviderEmptyResponseError(label)
      const answer: ProviderAnswer = { text, result: resultOf((choice as { finish_reason?: unknown }).finish_reason) }
      const usage = usageOf((json as { usage?: unknown }).usage)
      if (usage !== undefined) answer.usage = usage
      return answer
    },

    createStreamState: function createStreamState (): ProviderStreamState {
      return { finishReason: undefined, usage: undefined }
    },

    readStreamEvent: function readStreamEvent (data: string, state: ProviderStreamState, label: string): ProviderStreamEvent | undefined {
      if (data === DONE) return endOf(state)
      let json: unknown
      try {
        json = JSON.parse(data)
      } catch (error) {
        throw withCause(new AiProviderMalformedResponseError(label, 'stream frame is not JSON'), error)
      }
      if (json === null || typeof json !== 'object') {
        throw new AiProviderMalformedResponseError(label, 'stream frame is not an object')
      }
      const inBand = errorObject(json)
      if (inBand !== undefined) throw new AiProviderStreamError(label, messageOf(inBand))

      const usage = usageOf((json as { usage?: unknown }).usage)
      if (usage !== undefined) state.usage = usage
      // "choices": [] is normal: a keep-alive, or the usage chunk that follows the finish_reason.
      const choice = firstChoice(json, label)
      if (choice === undefined) return undefined
      const finishReason = (choice as { finish_reason?: unknown }).finish_reason
      if (typeof finishReason === 'string') state.finishReason = finishReason
      // DeepSeek's `reasoning_content` is the model's thinking, not answer text: only `content` counts.
      const text = (choice as { delta?: { content?: unknown } }).delta?.content
      if (typeof text === 'string' && text.length > 0) return { type: 'delta', text }
      return undefined
    },

    readStreamEnd: function readStreamEnd (state: ProviderStreamState): ProviderStreamEnd | undefined {
      // Some compatible servers close the body without [DONE]: a finish_reason already told
      // how the answer ended, so that is a finished answer; without one the stream was cut.
      return state.finishReason === undefined ? undefined : endOf(state)
    },

    readError: function readError (status: number, body: string, label: string, retryAfterMs: number | undefined): Error {
      const error = errorObject(parseErrorBody(body))
      if (error === undefined) return errorFromStatus(label, status, shortMessage(body), false, retryAfterMs)
      const quota = error.code === 'insufficient_quota' || error.type === 'insufficient_quota'
      return errorFromStatus(label, status, messageOf(error), quota, retryAfterMs)
    }
  }
}

function firstChoice (json: unknown, label: string): object | undefined {
  if (json === null || typeof json !== 'object') throw new AiProviderMalformedResponseError(label, 'answer is not an object')
  const choices = (json as { choices?: unknown }).choices
  // Some servers send "choices": null on the usage chunk.
  if (choices === undefined || choices === null) return undefined
  if (!Array.isArray(choices)) throw new AiProviderMalformedResponseError(label, 'choices is not an array')
  const choice: unknown = choices[0]
  if (choice === undefined) return undefined
  if (choice === null || typeof choice !== 'object') throw new AiProviderMalformedResponseError(label, 'choice is not an object')
  return choice
}

function resultOf (finishReason: unknown): AiResult {
  if (finishReason === 'stop') return 'COMPLETE'
  if (finishReason === 'length') return 'INCOMPLETE_MAX_TOKENS'
  return 'INCOMPLETE_UNKNOWN'
}

function endOf (state: ProviderStreamState): ProviderStreamEnd {
  const end: ProviderStreamEnd = { type: 'end', result: resultOf(state.finishReason) }
  if (state.usage !== undefined) end.usage = state.usage
  return end
}

interface WireUsage {
  prompt_tokens?: unknown
  completion_tokens?: unknown
  total_tokens?: unknown
  /** OpenAI (and most compatible servers): the prompt tokens read from the prompt cache. */
  prompt_tokens_details?: { cached_tokens?: unknown } | null
  /** DeepSeek's name for the same. */
  prompt_cache_hit_tokens?: unknown
}

function usageOf (usage: unknown): AiUsage | undefined {
  if (usage === null || typeof usage !== 'object') return undefined
  const { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: totalTokens } = usage as WireUsage
  if (typeof promptTokens !== 'number' || typeof completionTokens !== 'number') return undefined
  const result: AiUsage = {
    promptTokens,
    completionTokens,
    totalTokens: typeof totalTokens === 'number' ? totalTokens : promptTokens + completionTokens
  }
  const cached = (usage as WireUsage).prompt_tokens_details?.cached_tokens ?? (usage as WireUsage).prompt_cache_hit_tokens
  if (typeof cached === 'number' && cached > 0) result.cachedPromptTokens = cached
  return result
}

function messageOf (error: Record<string, unknown>): string {
  return typeof error.message === 'string' ? shortMessage(error.message) : shortMessage(JSON.stringify(error))
}

/**
 * Any OpenAI-compatible server (Ollama, vLLM, OpenRouter, Groq, Mistral, gateways): `baseUrl`
 * is required and holds the API prefix (e.g. `http://127.0.0.1:11434/v1`), to which
 * `/chat/completions` is appended. `max_tokens`, the field every compatible server knows.
 */
export const openaiCompatible = createOpenAiCompatibleAdapter({
  type: 'openai-compatible',
  defaultBaseUrl: undefined,
  path: '/chat/completions',
  maxTokensField: 'max_tokens'
})
