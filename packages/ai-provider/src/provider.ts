// The contract between the fallback chain and the provider layer (adapters + transport).
// A ProviderClient talks to one configured provider; the chain never sees wire formats.

import type { AiMessage, AiReasoning, AiResponseFormat, AiResult, AiThinkingOptions, AiTool, AiToolCall, AiToolChoice, AiUsage } from './types.ts'

/**
 * What a provider is asked, already normalized (history and context turned into messages) and
 * checked: the model serves every capability it needs, tool results answer known calls.
 */
export interface ProviderInput {
  messages: AiMessage[]
  temperature?: number
  maxTokens?: number
  topP?: number
  stop?: string[]
  tools?: AiTool[]
  toolChoice?: AiToolChoice
  parallelToolCalls?: boolean
  responseFormat?: AiResponseFormat
  /** Let the model reason before it answers, where its provider can be asked to. */
  thinking?: AiThinkingOptions
}

/** A complete answer from a provider. */
export interface ProviderAnswer {
  /** `''` when the model only called tools. */
  text: string
  result: AiResult
  /** The calls the model made, in order (ids generated where the provider gives none). */
  toolCalls?: AiToolCall[]
  /** The model's reasoning blocks, in order, with what their provider needs back (never answer text). */
  reasoning?: AiReasoning[]
  usage?: AiUsage
}

/**
 * One event of a normalized provider stream. Failures are thrown, as AI_* errors. A tool call
 * is yielded once whole (its arguments complete), `index` counting the answer's calls from 0.
 * A reasoning block is yielded once it closed, in its place: never answer text, and a stream
 * that only reasoned so far can still fall back (the chain waits for the first other event).
 * A provider may also give its reasoning with the end event instead.
 */
export type ProviderStreamEvent =
  | { type: 'delta', text: string }
  | { type: 'tool_call', index: number, toolCall: AiToolCall }
  | { type: 'reasoning', reasoning: AiReasoning }
  | { type: 'end', result: AiResult, usage?: AiUsage, reasoning?: AiReasoning[] }

/** What an embedding model is asked: inputs already checked (non-empty, within the limits). */
export interface ProviderEmbeddingInput {
  /** Texts, or token arrays (OpenAI-format providers only). */
  input: string[] | number[][]
  /** Length of the vectors, when the caller asked for it. */
  dimensions?: number
  /** Gemini's `taskType`; OpenAI-format providers have no such field. */
  taskType?: string
}

/** The vectors a provider answered, one per input in input order, as numbers. */
export interface ProviderEmbeddings {
  vectors: number[][]
  /** Prompt tokens, when the provider reports them (`completionTokens` 0). */
  usage?: AiUsage
}

export interface ProviderCallOptions {
  /** Aborts the upstream request (caller gone, or the chain gave up). */
  signal?: AbortSignal
  /** Milliseconds for the call; for streams, until headers and between two chunks. */
  timeout: number
  /** Headers of this call over the provider's (W3C trace context, when propagated upstream). */
  headers?: Readonly<Record<string, string>>
}

/**
 * One configured provider. Errors are AI_* errors from errors.ts: AI_PROVIDER_TIMEOUT,
 * AI_PROVIDER_NETWORK_ERROR, AI_PROVIDER_RESPONSE_ERROR (5xx), AI_PROVIDER_EXCEEDED (429/402/quota;
 * `retryAfterMs` set from Retry-After when present), AI_PROVIDER_AUTH_ERROR (401/403),
 * AI_PROVIDER_REQUEST_REJECTED (other 4xx), AI_PROVIDER_MALFORMED_RESPONSE, AI_PROVIDER_EMPTY_RESPONSE,
 * AI_PROVIDER_STREAM_ERROR (in-band error), AI_ABORTED (the signal fired).
 * Every failure, timeout and early exit aborts the upstream request.
 */
export interface ProviderClient {
  /** The provider's configured name (the key in `providers`). */
  readonly name: string
  complete (model: string, input: ProviderInput, options: ProviderCallOptions): Promise<ProviderAnswer>
  /** Stops upstream when the consumer stops iterating (return()) or the signal fires. */
  stream (model: string, input: ProviderInput, options: ProviderCallOptions): AsyncIterable<ProviderStreamEvent>
  /** Embed with `model` through the provider's embeddings API (same errors as `complete`). */
  embed (model: string, input: ProviderEmbeddingInput, options: ProviderCallOptions): Promise<ProviderEmbeddings>
  /** The input tokens of a conversation by the provider's own counter; undefined when its API has none. */
  countTokens (model: string, input: ProviderInput, options: ProviderCallOptions): Promise<number | undefined>
  close (): Promise<void>
}

/** A provider's options after validation (options.ts): defaults applied, frozen. */
export interface NormalizedProviderOptions {
  /** The key in `providers`. */
  name: string
  type: import('./types.ts').ProviderType
  apiKey?: string
  /** Without trailing slash, e.g. `https://api.openai.com` or `http://127.0.0.1:11434/v1`. */
  baseUrl: string
  headers: Record<string, string>
  connections?: number
  pipelining: number
  connectTimeout: number
  keepAliveTimeout?: number
  /** Ask for a stream's usage (OpenAI wire format). */
  streamUsage: boolean
  /** The OpenAI API called (`chat` for every other type). */
  api: import('./types.ts').OpenAiApi
  /** Anthropic: the `anthropic-version` header, when configured. */
  version?: string
  /** Anthropic: the `anthropic-beta` flags, when configured. */
  beta?: readonly string[]
}
