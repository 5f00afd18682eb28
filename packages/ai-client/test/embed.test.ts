// client.embed() against a real gateway (Fastify + @platformatic/fastify-ai + the mock provider).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mockEmbedding } from '@platformatic/ai-mock-provider'
import { buildClient, AiClientHttpError, AiClientOptionsError } from '../src/index.ts'
import { startGateway } from './helpers/gateway.ts'

function embeddingModels (mockUrl: string): object {
  return {
    providers: { openai: { apiKey: 'test-key', baseUrl: mockUrl }, gemini: { apiKey: 'test-key', baseUrl: mockUrl } },
    models: ['openai:model-a', { provider: 'openai', model: 'e', type: 'embedding' }, { provider: 'gemini', model: 'ge', type: 'embedding' }]
  }
}

test('embed: vectors from the embedding chain, base64, models, dimensions and taskType', async (t) => {
  const { url, mock } = await startGateway(t, embeddingModels)
  const client = buildClient({ url })
  const answer = await client.embed({ input: ['one', 'two words'], dimensions: 4 })
  assert.deepEqual(answer, {
    model: 'openai:e',
    embeddings: [{ index: 0, embedding: mockEmbedding('one', 4) }, { index: 1, embedding: mockEmbedding('two words', 4) }],
    usage: { promptTokens: 3, totalTokens: 3 }
  })
  const gemini = await client.embed({ input: 'x', models: ['gemini:ge'], taskType: 'SEMANTIC_SIMILARITY', encodingFormat: 'base64' })
  assert.equal(gemini.model, 'gemini:ge')
  const bytes = Buffer.from(gemini.embeddings[0].embedding as string, 'base64')
  assert.deepEqual(Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4)), mockEmbedding('x'))
  assert.equal(mock.requests[1].body.taskType, 'SEMANTIC_SIMILARITY')
  const models = await client.models()
  assert.deepEqual(models.map((model) => model.type), ['chat', 'embedding', 'embedding'])
})

test('embed: a bad input is an AiClientHttpError 400 naming the field; no input is refused before any request', async (t) => {
  const { url, mock } = await startGateway(t, embeddingModels)
  const client = buildClient({ url })
  await assert.rejects(client.embed({ input: [] }), (error: unknown) => {
    assert.ok(error instanceof AiClientHttpError)
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'AI_BAD_REQUEST')
    assert.equal(error.details?.field, 'input')
    return true
  })
  await assert.rejects(client.embed({} as never), AiClientOptionsError)
  assert.equal(mock.requests.length, 0)
})
