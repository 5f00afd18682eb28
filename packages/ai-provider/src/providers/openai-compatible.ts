// Layer providers/ (wire formats, pure functions, no I/O). May import wire/, conversation/ and
// the base files; see docs/architecture.md.
//
// The OpenAI Chat Completions providers, as a factory: OpenAI, DeepSeek and every
// OpenAI-compatible server (Ollama, vLLM, OpenRouter, Groq, Mistral…) differ only in data. This
// file keeps the transport facts (paths, headers, error bodies, quota errors, the max-tokens
// field, whether to ask for a stream's usage); the format itself (bodies, answers, stream chunks,
// tool-call deltas) is ../wire/openai-chat/.
//
// Errors:  {"error":{"message","type","param","code"}}; `insufficient_quota` is a billing error.
//          The same object sent as a stream's data (or a 200 answer) is an in-band failure.

import type { ProviderType } from '../types.ts'
import type { ProviderAnswer, ProviderInput, ProviderStreamEvent } from '../provider.ts'
import type { ProviderAdapter, ProviderBodyOptions, ProviderRequestOptions, ProviderStreamEnd, ProviderStreamState } from './adapter.ts'
import { AiProviderResponseError, AiProviderStreamError } from '../errors.ts'
import { fromOpenAiChatAnswer } from '../wire/openai-chat/from-openai-chat-answer.ts'
import { createOpenAiChatStreamReader } from '../wire/openai-chat/from-openai-chat-stream.ts'
import type { OpenAiChatStreamReader } from '../wire/openai-chat/from-openai-chat-stream.ts'
import { toOpenAiChatRequest } from '../wire/openai-chat/to-openai-chat-request.ts'
import { OPENAI_CHAT_DONE } from '../wire/openai-chat/types.ts'
import { errorFromStatus, errorObject, parseErrorBody, parseStreamData, shortMessage } from './upstream-error.ts'

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

/** The stream state of these adapters: the base fields, plus the wire format's reader. */
interface OpenAiChatAdapterState extends ProviderStreamState {
  reader: OpenAiChatStreamReader | undefined
}

/** Builds the adapter of one OpenAI-compatible provider. */
export function createOpenAiCompatibleAdapter (settings: OpenAiCompatibleSettings): ProviderAdapter {
  const { maxTokensField } = settings
  const path = (settings.versionPrefix ?? '') + settings.path

  function readerOf (state: ProviderStreamState, label: string): OpenAiChatStreamReader {
    const own = state as OpenAiChatAdapterState
    own.reader ??= createOpenAiChatStreamReader(label)
    return own.reader
  }

  /** Copies what the reader learnt into the base fields the transport may read. */
  function mirror (state: ProviderStreamState, reader: OpenAiChatStreamReader): void {
    state.finishReason = reader.state.finishReason
    state.usage = reader.state.usage
  }

  return {
    type: settings.type,
    defaultBaseUrl: settings.defaultBaseUrl,
    versionPrefix: settings.versionPrefix,

    buildHeaders: openAiHeaders,

    completePath: function completePath (basePath: string): string {
      return basePath + path
    },

    streamPath: function streamPath (basePath: string): string {
      return basePath + path
    },

    buildBody: function buildBody (model: string, input: ProviderInput, stream: boolean, options?: ProviderBodyOptions): string {
      // Some servers reject stream_options (Mistral: 422); their usage, if sent, is read all the same.
      return JSON.stringify(toOpenAiChatRequest(model, input, { stream, streamUsage: options?.streamUsage !== false, maxTokensField }))
    },

    readAnswer: function readAnswer (json: unknown, label: string): ProviderAnswer {
      const inBand = errorObject(json)
      if (inBand !== undefined) throw new AiProviderResponseError(label, 200, messageOf(inBand))
      return fromOpenAiChatAnswer(json, label)
    },

    createStreamState: function createStreamState (): ProviderStreamState {
      const state: OpenAiChatAdapterState = { finishReason: undefined, usage: undefined, reader: undefined }
      return state
    },

    readStreamEvent: function readStreamEvent (data: string, state: ProviderStreamState, label: string): ProviderStreamEvent | ProviderStreamEvent[] | undefined {
      const reader = readerOf(state, label)
      if (data === OPENAI_CHAT_DONE) {
        const events = reader.done()
        mirror(state, reader)
        return single(events)
      }
      const json = parseStreamData(data, label)
      const inBand = errorObject(json)
      if (inBand !== undefined) throw new AiProviderStreamError(label, messageOf(inBand))
      const output = reader.read(json)
      mirror(state, reader)
      return output
    },

    readStreamEnd: function readStreamEnd (state: ProviderStreamState, label: string): ProviderStreamEnd | ProviderStreamEvent[] | undefined {
      // Some compatible servers close the body without [DONE]: a finish_reason already told
      // how the answer ended, so that is a finished answer; without one the stream was cut.
      const events = readerOf(state, label).end()
      if (events === undefined) return undefined
      const first = events[0]
      return events.length === 1 && first.type === 'end' ? first : events
    },

    readError: readOpenAiError
  }
}

/** One event alone, as most frames give (the end event usually). */
function single (events: ProviderStreamEvent[]): ProviderStreamEvent | ProviderStreamEvent[] {
  return events.length === 1 ? events[0] : events
}

/** The request headers of OpenAI's APIs: JSON, Bearer auth, then the configured extra headers. */
export function openAiHeaders (options: ProviderRequestOptions): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (options.apiKey) headers.authorization = 'Bearer ' + options.apiKey
  return Object.assign(headers, options.headers)
}

/** A non-2xx answer of OpenAI's APIs (`{"error":{…}}`; `insufficient_quota` is a billing error) as an AI_* error. */
export function readOpenAiError (status: number, body: string, label: string, retryAfterMs: number | undefined): Error {
  const error = errorObject(parseErrorBody(body))
  if (error === undefined) return errorFromStatus(label, status, shortMessage(body), false, retryAfterMs)
  const quota = error.code === 'insufficient_quota' || error.type === 'insufficient_quota'
  return errorFromStatus(label, status, messageOf(error), quota, retryAfterMs)
}

/** The message of an error object, bounded. */
export function messageOf (error: Record<string, unknown>): string {
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
