import assert from 'node:assert'
import { test } from 'node:test'
import Anthropic from '@anthropic-ai/sdk'
import { createSigner } from 'fast-jwt'
import { mockAiSection, startAiWarp } from './helpers/ai-warp.ts'

const secret = 'a-test-secret-long-enough-for-hs256'
const sign = createSigner({ key: secret })

async function startWithSecret (t: Parameters<typeof startAiWarp>[0], required: boolean) {
  return startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock),
    auth: { required, jwt: { secret } },
    server: { hostname: '127.0.0.1', port: 0, logger: { level: 'silent' }, healthCheck: { interval: 100000 } }
  }), { listen: true })
}

function ask (url: string, headers: Record<string, string>, body: unknown = { model: 'default', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }): Promise<Response> {
  return fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers }, body: JSON.stringify(body) })
}

test('x-api-key carries the same token as Authorization: Bearer, for the same caller and sessions', async (t) => {
  const { url } = await startWithSecret(t, true)
  const alice = sign({ sub: 'alice' })

  const missing = await ask(url, {})
  assert.strictEqual(missing.status, 401)
  const body = await missing.json()
  assert.deepStrictEqual([body.type, body.error.type], ['error', 'authentication_error'])
  assert.match(missing.headers.get('request-id') ?? '', /^req_/)

  const bad = await ask(url, { 'x-api-key': sign({ sub: 'alice' }).slice(0, -2) + 'xx' })
  assert.strictEqual(bad.status, 401)

  // Claude Code with ANTHROPIC_API_KEY: x-api-key.
  const first = await ask(url, { 'x-api-key': alice })
  assert.strictEqual(first.status, 200)
  assert.strictEqual((await first.json()).content[0].text, 'Echo: hi')
  const sessionId = first.headers.get('x-session-id') ?? ''

  // Claude Code with ANTHROPIC_AUTH_TOKEN: Bearer; the same user continues the session.
  const client = new Anthropic({ authToken: alice, apiKey: null, baseURL: url, maxRetries: 0 })
  const second = await client.messages.create({ model: 'default', max_tokens: 50, messages: [{ role: 'user', content: 'again' }] }, { headers: { 'x-session-id': sessionId } })
  assert.strictEqual(second.content[0].type, 'text')

  // Another user does not see it.
  const bob = await ask(url, { 'x-api-key': sign({ sub: 'bob' }), 'x-session-id': sessionId })
  assert.strictEqual(bob.status, 404)
  assert.strictEqual((await bob.json()).error.type, 'not_found_error')
})

test('an Anthropic SDK\'s placeholder key is no token when auth is not required', async (t) => {
  const { url } = await startWithSecret(t, false)
  const client = new Anthropic({ apiKey: 'sk-ant-placeholder', baseURL: url, maxRetries: 0 })
  const message = await client.messages.create({ model: 'default', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
  assert.deepStrictEqual(message.content, [{ type: 'text', text: 'Echo: hi' }])
  const placeholder = await ask(url, { 'x-api-key': 'unused' })
  assert.strictEqual(placeholder.status, 200)
})

test('the service config places the Messages API (anthropic.prefix) and limits its bodies (bodyLimit.anthropic)', async (t) => {
  const { url } = await startAiWarp(t, (mock) => ({
    ai: { ...mockAiSection(mock), anthropic: { prefix: '/anthropic/v1' }, bodyLimit: { anthropic: 2048 } },
    server: { hostname: '127.0.0.1', port: 0, logger: { level: 'silent' }, healthCheck: { interval: 100000 } }
  }), { listen: true })
  const client = new Anthropic({ apiKey: 'unused', baseURL: `${url}/anthropic`, maxRetries: 0 })
  const message = await client.messages.create({ model: 'default', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
  assert.deepStrictEqual(message.content, [{ type: 'text', text: 'Echo: hi' }])
  const large = await fetch(`${url}/anthropic/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'default', max_tokens: 50, messages: [{ role: 'user', content: 'x'.repeat(4096) }] })
  })
  assert.strictEqual(large.status, 413)
  assert.strictEqual((await large.json()).error.type, 'request_too_large')
})
