// The OpenAI embeddings wire format both ways: answers read into vectors (in index order, base64
// decoded, malformed ones refused), OpenAI bodies read with 400s naming the param, the core's
// answer written in OpenAI's shape, and the float32 base64 codec.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fromOpenAiEmbeddingsAnswer } from '../../../src/wire/openai-embeddings/from-openai-embeddings-answer.ts'
import { fromOpenAiEmbeddingsRequest } from '../../../src/wire/openai-embeddings/from-openai-embeddings-request.ts'
import { toOpenAiEmbeddingsAnswer } from '../../../src/wire/openai-embeddings/to-openai-embeddings-answer.ts'
import { toOpenAiEmbeddingsRequest } from '../../../src/wire/openai-embeddings/to-openai-embeddings-request.ts'
import { decodeFloat32Base64, encodeFloat32Base64 } from '../../../src/wire/openai-embeddings/openai-embeddings-base64.ts'

test('an answer: vectors by index whatever the order of data, base64 decoded, usage', () => {
  const vector = [0.5, -0.25, 1]
  const answer = {
    object: 'list',
    data: [{ object: 'embedding', index: 1, embedding: encodeFloat32Base64(vector) }, { object: 'embedding', index: 0, embedding: [1, 2] }],
    model: 'm',
    usage: { prompt_tokens: 7, total_tokens: 7 }
  }
  assert.deepEqual(fromOpenAiEmbeddingsAnswer(answer, 'p:m', 2), { vectors: [[1, 2], vector], usage: { promptTokens: 7, completionTokens: 0, totalTokens: 7 } })
  assert.deepEqual(fromOpenAiEmbeddingsAnswer({ data: [{ embedding: [3] }] }, 'p:m', 1), { vectors: [[3]] })
})

test('a malformed answer is AI_PROVIDER_MALFORMED_RESPONSE', () => {
  const cases = [
    {},
    { data: [] },
    { data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [2] }] },
    { data: [{ index: 5, embedding: [1] }] },
    { data: [{ index: 0, embedding: ['x'] }] },
    { data: [{ index: 0, embedding: [] }] }
  ]
  for (const json of cases) {
    const count = json.data?.length === 2 ? 2 : 1
    assert.throws(() => fromOpenAiEmbeddingsAnswer(json, 'p:m', count), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' }, JSON.stringify(json))
  }
})

test('the request sent upstream asks for floats, with dimensions when given', () => {
  assert.deepEqual(toOpenAiEmbeddingsRequest('m', { input: ['a'], dimensions: 3, taskType: 'CLUSTERING' }), { input: ['a'], model: 'm', encoding_format: 'float', dimensions: 3 })
})

test('an OpenAI body: every parameter read, a single token array is one input', () => {
  assert.deepEqual(fromOpenAiEmbeddingsRequest({ model: 'm', input: 'hi', dimensions: 8, encoding_format: 'base64', user: 'u' }), {
    model: 'm', request: { input: 'hi', dimensions: 8, encodingFormat: 'base64' }
  })
  assert.deepEqual(fromOpenAiEmbeddingsRequest({ model: 'm', input: [1, 2, 3] }).request.input, [[1, 2, 3]])
  assert.deepEqual(fromOpenAiEmbeddingsRequest({ model: 'm', input: ['a', 'b'] }).request.input, ['a', 'b'])
})

test('a bad OpenAI body is a 400 naming the param in OpenAI\'s terms', () => {
  const cases: Array<[unknown, string, string]> = [
    [[], 'body', 'invalid_type'],
    [{ input: 'x' }, 'model', 'missing_required_parameter'],
    [{ model: 'm' }, 'input', 'missing_required_parameter'],
    [{ model: 'm', input: 5 }, 'input', 'invalid_type'],
    [{ model: 'm', input: 'x', dimensions: 0 }, 'dimensions', 'invalid_value'],
    [{ model: 'm', input: 'x', encoding_format: 'hex' }, 'encoding_format', 'invalid_value'],
    [{ model: 'm', input: 'x', user: 1 }, 'user', 'invalid_type'],
    [{ model: 'm', input: 'x', truncate: true }, 'truncate', 'unknown_parameter']
  ]
  for (const [body, param, code] of cases) {
    assert.throws(() => fromOpenAiEmbeddingsRequest(body), (error: Error & { code?: string, param?: string, openaiCode?: string }) => {
      assert.equal(error.code, 'AI_BAD_REQUEST')
      assert.equal(error.param, param, JSON.stringify(body))
      assert.equal(error.openaiCode, code, JSON.stringify(body))
      return true
    })
  }
})

test('the core\'s answer in OpenAI\'s shape', () => {
  const response = { model: 'gemini:ge', embeddings: [{ index: 0, embedding: [1] }, { index: 1, embedding: 'AAAAAA==' }], usage: { promptTokens: 3, totalTokens: 3, estimated: true } }
  assert.deepEqual(toOpenAiEmbeddingsAnswer(response), {
    object: 'list',
    data: [{ object: 'embedding', index: 0, embedding: [1] }, { object: 'embedding', index: 1, embedding: 'AAAAAA==' }],
    model: 'gemini:ge',
    usage: { prompt_tokens: 3, total_tokens: 3 }
  })
})

test('base64 is little-endian float32, whatever the host', () => {
  assert.equal(encodeFloat32Base64([1]), Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'))
  const values = [0.1, -2.5, 3e-8]
  assert.deepEqual(decodeFloat32Base64(encodeFloat32Base64(values)), values.map(Math.fround))
})
