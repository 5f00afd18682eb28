// Body limits per route group (issue 19: images make bodies large): `bodyLimit.prompt`,
// `.stream` and `.openai` over the server's bodyLimit, each answered 413 AI_BODY_TOO_LARGE with
// its own limit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import fastifyAi from '../../src/index.ts'
import { postJson, startGateway } from '../helpers/gateway.ts'

/** A body of about `bytes` bytes: a prompt of that many characters. */
function bodyOf (bytes: number): Record<string, unknown> {
  return { prompt: 'x'.repeat(bytes) }
}

test('each route group has its own body limit over the server one', async (t) => {
  const { url } = await startGateway(t, {
    bodyLimit: 1024,
    plugin: { routes: true, bodyLimit: { prompt: 8192, openai: 4096 } }
  })
  const prompt = await postJson(`${url}/api/v1/prompt`, bodyOf(6000))
  assert.equal(prompt.status, 200, 'the prompt route takes up to its own limit')
  const tooLarge = await postJson(`${url}/api/v1/prompt`, bodyOf(9000))
  assert.equal(tooLarge.status, 413)
  const refusal = await tooLarge.json()
  assert.equal(refusal.code, 'AI_BODY_TOO_LARGE')
  assert.match(refusal.message, /8192/)

  const stream = await postJson(`${url}/api/v1/stream`, bodyOf(2000))
  assert.equal(stream.status, 413, 'the stream route keeps the server limit')
  assert.match((await stream.json()).message, /1024/)

  const chat = { model: 'openai:model-a', messages: [{ role: 'user', content: 'x'.repeat(3000) }] }
  const openai = await postJson(`${url}/v1/chat/completions`, chat)
  assert.equal(openai.status, 200, 'the OpenAI routes take up to theirs')
  const openaiTooLarge = await postJson(`${url}/v1/chat/completions`, { ...chat, messages: [{ role: 'user', content: 'x'.repeat(5000) }] })
  assert.equal(openaiTooLarge.status, 413)
  assert.equal((await openaiTooLarge.json()).error.code, 'AI_BODY_TOO_LARGE')
})

test('a bad bodyLimit option fails at registration, naming it', async () => {
  for (const [bodyLimit, named] of [[{ prompt: 0 }, 'bodyLimit.prompt'], [{ images: 10 }, 'bodyLimit.images'], [1024, 'bodyLimit']] as const) {
    const app = Fastify()
    await assert.rejects(async () => { await app.register(fastifyAi, { providers: { openai: { apiKey: 'k' } }, models: ['openai:a'], bodyLimit: bodyLimit as never }).ready() }, new RegExp(named.replace('.', '\\.')))
    await app.close()
  }
})
