// Layer embeddings/ (the embeddings routes: native and OpenAI's). May import sse/ and the base
// files; see docs/architecture.md.
//
// TypeBox schemas of `POST /api/v1/embeddings`. The body is strict (an unknown field is an
// error); what `input` holds and how large it is are the core's to check, naming the item
// (`input[3]`), so the schema takes any input here.

import { Type } from '@sinclair/typebox'

const ModelSelector = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Object({
    provider: Type.String({ minLength: 1 }),
    model: Type.String({ minLength: 1 })
  }, { additionalProperties: false })
], { errorMessage: 'must be "provider:model" or {"provider", "model"}' })

const TaskType = Type.Union([
  'RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY', 'CLASSIFICATION', 'CLUSTERING',
  'QUESTION_ANSWERING', 'FACT_VERIFICATION', 'CODE_RETRIEVAL_QUERY'
].map(function literal (value) { return Type.Literal(value) }))

/** Body of the native embeddings route. */
export const embeddingsBodySchema = Type.Object({
  input: Type.Unknown({ description: 'A text, an array of texts, or an array of token arrays (OpenAI-format models only).' }),
  models: Type.Optional(Type.Array(ModelSelector, { minItems: 1 })),
  dimensions: Type.Optional(Type.Unknown({ description: 'Length of the vectors, a positive integer.' })),
  encodingFormat: Type.Optional(Type.Unknown({ description: '"float" (default) or "base64".' })),
  taskType: Type.Optional(TaskType)
}, { additionalProperties: false })

/** Answer of the native embeddings route. */
export const embeddingsResponseSchema = Type.Object({
  model: Type.String(),
  embeddings: Type.Array(Type.Object({
    index: Type.Integer(),
    embedding: Type.Union([Type.Array(Type.Number()), Type.String()])
  })),
  usage: Type.Object({
    promptTokens: Type.Integer(),
    totalTokens: Type.Integer(),
    estimated: Type.Optional(Type.Boolean()),
    cost: Type.Optional(Type.Number())
  })
})
