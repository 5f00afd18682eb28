import assert from 'node:assert'
import { test } from 'node:test'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { buildApp } from './app.ts'

test('the AI routes and the custom route answer through the mock', async (t) => {
  process.env.LOG_LEVEL = 'silent'
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const app = await buildApp({ openaiApiKey: 'sk-example', openaiBaseUrl: mock.url })
  t.after(() => app.close())

  const prompt = await app.inject({ method: 'POST', url: '/api/v1/prompt', payload: { prompt: 'Hello' } })
  assert.strictEqual(prompt.statusCode, 200)
  assert.strictEqual(prompt.json().text, 'Echo: Hello')

  mock.setBehaviour('gpt-4o-mini', { text: 'A short summary.' })
  const summary = await app.inject({ method: 'POST', url: '/summarize', payload: { text: 'A very long text…' } })
  assert.deepStrictEqual(summary.json(), { summary: 'A short summary.', model: 'openai:gpt-4o-mini' })
  assert.strictEqual(mock.requests[1].body.messages[0].role, 'system')
})
