// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// What a Gemini embedding model is sent (ai.google.dev/api/embeddings): one text goes to
// `models/{model}:embedContent` as an EmbedContentRequest, several to `:batchEmbedContents` as
// `{requests: [EmbedContentRequest…]}`, each naming its model as `models/{model}`. The vector's
// length is `outputDimensionality`; `taskType` says what it is for. Gemini embeds text only:
// token arrays never reach it (the chain skips Gemini models for them).

import type { ProviderEmbeddingInput } from '../../provider.ts'
import type { GeminiContent } from './types.ts'

/** One EmbedContentRequest. */
export interface GeminiEmbedContentRequest {
  /** `models/{model}`: required in a batch, where each request names its model. */
  model?: string
  /** The text, as one part (only `parts.text` counts). */
  content: GeminiContent
  /** RETRIEVAL_QUERY, RETRIEVAL_DOCUMENT, SEMANTIC_SIMILARITY… */
  taskType?: string
  /** Truncate the vector to this many values. */
  outputDimensionality?: number
}

/** The body of `:batchEmbedContents`. */
export interface GeminiBatchEmbedContentsRequest {
  requests: GeminiEmbedContentRequest[]
}

/** Which method an input goes to: one text alone, or a batch. */
export type GeminiEmbedMethod = 'embedContent' | 'batchEmbedContents'

/** `embedContent` for one input, `batchEmbedContents` for more. */
export function geminiEmbedMethod (input: ProviderEmbeddingInput): GeminiEmbedMethod {
  return input.input.length === 1 ? 'embedContent' : 'batchEmbedContents'
}

/** The body of the call `geminiEmbedMethod` picks. */
export function toGeminiEmbedRequest (model: string, input: ProviderEmbeddingInput): GeminiEmbedContentRequest | GeminiBatchEmbedContentsRequest {
  const texts = input.input as string[]
  if (texts.length === 1) return embedRequest(texts[0], input, undefined)
  const name = 'models/' + model
  return { requests: texts.map(function eachText (text) { return embedRequest(text, input, name) }) }
}

function embedRequest (text: string, input: ProviderEmbeddingInput, model: string | undefined): GeminiEmbedContentRequest {
  const request: GeminiEmbedContentRequest = { content: { parts: [{ text }] } }
  if (model !== undefined) request.model = model
  if (input.taskType !== undefined) request.taskType = input.taskType
  if (input.dimensions !== undefined) request.outputDimensionality = input.dimensions
  return request
}
