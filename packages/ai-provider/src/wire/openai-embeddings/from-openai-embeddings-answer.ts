// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// An OpenAI-format embeddings answer read into vectors (in input order, whatever order `data`
// lists them in) and usage. A server that answers base64 although floats were asked is read too.

import type { AiUsage } from '../../types.ts'
import type { ProviderEmbeddings } from '../../provider.ts'
import { AiProviderMalformedResponseError } from '../../errors.ts'
import { decodeFloat32Base64 } from './openai-embeddings-base64.ts'

/** The vectors of `json`, which must hold one per input (`count`). */
export function fromOpenAiEmbeddingsAnswer (json: unknown, label: string, count: number): ProviderEmbeddings {
  const data = (json as { data?: unknown } | null)?.data
  if (!Array.isArray(data)) throw new AiProviderMalformedResponseError(label, 'embeddings answer has no data array')
  if (data.length !== count) throw new AiProviderMalformedResponseError(label, `expected ${count} embeddings, got ${data.length}`)
  const vectors: number[][] = new Array(count)
  for (let position = 0; position < data.length; position++) {
    const item = data[position] as { index?: unknown, embedding?: unknown } | null
    const index = typeof item?.index === 'number' ? item.index : position
    if (!Number.isInteger(index) || index < 0 || index >= count || vectors[index] !== undefined) {
      throw new AiProviderMalformedResponseError(label, `embedding index ${String(item?.index)} is out of place`)
    }
    vectors[index] = vectorOf(item?.embedding, label)
  }
  const result: ProviderEmbeddings = { vectors }
  const usage = usageOf((json as { usage?: unknown }).usage)
  if (usage !== undefined) result.usage = usage
  return result
}

function vectorOf (embedding: unknown, label: string): number[] {
  if (typeof embedding === 'string') return decodeFloat32Base64(embedding)
  if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every(isFiniteNumber)) {
    throw new AiProviderMalformedResponseError(label, 'an embedding is not an array of numbers')
  }
  return embedding
}

function isFiniteNumber (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

function usageOf (usage: unknown): AiUsage | undefined {
  const { prompt_tokens: promptTokens, total_tokens: totalTokens } = (usage ?? {}) as { prompt_tokens?: unknown, total_tokens?: unknown }
  if (typeof promptTokens !== 'number') return undefined
  return { promptTokens, completionTokens: 0, totalTokens: typeof totalTokens === 'number' ? totalTokens : promptTokens }
}
