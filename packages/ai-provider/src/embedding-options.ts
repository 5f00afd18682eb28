// The options of embeddings, validated once (options.ts calls these): a model's `type`, and the
// `embeddings` bounds of a request. Failures name the option and the value, as options.ts does.

import type { AiModelType, EmbeddingOptions } from './embedding-types.ts'
import type { ProviderType } from './types.ts'
import { AiOptionsError } from './errors.ts'
import { describeValue } from './time-window.ts'

/** `embeddings`, resolved. */
export interface NormalizedEmbeddingOptions {
  maxInputs: number
  maxInputCharacters: number
  maxInputTokens: number
}

const DEFAULTS: NormalizedEmbeddingOptions = Object.freeze({ maxInputs: 2048, maxInputCharacters: 32_768, maxInputTokens: 8192 })
const KEYS = Object.keys(DEFAULTS) as Array<keyof NormalizedEmbeddingOptions>
const MODEL_TYPES: readonly AiModelType[] = ['chat', 'embedding']

/** Provider types with an embeddings API (DeepSeek has none, nor any type not named here). */
const EMBEDDING_PROVIDERS: Readonly<Partial<Record<ProviderType, boolean>>> = Object.freeze({
  openai: true,
  'openai-compatible': true,
  gemini: true,
  deepseek: false
})

/** `models[i].type`: `chat` (default) or `embedding`, for a provider that has embeddings. */
export function modelTypeAt (value: unknown, path: string, providerType: ProviderType): AiModelType {
  if (value === undefined) return 'chat'
  if (!MODEL_TYPES.includes(value as AiModelType)) throw new AiOptionsError(`${path} must be "chat" or "embedding", got ${describeValue(value)}`)
  if (value === 'embedding' && EMBEDDING_PROVIDERS[providerType] !== true) {
    throw new AiOptionsError(`${path} is "embedding", but a provider of type ${providerType} has no embeddings API`)
  }
  return value as AiModelType
}

/** `embeddings`, with every default resolved. */
export function normalizeEmbeddingOptions (value: EmbeddingOptions | undefined): NormalizedEmbeddingOptions {
  if (value === undefined) return DEFAULTS
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AiOptionsError(`embeddings must be an object, got ${describeValue(value)}`)
  const result = { ...DEFAULTS }
  for (const key of Object.keys(value)) {
    if (!KEYS.includes(key as keyof NormalizedEmbeddingOptions)) throw new AiOptionsError(`embeddings.${key} is not a known option (expected one of ${KEYS.join(', ')})`)
    const number = (value as Record<string, unknown>)[key]
    if (number === undefined) continue
    if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
      throw new AiOptionsError(`embeddings.${key} must be a positive integer, got ${describeValue(number)}`)
    }
    result[key as keyof NormalizedEmbeddingOptions] = number
  }
  return Object.freeze(result)
}
