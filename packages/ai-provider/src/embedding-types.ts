// Public types of embeddings (SPEC §10): the request `ai.embed()` takes, the answer it gives, and
// the options that bound it. Re-exported by types.ts, beside the chat contract.

import type { AiModelSelector } from './types.ts'

/** What a configured model serves: chat requests (the default) or embedding requests. Each kind has its own chain. */
export type AiModelType = 'chat' | 'embedding'

/**
 * What to embed: one text, several texts, or token arrays (one array of token ids per input,
 * for OpenAI-format models only: a Gemini model is skipped for them, `AI_MODEL_UNSUPPORTED`).
 */
export type AiEmbeddingInput = string | string[] | number[][]

/** How vectors are given back: arrays of numbers, or base64 of their little-endian float32 bytes. */
export type AiEmbeddingEncoding = 'float' | 'base64'

/**
 * What the vectors will be used for, for the models that tune them by it (Gemini's `taskType`);
 * OpenAI-format models have no such field and ignore it.
 */
export type AiEmbeddingTaskType =
  | 'RETRIEVAL_QUERY'
  | 'RETRIEVAL_DOCUMENT'
  | 'SEMANTIC_SIMILARITY'
  | 'CLASSIFICATION'
  | 'CLUSTERING'
  | 'QUESTION_ANSWERING'
  | 'FACT_VERIFICATION'
  | 'CODE_RETRIEVAL_QUERY'

/** One embedding request to the gateway. */
export interface AiEmbeddingRequest {
  /** Non-empty text(s) or token arrays; at most `embeddings.maxInputs` of them, each within the size limits. */
  input: AiEmbeddingInput
  /** A subset of the configured embedding models, in the order to try. Default: all of them, in config order. */
  models?: AiModelSelector[]
  /** Length of the vectors, for models that can shorten theirs (OpenAI `dimensions`, Gemini `outputDimensionality`). A positive integer. */
  dimensions?: number
  /** `float` (default) or `base64`, encoded by the gateway whatever the model answered. */
  encodingFormat?: AiEmbeddingEncoding
  /** Gemini's `taskType`; ignored by OpenAI-format models. */
  taskType?: AiEmbeddingTaskType
  /** Who is asking, for accounting (as `AiRequest.caller`): usage is recorded, and `callerBudget` holds it. */
  caller?: string
  /** Cancels the request and aborts the upstream call. */
  signal?: AbortSignal
}

/** One vector of an answer. */
export interface AiEmbedding {
  /** The position of its input in the request. */
  index: number
  /** The vector: numbers with `encodingFormat: 'float'`, a base64 string of little-endian float32 values with `'base64'`. */
  embedding: number[] | string
}

/** Tokens of an embedding request (embeddings have no output tokens). */
export interface AiEmbeddingUsage {
  promptTokens: number
  totalTokens: number
  /** True when the provider reported no usage (Gemini's embedding API does not) and the tokens are estimated from the text. */
  estimated?: boolean
  /** What it cost, from the model's `price.input`, when the model has one. */
  cost?: number
}

/** The answer of `ai.embed()`. */
export interface AiEmbeddingResponse {
  /** `provider:model` that answered. */
  model: string
  /** One vector per input, in input order. */
  embeddings: AiEmbedding[]
  usage: AiEmbeddingUsage
}

/** Bounds of embedding requests, checked before any call (400 `AI_BAD_REQUEST` naming the limit). */
export interface EmbeddingOptions {
  /** Most inputs in one request. Default 2048 (OpenAI's own limit). */
  maxInputs?: number
  /** Most characters in one text input. Default 32768 (about 8k tokens, OpenAI's limit per input). */
  maxInputCharacters?: number
  /** Most tokens in one token-array input. Default 8192. */
  maxInputTokens?: number
}
