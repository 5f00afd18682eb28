// Layer providers/ (wire formats, pure functions, no I/O). May import wire/ and the base files;
// see docs/architecture.md.
//
// The token-counting API of each provider type that has one, as data plus pure functions (the
// transport's `postJson` does the call; error bodies are read by the provider's chat adapter):
// Anthropic `POST /v1/messages/count_tokens` (the request's fields without max_tokens and stream).

import type { ProviderType } from '../types.ts'
import type { ProviderInput } from '../provider.ts'
import { AiProviderMalformedResponseError } from '../errors.ts'
import { toAnthropicRequest } from '../wire/anthropic/to-anthropic-request.ts'

/** One provider type's token counter. */
export interface TokenCounter {
  /** The path of the call; `basePath` as the chat adapter gets it. */
  path (basePath: string, model: string): string
  /** The JSON body. */
  buildBody (model: string, input: ProviderInput): string
  /** The input tokens of a parsed 2xx answer; AI_PROVIDER_MALFORMED_RESPONSE otherwise. */
  readAnswer (json: unknown, label: string): number
}

const anthropic: TokenCounter = {
  path: function path (basePath: string): string {
    return basePath + '/v1/messages/count_tokens'
  },
  buildBody: function buildBody (model: string, input: ProviderInput): string {
    // count_tokens takes what shapes the prompt, not how the answer is sampled.
    const { max_tokens: _maxTokens, stream: _stream, temperature: _temperature, top_p: _topP, top_k: _topK, stop_sequences: _stop, metadata: _metadata, service_tier: _tier, ...counted } = toAnthropicRequest(model, input, false)
    return JSON.stringify(counted)
  },
  readAnswer: function readAnswer (json: unknown, label: string): number {
    const tokens = (json as { input_tokens?: unknown } | null)?.input_tokens
    if (typeof tokens !== 'number' || !Number.isInteger(tokens) || tokens < 0) throw new AiProviderMalformedResponseError(label, 'input_tokens is not a count')
    return tokens
  }
}

/** The token counter of every provider type that has one (the others: an estimate, by the core). */
export const tokenCounters: Readonly<Partial<Record<ProviderType, TokenCounter>>> = Object.freeze({ anthropic })
