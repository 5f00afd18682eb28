// ai.embed() over real HTTP against the mock provider: OpenAI-format models as they are, Gemini
// models through :embedContent / :batchEmbedContents, the embedding chain kept apart from the
// chat chain, fallback and cool-down, base64 written by the gateway, usage, and every bad input.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { MockProvider } from '@platformatic/ai-mock-provider'
import { mockEmbedding } from '@platformatic/ai-mock-provider'
import { setup } from '../helpers/ai.ts'
import { normalizeOptions } from '../../src/options.ts'
import type { AiOptions } from '../../src/types.ts'

// Chat models openai:a, gemini:g; embedding models openai:e1, gemini:ge, local:le.
function mixed (mock: MockProvider): Partial<AiOptions> {
  return {
    providers: {
      openai: { apiKey: 'k', baseUrl: mock.url },
      gemini: { apiKey: 'k', baseUrl: mock.url },
      local: { type: 'openai-compatible', apiKey: 'k', baseUrl: mock.url + '/v1' }
    },
    models: [
      'openai:a',
      { provider: 'openai', model: 'e1', type: 'embedding', price: { input: 0.02, output: 0 } },
      { provider: 'gemini', model: 'ge', type: 'embedding' },
      'gemini:g',
      { provider: 'local', model: 'le', type: 'embedding' }
    ]
  }
}

interface CodedError { code?: string, statusCode?: number, field?: string, details?: { attempts?: unknown } }

function decode (base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64')
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4))
}

test('an OpenAI-format model: one text, several, dimensions; floats asked upstream; usage and cost', async (t) => {
  const { ai, mock } = await setup(t, mixed)
  const one = await ai.embed({ input: 'hello world' })
  assert.deepEqual(one, {
    model: 'openai:e1',
    embeddings: [{ index: 0, embedding: mockEmbedding('hello world') }],
    usage: { promptTokens: 2, totalTokens: 2, cost: 0.00000004 }
  })
  assert.equal(mock.requests[0].path, '/v1/embeddings')
  assert.deepEqual(mock.requests[0].body, { input: ['hello world'], model: 'e1', encoding_format: 'float' })

  const many = await ai.embed({ input: ['a', 'b c'], dimensions: 3 })
  assert.deepEqual(many.embeddings, [{ index: 0, embedding: mockEmbedding('a', 3) }, { index: 1, embedding: mockEmbedding('b c', 3) }])
  assert.equal(mock.requests[1].body.dimensions, 3)

  const local = await ai.embed({ input: [[1, 2, 3]], models: ['local:le'] })
  assert.equal(mock.requests[2].path, '/v1/embeddings')
  assert.deepEqual(local.embeddings[0].embedding, mockEmbedding([1, 2, 3]))
  assert.equal(local.usage.promptTokens, 3)
})

test('base64: the gateway encodes the floats as little-endian float32, whatever the upstream', async (t) => {
  const { ai, mock } = await setup(t, mixed)
  for (const model of ['openai:e1', 'gemini:ge']) {
    const answer = await ai.embed({ input: ['x', 'y'], encodingFormat: 'base64', models: [model] })
    assert.equal(typeof answer.embeddings[0].embedding, 'string')
    assert.deepEqual(answer.embeddings.map((each) => decode(each.embedding as string)), [mockEmbedding('x'), mockEmbedding('y')])
  }
  // Upstream is always asked for floats.
  assert.equal(mock.requests[0].body.encoding_format, 'float')
})

test('a Gemini model: :embedContent for one text, :batchEmbedContents for several, outputDimensionality, taskType, usage estimated', async (t) => {
  const { ai, mock } = await setup(t, mixed)
  const one = await ai.embed({ input: 'hello there', models: ['gemini:ge'], dimensions: 4, taskType: 'RETRIEVAL_QUERY' })
  assert.deepEqual(one, {
    model: 'gemini:ge',
    embeddings: [{ index: 0, embedding: mockEmbedding('hello there', 4) }],
    usage: { promptTokens: 3, totalTokens: 3, estimated: true }
  })
  assert.equal(mock.requests[0].path, '/v1beta/models/ge:embedContent')
  assert.deepEqual(mock.requests[0].body, { content: { parts: [{ text: 'hello there' }] }, taskType: 'RETRIEVAL_QUERY', outputDimensionality: 4 })

  const many = await ai.embed({ input: ['a', 'b'], models: ['gemini:ge'] })
  assert.equal(mock.requests[1].path, '/v1beta/models/ge:batchEmbedContents')
  assert.deepEqual(mock.requests[1].body.requests.map((each: { model: string }) => each.model), ['models/ge', 'models/ge'])
  assert.deepEqual(many.embeddings.map((each) => each.embedding), [mockEmbedding('a'), mockEmbedding('b')])
})

test('fallback between embedding models: a failing one cools down, the next answers', async (t) => {
  const { ai, mock } = await setup(t, mixed)
  mock.enqueue('e1', { status: 500 })
  const answer = await ai.embed({ input: 'x' })
  assert.equal(answer.model, 'gemini:ge')
  assert.deepEqual(mock.requests.map((each) => each.model), ['e1', 'ge'])
  const statuses = await ai.models()
  assert.deepEqual(statuses.map((each) => [each.name, each.type, each.state]), [
    ['openai:a', 'chat', 'ready'], ['gemini:g', 'chat', 'ready'],
    ['openai:e1', 'embedding', 'cooling-down'], ['gemini:ge', 'embedding', 'ready'], ['local:le', 'embedding', 'ready']
  ])
  assert.equal((await ai.embed({ input: 'y' })).model, 'gemini:ge')
})

test('the chains stay apart: a chat request never reaches an embedding model, nor the reverse', async (t) => {
  const { ai, mock } = await setup(t, mixed)
  mock.enqueue('a', { status: 500 })
  // The chat chain falls back to the next chat model, never to an embedding model.
  const chat = await ai.request({ prompt: 'hi' })
  assert.equal(chat.model, 'gemini:g')
  assert.deepEqual(mock.requests.map((each) => each.model), ['a', 'g'])
  await assert.rejects(ai.request({ prompt: 'hi', models: ['openai:e1'] }), (error: CodedError) => {
    assert.equal(error.code, 'AI_MODEL_TYPE_MISMATCH')
    assert.equal(error.statusCode, 400)
    return true
  })
  await assert.rejects(ai.embed({ input: 'x', models: ['openai:a'] }), { code: 'AI_MODEL_TYPE_MISMATCH', message: 'Model "openai:a" is a chat model: it does not serve embedding requests' })
  await assert.rejects(ai.embed({ input: 'x', models: ['openai:nope'] }), { code: 'AI_MODEL_NOT_CONFIGURED' })
  assert.equal(mock.requests.length, 2)
})

test('a gateway without embedding models (or without chat models) says so', async (t) => {
  const { ai } = await setup(t)
  await assert.rejects(ai.embed({ input: 'x' }), { code: 'AI_NO_MODEL_OF_TYPE', message: 'No embedding model is configured' })
  const { ai: onlyEmbeddings } = await setup(t, (mock) => ({ providers: { openai: { apiKey: 'k', baseUrl: mock.url } }, models: [{ provider: 'openai', model: 'e', type: 'embedding' }] }))
  await assert.rejects(onlyEmbeddings.request({ prompt: 'hi' }), { code: 'AI_NO_MODEL_OF_TYPE', message: 'No chat model is configured' })
  assert.equal((await onlyEmbeddings.embed({ input: 'x' })).model, 'openai:e')
})

test('token arrays: Gemini models are skipped (AI_MODEL_UNSUPPORTED), never asked; none can: 400 before any call', async (t) => {
  const { ai, mock } = await setup(t, mixed)
  const answer = await ai.embed({ input: [[5, 6]], models: ['gemini:ge', 'openai:e1'] })
  assert.equal(answer.model, 'openai:e1')
  assert.deepEqual(mock.requests.map((each) => each.model), ['e1'])

  await assert.rejects(ai.embed({ input: [[5, 6]], models: ['gemini:ge'] }), (error: CodedError & Error) => {
    assert.equal(error.code, 'AI_UNSUPPORTED_FEATURE')
    assert.match(error.message, /token input/)
    return true
  })
  mock.enqueue('e1', { status: 500 })
  await assert.rejects(ai.embed({ input: [[5]], models: ['gemini:ge', 'openai:e1'] }), (error: CodedError) => {
    assert.equal(error.code, 'AI_NO_MODELS_AVAILABLE')
    assert.deepEqual(error.details?.attempts, [{ model: 'gemini:ge', code: 'AI_MODEL_UNSUPPORTED' }, { model: 'openai:e1', code: 'AI_PROVIDER_RESPONSE_ERROR' }])
    return true
  })
  assert.equal(mock.requests.length, 2)
})

test('every bad input is a 400 naming its field, before any call', async (t) => {
  const { ai, mock } = await setup(t, (m) => ({ ...mixed(m), embeddings: { maxInputs: 2, maxInputCharacters: 10, maxInputTokens: 3 } }))
  const cases: Array<[unknown, string]> = [
    [{ input: '' }, 'input'],
    [{ input: [] }, 'input'],
    [{ input: 42 }, 'input'],
    [{ input: ['a', 'b', 'c'] }, 'input'],
    [{ input: ['a', ''] }, 'input[1]'],
    [{ input: ['a', 7] }, 'input[1]'],
    [{ input: 'x'.repeat(11) }, 'input'],
    [{ input: ['ok', 'y'.repeat(11)] }, 'input[1]'],
    [{ input: [[1, 2, 3, 4]] }, 'input[0]'],
    [{ input: [[1], []] }, 'input[1]'],
    [{ input: [[1.5]] }, 'input[0]'],
    [{ input: [[1], 'a'] }, 'input[1]'],
    [{ input: 'x', dimensions: 0 }, 'dimensions'],
    [{ input: 'x', dimensions: 1.5 }, 'dimensions'],
    [{ input: 'x', dimensions: '8' }, 'dimensions'],
    [{ input: 'x', encodingFormat: 'hex' }, 'encodingFormat']
  ]
  for (const [request, field] of cases) {
    await assert.rejects(ai.embed(request as never), (error: CodedError) => {
      assert.equal(error.code, 'AI_BAD_REQUEST', JSON.stringify(request))
      assert.equal(error.statusCode, 400)
      assert.equal(error.field, field, JSON.stringify(request))
      return true
    })
  }
  assert.equal(mock.requests.length, 0)
})

test('usage of embeddings is recorded per caller and model', async (t) => {
  const { ai } = await setup(t, mixed)
  await ai.embed({ input: ['one two', 'three'], caller: 'user:ada' })
  await ai.embed({ input: 'four five six', caller: 'user:ada', models: ['gemini:ge'] })
  const report = await ai.usage({ caller: 'user:ada' })
  assert.deepEqual(report.rows.map((row) => [row.model, row.requests, row.promptTokens, row.completionTokens, row.estimatedRequests]), [
    ['gemini:ge', 1, 4, 0, 1],
    ['openai:e1', 1, 3, 0, 0]
  ])
})

test('options: type is chat or embedding, on a provider with embeddings; embeddings bounds are positive integers', () => {
  const providers = { openai: { apiKey: 'k' }, deepseek: { apiKey: 'k' } }
  assert.throws(() => normalizeOptions({ providers, models: [{ provider: 'deepseek', model: 'd', type: 'embedding' }] }), /models\[0\]\.type is "embedding", but a provider of type deepseek has no embeddings API/)
  assert.throws(() => normalizeOptions({ providers, models: [{ provider: 'openai', model: 'o', type: 'vector' as never }] }), /models\[0\]\.type must be "chat" or "embedding", got "vector"/)
  assert.throws(() => normalizeOptions({ providers, models: ['openai:o'], embeddings: { maxInputs: 0 } }), /embeddings\.maxInputs must be a positive integer, got 0/)
  assert.throws(() => normalizeOptions({ providers, models: ['openai:o'], embeddings: { batch: 1 } as never }), /embeddings\.batch is not a known option/)
  const config = normalizeOptions({ providers, models: ['openai:o', { provider: 'openai', model: 'e', type: 'embedding' }] })
  assert.deepEqual(config.models.map((model) => model.name), ['openai:o'])
  assert.deepEqual(config.embeddingModels.map((model) => model.name), ['openai:e'])
  assert.deepEqual(config.embeddings, { maxInputs: 2048, maxInputCharacters: 32768, maxInputTokens: 8192 })
  assert.equal(config.embeddingModels[0].capabilities.tools, false)
})

test('an embedding model has its own rate limit: once spent, the chain goes on to the next embedding model', async (t) => {
  const { ai, mock } = await setup(t, (m) => {
    const options = mixed(m)
    options.models = ['openai:a', { provider: 'openai', model: 'e1', type: 'embedding', limits: { rate: { max: 1, timeWindow: '1m' } } }, { provider: 'gemini', model: 'ge', type: 'embedding' }]
    return options
  })
  assert.equal((await ai.embed({ input: 'x' })).model, 'openai:e1')
  assert.equal((await ai.embed({ input: 'y' })).model, 'gemini:ge')
  // The chat model's window is its own: untouched by embedding requests.
  assert.equal((await ai.request({ prompt: 'hi' })).model, 'openai:a')
  assert.deepEqual(mock.requests.map((each) => each.model), ['e1', 'ge', 'a'])
})
