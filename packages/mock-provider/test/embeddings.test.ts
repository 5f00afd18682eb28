import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MOCK_EMBEDDING_DIMENSIONS, mockEmbedding } from '../src/index.ts'
import { GEMINI_AUTH, OPENAI_AUTH, post, startMock } from './helper.ts'

function norm (vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0))
}

test('mockEmbedding: deterministic unit vectors of the asked length, different for different texts', () => {
  const a = mockEmbedding('hello world')
  assert.equal(a.length, MOCK_EMBEDDING_DIMENSIONS)
  assert.deepEqual(mockEmbedding('hello world'), a)
  assert.notDeepEqual(mockEmbedding('hello there'), a)
  assert.ok(Math.abs(norm(a) - 1) < 1e-6)
  assert.equal(mockEmbedding('hello world', 3).length, 3)
  assert.notDeepEqual(mockEmbedding([1, 2, 3]), mockEmbedding('1,2,3'))
  for (const value of a) assert.equal(Math.fround(value), value)
})

test('OpenAI /v1/embeddings: strings, token arrays, dimensions, base64, usage, errors', async (t) => {
  const mock = await startMock(t)
  const one = await (await post(mock, '/v1/embeddings', JSON.stringify({ model: 'e', input: 'hi there' }), OPENAI_AUTH)).json()
  assert.deepEqual(one, { object: 'list', data: [{ object: 'embedding', index: 0, embedding: mockEmbedding('hi there') }], model: 'e', usage: { prompt_tokens: 2, total_tokens: 2 } })

  const batch = await (await post(mock, '/v1/embeddings', JSON.stringify({ model: 'e', input: ['a', 'b c'], dimensions: 4 }), OPENAI_AUTH)).json()
  assert.deepEqual(batch.data.map((item: any) => item.embedding), [mockEmbedding('a', 4), mockEmbedding('b c', 4)])
  assert.equal(batch.usage.prompt_tokens, 3)

  const tokens = await (await post(mock, '/v1/embeddings', JSON.stringify({ model: 'e', input: [[1, 2], [3]] }), OPENAI_AUTH)).json()
  assert.deepEqual(tokens.data[1].embedding, mockEmbedding([3]))
  assert.equal(tokens.usage.prompt_tokens, 3)

  const base64 = await (await post(mock, '/v1/embeddings', JSON.stringify({ model: 'e', input: 'x', encoding_format: 'base64' }), OPENAI_AUTH)).json()
  const bytes = Buffer.from(base64.data[0].embedding, 'base64')
  assert.deepEqual(Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4)), mockEmbedding('x'))

  const bad = await post(mock, '/v1/embeddings', JSON.stringify({ model: 'e', input: [] }), OPENAI_AUTH)
  assert.equal(bad.status, 400)
  assert.equal((await bad.json()).error.param, 'input')
  assert.equal(mock.requests[0].path, '/v1/embeddings')
  assert.equal(mock.requests[0].model, 'e')
})

test('Gemini embedContent and batchEmbedContents: values, outputDimensionality, the batch naming its model', async (t) => {
  const mock = await startMock(t)
  const single = await (await post(mock, '/v1beta/models/ge:embedContent', JSON.stringify({ content: { parts: [{ text: 'hi' }] }, outputDimensionality: 5, taskType: 'RETRIEVAL_QUERY' }), GEMINI_AUTH)).json()
  assert.deepEqual(single, { embedding: { values: mockEmbedding('hi', 5) } })

  const requests = ['a', 'b'].map((text) => ({ model: 'models/ge', content: { parts: [{ text }] } }))
  const batch = await (await post(mock, '/v1beta/models/ge:batchEmbedContents', JSON.stringify({ requests }), GEMINI_AUTH)).json()
  assert.deepEqual(batch, { embeddings: [{ values: mockEmbedding('a') }, { values: mockEmbedding('b') }] })
  assert.equal(mock.requests[1].model, 'ge')

  const wrongModel = await post(mock, '/v1beta/models/ge:batchEmbedContents', JSON.stringify({ requests: [{ model: 'models/other', content: { parts: [{ text: 'a' }] } }] }), GEMINI_AUTH)
  assert.equal(wrongModel.status, 400)
  assert.equal((await wrongModel.json()).error.status, 'INVALID_ARGUMENT')
})

test('embeddings answer the behaviour\'s status with the provider\'s error body', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('e', { status: 429 })
  const limited = await post(mock, '/v1/embeddings', JSON.stringify({ model: 'e', input: 'x' }), OPENAI_AUTH)
  assert.equal(limited.status, 429)
  assert.equal((await limited.json()).error.type, 'requests')
})
