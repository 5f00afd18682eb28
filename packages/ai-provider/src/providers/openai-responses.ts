// Layer providers/ (wire formats, pure functions, no I/O). May import wire/, conversation/ and
// the base files; see docs/architecture.md.
//
// OpenAI's Responses API as the way to reach a provider (`api: "responses"` on an `openai` or
// `openai-compatible` provider): the transport facts. What the bodies mean, both ways, is the
// wire format's (../wire/openai-responses/).
//
// Request: POST {base}/v1/responses (OpenAI) or {baseUrl}/responses (a compatible server whose
//          baseUrl holds its API prefix), Bearer auth, the same path for streams (`stream: true`).
//          Stateless: `store: false`, the whole conversation every time.
// Stream:  named SSE events whose data repeats the name as `type`, each with `sequence_number`;
//          response.completed / response.incomplete ends it (no `[DONE]`); response.failed and
//          `error` are in-band failures.
// Errors:  the chat API's: {"error":{"message","type","param","code"}}, `insufficient_quota` a
//          billing error.

import type { ProviderType } from '../types.ts'
import type { ProviderAnswer, ProviderInput, ProviderStreamEvent } from '../provider.ts'
import type { ProviderAdapter, ProviderBodyOptions, ProviderStreamState } from './adapter.ts'
import { AiProviderMalformedResponseError, AiProviderResponseError } from '../errors.ts'
import { fromOpenAiResponsesAnswer } from '../wire/openai-responses/from-openai-responses-answer.ts'
import { createOpenAiResponsesStreamReader } from '../wire/openai-responses/from-openai-responses-stream.ts'
import type { OpenAiResponsesStreamReader } from '../wire/openai-responses/from-openai-responses-stream.ts'
import { toOpenAiResponsesRequest } from '../wire/openai-responses/to-openai-responses-request.ts'
import { messageOf, openAiHeaders, readOpenAiError } from './openai-compatible.ts'
import { errorObject, parseStreamData } from './upstream-error.ts'

/** What sets one provider reached through the Responses API apart. */
export interface OpenAiResponsesSettings {
  /** The provider type it serves. */
  type: ProviderType
  /** Public API origin, or undefined when `baseUrl` is required. */
  defaultBaseUrl: string | undefined
  /** The API version segment before `/responses`, if any (see ProviderAdapter.versionPrefix). */
  versionPrefix?: string
  /** Ask for reasoning's encrypted content (`include`): OpenAI's field, which a compatible server may refuse. */
  includeEncryptedReasoning: boolean
}

/** The stream state of these adapters: the base fields, plus the wire format's reader. */
interface OpenAiResponsesAdapterState extends ProviderStreamState {
  reader: OpenAiResponsesStreamReader | undefined
}

/** Builds the Responses API adapter of one provider type. */
export function createOpenAiResponsesAdapter (settings: OpenAiResponsesSettings): ProviderAdapter {
  const path = (settings.versionPrefix ?? '') + '/responses'
  const { includeEncryptedReasoning } = settings

  function readerOf (state: ProviderStreamState, label: string): OpenAiResponsesStreamReader {
    const own = state as OpenAiResponsesAdapterState
    own.reader ??= createOpenAiResponsesStreamReader(label)
    return own.reader
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
      return JSON.stringify(toOpenAiResponsesRequest(model, input, { stream, provider: options?.provider ?? '', includeEncryptedReasoning }))
    },

    readAnswer: function readAnswer (json: unknown, label: string): ProviderAnswer {
      const inBand = errorObject(json)
      // A failed response also has an `error` member: its status says which it is.
      if (inBand !== undefined && (json as { status?: unknown }).status === undefined) throw new AiProviderResponseError(label, 200, messageOf(inBand))
      return fromOpenAiResponsesAnswer(json, label)
    },

    createStreamState: function createStreamState (): ProviderStreamState {
      const state: OpenAiResponsesAdapterState = { finishReason: undefined, usage: undefined, reader: undefined }
      return state
    },

    readStreamEvent: function readStreamEvent (data: string, state: ProviderStreamState, label: string): ProviderStreamEvent[] | undefined {
      const json = parseStreamData(data, label)
      if (Array.isArray(json)) throw new AiProviderMalformedResponseError(label, 'stream event is not an object')
      const reader = readerOf(state, label)
      const events = reader.read(json as Record<string, unknown>)
      state.finishReason = reader.finishReason
      state.usage = reader.usage
      return events.length === 0 ? undefined : events
    },

    readStreamEnd: function readStreamEnd (): undefined {
      // Every finished response ends with its own event: a body that ends before it was cut.
      return undefined
    },

    readError: readOpenAiError
  }
}

/** OpenAI, through https://api.openai.com/v1/responses. */
export const openaiResponses = createOpenAiResponsesAdapter({ type: 'openai', defaultBaseUrl: 'https://api.openai.com', versionPrefix: '/v1', includeEncryptedReasoning: true })

/** An OpenAI-compatible server's Responses API (vLLM, Ollama, OpenRouter…): `{baseUrl}/responses`. */
export const openaiCompatibleResponses = createOpenAiResponsesAdapter({ type: 'openai-compatible', defaultBaseUrl: undefined, includeEncryptedReasoning: false })
