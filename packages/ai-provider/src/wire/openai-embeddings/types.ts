// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The OpenAI Embeddings API (POST /v1/embeddings), from OpenAI's API reference: the request, the
// answer and its usage. OpenAI-compatible servers (vLLM, Ollama, LiteLLM-style gateways) speak it too.

/** The request body. */
export interface OpenAiEmbeddingsRequest {
  /** A string, an array of strings, an array of token ids, or an array of token arrays. */
  input: string | string[] | number[] | number[][]
  /** The model's id. */
  model: string
  /** Length of the vectors (text-embedding-3 and later). */
  dimensions?: number
  /** `float` (default) or `base64` (little-endian float32 bytes). */
  encoding_format?: 'float' | 'base64'
  /** An end-user id, for the provider's abuse monitoring. */
  user?: string
}

/** One vector of the answer. */
export interface OpenAiEmbedding {
  object: 'embedding'
  /** The position of its input. */
  index: number
  /** Numbers, or base64 with `encoding_format: 'base64'`. */
  embedding: number[] | string
}

/** The answer's usage: embeddings have prompt tokens only. */
export interface OpenAiEmbeddingsUsage {
  prompt_tokens: number
  total_tokens: number
}

/** The answer body. */
export interface OpenAiEmbeddingsAnswer {
  object: 'list'
  data: OpenAiEmbedding[]
  /** The model that answered. */
  model: string
  usage: OpenAiEmbeddingsUsage
}
