import assert from 'node:assert'
import { test } from 'node:test'
import * as aiWarp from '../src/index.ts'
import { mockAiSection, startAiWarp } from './helpers/ai-warp.ts'

test('exports what Watt and wattpm create read', () => {
  assert.strictEqual(typeof aiWarp.create, 'function')
  assert.strictEqual(typeof aiWarp.Generator, 'function')
  assert.strictEqual(aiWarp.packageJson.name, '@platformatic/ai-warp')
  assert.strictEqual(aiWarp.schema.$id, `https://schemas.platformatic.dev/@platformatic/ai-warp/${aiWarp.version}.json`)
  assert.deepStrictEqual(aiWarp.schema.required, ['ai'])
  assert.deepStrictEqual(Object.keys(aiWarp.schemaComponents), ['ai', 'auth', 'callerRateLimit'])
  assert.strictEqual('default' in aiWarp, false, 'a default export would hide create() from Watt')
})

test('answers a prompt and exposes fastify.ai on the application', async (t) => {
  const { app, request, mock } = await startAiWarp(t, (mock) => ({ ai: mockAiSection(mock) }))
  const response = await request({ url: '/api/v1/prompt', body: { prompt: 'hello warp' } })
  assert.strictEqual(response.statusCode, 200)
  assert.strictEqual(response.json.text, 'Echo: hello warp')
  assert.strictEqual(response.json.model, 'openai:gpt-4o-mini')
  assert.strictEqual(response.headers['x-session-id'], response.json.sessionId)
  assert.strictEqual(mock.requests[0].headers.authorization, 'Bearer sk-test')
  const fastify = app.getApplication() as unknown as { ai: { models (): Promise<unknown[]> } }
  assert.strictEqual((await fastify.ai.models()).length, 1)
})

test('streams Server-Sent Events over a real socket', async (t) => {
  const { url } = await startAiWarp(t, (mock) => ({ ai: mockAiSection(mock) }), { listen: true })
  const response = await fetch(new URL('/api/v1/stream', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'one two three' })
  })
  assert.strictEqual(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/)
  const text = await response.text()
  const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((match) => ({ event: match[1], data: JSON.parse(match[2]) }))
  const content = events.filter((event) => event.event === 'content').map((event) => event.data.response).join('')
  assert.strictEqual(content, 'Echo: one two three')
  assert.strictEqual(events.at(-1)?.event, 'end')
  assert.strictEqual(events.at(-1)?.data.response, 'COMPLETE')
})

test('the ai section reaches fastify-ai as it is (HTTP options included)', async (t) => {
  const { request } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock, { promptPath: '/ask', headerSessionIdName: 'x-conversation' })
  }))
  const moved = await request({ url: '/ask', body: { prompt: 'hi' } })
  assert.strictEqual(moved.statusCode, 200)
  assert.strictEqual(moved.headers['x-conversation'], moved.json.sessionId)
  const old = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' } })
  assert.strictEqual(old.statusCode, 404)
})

test('{ENV} placeholders work for strings and numbers', async (t) => {
  const { request, mock } = await startAiWarp(t, (mock) => {
    process.env.AI_WARP_TEST_BASE_URL = mock.url
    process.env.AI_WARP_TEST_CALLER_MAX = '1'
    return {
      ai: { providers: { openai: { apiKey: 'sk-env', baseUrl: '{AI_WARP_TEST_BASE_URL}' } }, models: ['openai:gpt-4o-mini'] },
      callerRateLimit: { max: '{AI_WARP_TEST_CALLER_MAX}', timeWindow: '1m' }
    }
  })
  t.after(() => {
    delete process.env.AI_WARP_TEST_BASE_URL
    delete process.env.AI_WARP_TEST_CALLER_MAX
  })
  const first = await request({ url: '/api/v1/prompt', body: { prompt: 'via env' } })
  assert.strictEqual(first.statusCode, 200, 'the string placeholder pointed the provider at the mock')
  assert.strictEqual(mock.requests.length, 1)
  const second = await request({ url: '/api/v1/prompt', body: { prompt: 'via env' } })
  assert.strictEqual(second.statusCode, 429, 'the numeric placeholder became max = 1')
})

test('service features still work: health check and root page', async (t) => {
  const { request } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock),
    server: { hostname: '127.0.0.1', port: 0, logger: { level: 'silent' }, healthCheck: { interval: 100000 } }
  }))
  const status = await request({ method: 'GET', url: '/status' })
  assert.strictEqual(status.statusCode, 200)
  const root = await request({ method: 'GET', url: '/' })
  assert.strictEqual(root.statusCode, 200)
})
