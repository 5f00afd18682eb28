// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// The embeddings API of each provider type, as data plus pure functions (the transport's
// `postJson` does the call; error bodies are read by the provider's chat adapter, the same API's):
// OpenAI and OpenAI-compatible servers `POST {base}/embeddings`, as they are; Gemini
// `:embedContent` / `:batchEmbedContents`, translated (../wire/gemini/). DeepSeek has none.

import type { ProviderType } from '../types.ts'
import type { ProviderEmbeddingInput, ProviderEmbeddings } from '../provider.ts'
import { toOpenAiEmbeddingsRequest } from '../wire/openai-embeddings/to-openai-embeddings-request.ts'
import { fromOpenAiEmbeddingsAnswer } from '../wire/openai-embeddings/from-openai-embeddings-answer.ts'
import { geminiEmbedMethod, toGeminiEmbedRequest } from '../wire/gemini/to-gemini-embed-request.ts'
import { fromGeminiEmbedAnswer } from '../wire/gemini/from-gemini-embed-answer.ts'

/** One provider type's embeddings API. */
export interface EmbeddingAdapter {
  /** Whether token arrays can be sent (OpenAI format), or only text (Gemini). */
  readonly tokenInput: boolean
  /** The path of the call; `basePath` as the chat adapter gets it (version prefix removed). */
  path (basePath: string, model: string, input: ProviderEmbeddingInput): string
  /** The JSON body. */
  buildBody (model: string, input: ProviderEmbeddingInput): string
  /** The vectors of a parsed 2xx answer, one per input (`count`); AI_PROVIDER_MALFORMED_RESPONSE otherwise. */
  readAnswer (json: unknown, label: string, count: number): ProviderEmbeddings
}

function openAiFormat (prefix: string): EmbeddingAdapter {
  return {
    tokenInput: true,
    path: function path (basePath: string): string {
      return basePath + prefix + '/embeddings'
    },
    buildBody: function buildBody (model: string, input: ProviderEmbeddingInput): string {
      return JSON.stringify(toOpenAiEmbeddingsRequest(model, input))
    },
    readAnswer: fromOpenAiEmbeddingsAnswer
  }
}

const gemini: EmbeddingAdapter = {
  tokenInput: false,
  path: function path (basePath: string, model: string, input: ProviderEmbeddingInput): string {
    return basePath + '/v1beta/models/' + encodeURIComponent(model) + ':' + geminiEmbedMethod(input)
  },
  buildBody: function buildBody (model: string, input: ProviderEmbeddingInput): string {
    return JSON.stringify(toGeminiEmbedRequest(model, input))
  },
  readAnswer: fromGeminiEmbedAnswer
}

/** The embeddings API of every provider type that has one (a type not named here has none). */
export const embeddingAdapters: Readonly<Partial<Record<ProviderType, EmbeddingAdapter>>> = Object.freeze({
  openai: openAiFormat('/v1'),
  'openai-compatible': openAiFormat(''),
  gemini,
  deepseek: undefined
})
