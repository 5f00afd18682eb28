// Gemini's embedding wire format: embedContent for one text, batchEmbedContents for more (each
// request naming its model), outputDimensionality and taskType; answers of both read into vectors.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { geminiEmbedMethod, toGeminiEmbedRequest } from '../../../src/wire/gemini/to-gemini-embed-request.ts'
import { fromGeminiEmbedAnswer } from '../../../src/wire/gemini/from-gemini-embed-answer.ts'

test('one text: an EmbedContentRequest for :embedContent', () => {
  const input = { input: ['hi'], dimensions: 4, taskType: 'RETRIEVAL_QUERY' }
  assert.equal(geminiEmbedMethod(input), 'embedContent')
  assert.deepEqual(toGeminiEmbedRequest('gemini-embedding-001', input), { content: { parts: [{ text: 'hi' }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 4 })
})

test('several texts: one request each for :batchEmbedContents, naming models/{model}', () => {
  const input = { input: ['a', 'b'] }
  assert.equal(geminiEmbedMethod(input), 'batchEmbedContents')
  assert.deepEqual(toGeminiEmbedRequest('e', input), {
    requests: [
      { model: 'models/e', content: { parts: [{ text: 'a' }] } },
      { model: 'models/e', content: { parts: [{ text: 'b' }] } }
    ]
  })
})

test('answers: embedding.values, embeddings[].values, Vertex usageMetadata when present', () => {
  assert.deepEqual(fromGeminiEmbedAnswer({ embedding: { values: [1, 2] } }, 'g:e', 1), { vectors: [[1, 2]] })
  assert.deepEqual(fromGeminiEmbedAnswer({ embeddings: [{ values: [1] }, { values: [2] }] }, 'g:e', 2), { vectors: [[1], [2]] })
  assert.deepEqual(fromGeminiEmbedAnswer({ embedding: { values: [1] }, usageMetadata: { promptTokenCount: 5 } }, 'g:e', 1).usage, { promptTokens: 5, completionTokens: 0, totalTokens: 5 })
})

test('a malformed answer is AI_PROVIDER_MALFORMED_RESPONSE', () => {
  for (const [json, count] of [[null, 1], [{}, 1], [{ embeddings: [{ values: [1] }] }, 2], [{ embedding: { values: [] } }, 1], [{ embeddings: [null] }, 1]] as const) {
    assert.throws(() => fromGeminiEmbedAnswer(json, 'g:e', count), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' }, JSON.stringify(json))
  }
})
