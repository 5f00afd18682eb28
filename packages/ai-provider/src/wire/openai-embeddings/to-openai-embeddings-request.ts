// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// What an OpenAI-format embedding model is sent. Vectors are always asked for as floats: the
// gateway encodes base64 itself when its caller wants it, whatever the upstream.

import type { ProviderEmbeddingInput } from '../../provider.ts'
import type { OpenAiEmbeddingsRequest } from './types.ts'

/** The request body of an embedding call to `model`. */
export function toOpenAiEmbeddingsRequest (model: string, input: ProviderEmbeddingInput): OpenAiEmbeddingsRequest {
  const body: OpenAiEmbeddingsRequest = { input: input.input, model, encoding_format: 'float' }
  if (input.dimensions !== undefined) body.dimensions = input.dimensions
  return body
}
