// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The core's embedding answer written as OpenAI's (`object: "list"`, `data`, `usage`), whatever
// provider answered: a Gemini answer reaches an OpenAI client in the shape it reads.

import type { AiEmbeddingResponse } from '../../embedding-types.ts'
import type { OpenAiEmbeddingsAnswer } from './types.ts'

/** OpenAI's answer body; `model` is the name to report (the one the caller asked for, or the model that answered). */
export function toOpenAiEmbeddingsAnswer (response: AiEmbeddingResponse, model: string = response.model): OpenAiEmbeddingsAnswer {
  return {
    object: 'list',
    data: response.embeddings.map(function toItem (each) {
      return { object: 'embedding', index: each.index, embedding: each.embedding }
    }),
    model,
    usage: { prompt_tokens: response.usage.promptTokens, total_tokens: response.usage.totalTokens }
  }
}
