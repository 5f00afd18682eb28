// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A Gemini embedding answer read into vectors: `{embedding: {values}}` from `:embedContent`,
// `{embeddings: [{values}…]}` in request order from `:batchEmbedContents`. The Developer API
// reports no tokens for embeddings; a `usageMetadata.promptTokenCount` (Vertex AI's) is read when
// present, else the core estimates them.

import type { ProviderEmbeddings } from '../../provider.ts'
import { AiProviderMalformedResponseError } from '../../errors.ts'

interface GeminiEmbedAnswer {
  embedding?: { values?: unknown }
  embeddings?: Array<{ values?: unknown } | null>
  usageMetadata?: { promptTokenCount?: unknown }
}

/** The `count` vectors of `json`. */
export function fromGeminiEmbedAnswer (json: unknown, label: string, count: number): ProviderEmbeddings {
  if (json === null || typeof json !== 'object') throw new AiProviderMalformedResponseError(label, 'embedding answer is not an object')
  const answer = json as GeminiEmbedAnswer
  const items = count === 1 && answer.embedding !== undefined ? [answer.embedding] : answer.embeddings
  if (!Array.isArray(items)) throw new AiProviderMalformedResponseError(label, 'embedding answer has neither embedding nor embeddings')
  if (items.length !== count) throw new AiProviderMalformedResponseError(label, `expected ${count} embeddings, got ${items.length}`)
  const vectors = items.map(function valuesOf (item) {
    const values = item?.values
    if (!Array.isArray(values) || values.length === 0 || !values.every(function isNumber (value) { return typeof value === 'number' && Number.isFinite(value) })) {
      throw new AiProviderMalformedResponseError(label, 'an embedding has no values')
    }
    return values as number[]
  })
  const result: ProviderEmbeddings = { vectors }
  const tokens = answer.usageMetadata?.promptTokenCount
  if (typeof tokens === 'number') result.usage = { promptTokens: tokens, completionTokens: 0, totalTokens: tokens }
  return result
}
