// POST /v1/embeddings (OpenAI's shape, with the openai package and AI SDK's embedMany) and the
// native POST /api/v1/embeddings, over real HTTP: a gateway on port 0 in front of the mock
// provider, with chat models and embedding models of both wire formats.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { APIError } from 'openai'
import { mockEmbedding } from '@platformatic/ai-mock-provider'
import { startOpenAiGateway } from '../openai/openai-gateway.ts'
import type { OpenAiGateway } from '../openai/openai-gateway.ts'

const OPENAI_EMBEDDING = 'openai:text-embedding-3-small'
const GEMINI_EMBEDDING = 'gemini:gemini-embedding-001'

/** The shared gateway, plus two embedding models (OpenAI first) and an alias of the Gemini one. */
async function gateway (t: TestContext): Promise<OpenAiGateway & { url: string }> {
  const started = await startOpenAiGateway(t, {
    plugin: {
      models: [
        'openai:gpt-4o-mini',
        { provider: 'openai', model: 'text-embedding-3-small', type: 'embedding' },
        { provider: 'gemini', model: 'gemini-embedding-001', type: 'embedding' },
        'gemini:gemini-2.5-flash'
      ],
      openai: { aliases: { 'gemini-vectors': [GEMINI_EMBEDDING] } },
      embeddings: { maxInputs: 3, maxInputCharacters: 20 }
    }
  })
  return { ...started, url: started.baseURL.slice(0, -'/v1'.length) }
}

function decode (base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64')
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4))
}

test('openai embeddings.create: one text and a batch, answered by an OpenAI-format model as it is', async (t) => {
  const { client, mock } = await gateway(t)
  const one = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'float' })
  assert.equal(one.object, 'list')
  assert.equal(one.model, OPENAI_EMBEDDING)
  assert.deepEqual(one.data, [{ object: 'embedding', index: 0, embedding: mockEmbedding('hello world') }])
  assert.deepEqual(one.usage, { prompt_tokens: 2, total_tokens: 2 })
  assert.equal(mock.requests[0].path, '/v1/embeddings')

  const batch = await client.embeddings.create({ model: OPENAI_EMBEDDING, input: ['a', 'b c'], encoding_format: 'float', dimensions: 4 })
  assert.deepEqual(batch.data.map((item) => item.embedding), [mockEmbedding('a', 4), mockEmbedding('b c', 4)])
  assert.equal(mock.requests[1].body.dimensions, 4)
})

test('openai embeddings.create: a Gemini model translated to OpenAI\'s shape, single and batch, dimensions, usage', async (t) => {
  const { client, mock } = await gateway(t)
  const one = await client.embeddings.create({ model: 'gemini-vectors', input: 'hello there', encoding_format: 'float', dimensions: 5 })
  assert.equal(one.model, GEMINI_EMBEDDING)
  assert.deepEqual(one.data[0].embedding, mockEmbedding('hello there', 5))
  assert.deepEqual(one.usage, { prompt_tokens: 3, total_tokens: 3 })
  assert.equal(mock.requests[0].path, '/v1beta/models/gemini-embedding-001:embedContent')
  assert.equal(mock.requests[0].body.outputDimensionality, 5)

  const batch = await client.embeddings.create({ model: GEMINI_EMBEDDING, input: ['x', 'y'], encoding_format: 'float' })
  assert.equal(mock.requests[1].path, '/v1beta/models/gemini-embedding-001:batchEmbedContents')
  assert.deepEqual(batch.data.map((item) => [item.index, item.embedding]), [[0, mockEmbedding('x')], [1, mockEmbedding('y')]])
})

test('base64: the SDK\'s default, written by the gateway from floats for either format and decoded by the SDK', async (t) => {
  const { client, mock, baseURL } = await gateway(t)
  for (const model of [OPENAI_EMBEDDING, GEMINI_EMBEDDING]) {
    // The SDK asks for base64 by default and decodes it to numbers.
    const decoded = await client.embeddings.create({ model, input: ['p', 'q'] })
    assert.deepEqual(decoded.data.map((item) => item.embedding), [mockEmbedding('p'), mockEmbedding('q')])
    const raw = await (await fetch(baseURL + '/embeddings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, input: 'p', encoding_format: 'base64' }) })).json()
    assert.equal(typeof raw.data[0].embedding, 'string')
    assert.deepEqual(decode(raw.data[0].embedding), mockEmbedding('p'))
  }
  // Upstream is always asked for floats.
  assert.ok(mock.requests.filter((request) => request.path === '/v1/embeddings').every((request) => request.body.encoding_format === 'float'))
})

test('AI SDK embedMany through the gateway', async (t) => {
  const { baseURL } = await gateway(t)
  const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible')
  const { embedMany } = await import('ai')
  const provider = createOpenAICompatible({ name: 'ai-warp', baseURL, apiKey: 'unused' })
  const { embeddings, usage } = await embedMany({ model: provider.embeddingModel('gemini-embedding-001'), values: ['sunny day', 'rainy night'], maxRetries: 0 })
  assert.deepEqual(embeddings, [mockEmbedding('sunny day'), mockEmbedding('rainy night')])
  // Gemini reports no tokens: estimated at about four characters each (9 and 11 characters).
  assert.equal(usage.tokens, 3 + 3)
})

test('default is the embedding chain: a failing model falls back to the next embedding model, never to a chat model', async (t) => {
  const { client, mock } = await gateway(t)
  mock.enqueue('text-embedding-3-small', { status: 503 })
  const answer = await client.embeddings.create({ model: 'default', input: 'x', encoding_format: 'float' })
  assert.equal(answer.model, GEMINI_EMBEDDING)
  assert.deepEqual(mock.requests.map((request) => request.model), ['text-embedding-3-small', 'gemini-embedding-001'])
  // And chat's default chain never reaches an embedding model.
  mock.enqueue('gpt-4o-mini', { status: 503 })
  const chat = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hi' }] })
  assert.equal(chat.model, 'gemini:gemini-2.5-flash')
  assert.deepEqual(mock.requests.slice(2).map((request) => request.model), ['gpt-4o-mini', 'gemini-2.5-flash'])
})

async function rejected (promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof APIError, String(error))
    return error
  }
  throw new Error('expected a rejection')
}

test('a chat model never gets an embedding request, nor an embedding model a chat request: 400 naming model', async (t) => {
  const { client, mock } = await gateway(t)
  const toChat = await rejected(client.embeddings.create({ model: 'gpt-4o-mini', input: 'x' }))
  assert.equal(toChat.status, 400)
  assert.equal(toChat.param, 'model')
  assert.equal(toChat.code, 'AI_MODEL_TYPE_MISMATCH')
  const toEmbedding = await rejected(client.chat.completions.create({ model: OPENAI_EMBEDDING, messages: [{ role: 'user', content: 'hi' }] }))
  assert.equal(toEmbedding.status, 400)
  assert.equal(toEmbedding.code, 'AI_MODEL_TYPE_MISMATCH')
  const unknown = await rejected(client.embeddings.create({ model: 'nope', input: 'x' }))
  assert.equal(unknown.status, 404)
  assert.equal(mock.requests.length, 0)
})

test('every bad input is OpenAI\'s 400 naming its param, before any upstream call', async (t) => {
  const { baseURL, mock } = await gateway(t)
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ model: OPENAI_EMBEDDING, input: '' }, 'input'],
    [{ model: OPENAI_EMBEDDING, input: [] }, 'input'],
    [{ model: OPENAI_EMBEDDING, input: ['a', 'b', 'c', 'd'] }, 'input'],
    [{ model: OPENAI_EMBEDDING, input: ['a', 'x'.repeat(21)] }, 'input[1]'],
    [{ model: OPENAI_EMBEDDING, input: { text: 'a' } }, 'input'],
    [{ model: GEMINI_EMBEDDING, input: [[1, 2]] }, 'input'],
    [{ model: OPENAI_EMBEDDING, input: 'x', encoding_format: 'hex' }, 'encoding_format'],
    [{ model: OPENAI_EMBEDDING, input: 'x', dimensions: 0 }, 'dimensions'],
    [{ model: OPENAI_EMBEDDING, input: 'x', dimensions: 2.5 }, 'dimensions'],
    [{ model: OPENAI_EMBEDDING, input: 'x', truncate: true }, 'truncate'],
    [{ input: 'x' }, 'model']
  ]
  for (const [body, param] of cases) {
    const response = await fetch(baseURL + '/embeddings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    assert.equal(response.status, 400, JSON.stringify(body))
    const { error } = await response.json()
    assert.equal(error.type, 'invalid_request_error')
    // Token arrays to Gemini only: AI_UNSUPPORTED_FEATURE, which names no param.
    if (param === 'input' && Array.isArray(body.input) && Array.isArray(body.input[0])) assert.equal(error.code, 'AI_UNSUPPORTED_FEATURE')
    else assert.equal(error.param, param, JSON.stringify(body))
  }
  assert.equal(mock.requests.length, 0)
})

test('token arrays reach OpenAI-format models; a Gemini model in the chain is skipped', async (t) => {
  const { client, mock } = await gateway(t)
  const answer = await client.embeddings.create({ model: 'default', input: [[1, 2, 3], [4]], encoding_format: 'float' })
  assert.equal(answer.model, OPENAI_EMBEDDING)
  assert.deepEqual(answer.data[1].embedding, mockEmbedding([4]))
  assert.deepEqual(mock.requests[0].body.input, [[1, 2, 3], [4]])
})

test('native POST /api/v1/embeddings: the core\'s shape, base64, taskType, and 400s with details.field', async (t) => {
  const { url, mock } = await gateway(t)
  async function post (body: unknown): Promise<{ status: number, body: any }> {
    const response = await fetch(url + '/api/v1/embeddings', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    return { status: response.status, body: await response.json() }
  }
  const ok = await post({ input: ['a', 'b'], models: [GEMINI_EMBEDDING], taskType: 'RETRIEVAL_DOCUMENT', encodingFormat: 'base64' })
  assert.equal(ok.status, 200)
  assert.equal(ok.body.model, GEMINI_EMBEDDING)
  assert.deepEqual(ok.body.embeddings.map((each: { embedding: string }) => decode(each.embedding)), [mockEmbedding('a'), mockEmbedding('b')])
  assert.deepEqual(ok.body.usage, { promptTokens: 2, totalTokens: 2, estimated: true })
  assert.equal(mock.requests[0].body.requests[0].taskType, 'RETRIEVAL_DOCUMENT')

  const floats = await post({ input: 'c' })
  assert.deepEqual(floats.body, { model: OPENAI_EMBEDDING, embeddings: [{ index: 0, embedding: mockEmbedding('c') }], usage: { promptTokens: 1, totalTokens: 1 } })

  const tooMany = await post({ input: ['a', 'b', 'c', 'd'] })
  assert.equal(tooMany.status, 400)
  assert.equal(tooMany.body.code, 'AI_BAD_REQUEST')
  assert.equal(tooMany.body.details.field, 'input')
  const badDimensions = await post({ input: 'a', dimensions: -1 })
  assert.equal(badDimensions.body.details.field, 'dimensions')
  const badFormat = await post({ input: 'a', encodingFormat: 'hex' })
  assert.equal(badFormat.body.details.field, 'encodingFormat')
  const unknownField = await post({ input: 'a', truncate: true })
  assert.equal(unknownField.status, 400)
  const chatModel = await post({ input: 'a', models: ['openai:gpt-4o-mini'] })
  assert.equal(chatModel.body.code, 'AI_MODEL_TYPE_MISMATCH')
  assert.equal(mock.requests.length, 2)

  const models = await (await fetch(url + '/api/v1/models')).json()
  assert.deepEqual(models.models.map((model: { name: string, type: string }) => [model.name, model.type]), [
    ['openai:gpt-4o-mini', 'chat'], ['gemini:gemini-2.5-flash', 'chat'], [OPENAI_EMBEDDING, 'embedding'], [GEMINI_EMBEDDING, 'embedding']
  ])
})
