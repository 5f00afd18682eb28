import assert from 'node:assert'
import { test } from 'node:test'
import { createSigner } from 'fast-jwt'
import { startValkeyServer, valkeyMissing } from '../../ai-provider/test/helpers/valkey-server.ts'
import { mockAiSection, startAiWarp } from './helpers/ai-warp.ts'

const secret = 'caller-limit-secret-caller-limit-secret'
const sign = createSigner({ key: secret })

test('each user has its own budget; over it: 429 with Retry-After', async (t) => {
  const { request, mock } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock),
    auth: { jwt: { secret } },
    callerRateLimit: { max: 2, timeWindow: '30s' }
  }))
  const alice = { authorization: `Bearer ${sign({ sub: 'alice' })}` }
  const bob = { authorization: `Bearer ${sign({ sub: 'bob' })}` }
  for (let i = 0; i < 2; i++) {
    assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: alice })).statusCode, 200)
  }
  const limited = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: alice })
  assert.strictEqual(limited.statusCode, 429)
  assert.strictEqual(limited.json.code, 'AI_CALLER_RATE_LIMITED')
  const retryAfter = Number(limited.headers['retry-after'])
  assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter} is within the window`)
  assert.strictEqual(mock.requests.length, 2, 'a refused request never reaches the provider')

  const other = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: bob })
  assert.strictEqual(other.statusCode, 200, 'another user is counted apart')
  const anonymous = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' } })
  assert.strictEqual(anonymous.statusCode, 200, 'anonymous callers are counted per IP')
})

test('anonymous callers are counted per IP, in the core store', async (t) => {
  const { request, app } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock),
    callerRateLimit: { max: 1, timeWindow: 60000 }
  }))
  // create() without a Watt runtime is not the entrypoint, so Platformatic trusts the proxy
  // headers (server.trustProxy) and request.ip comes from X-Forwarded-For.
  const fromA = { 'x-forwarded-for': '10.0.0.1' }
  const fromB = { 'x-forwarded-for': '10.0.0.2' }
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: fromA })).statusCode, 200)
  const second = await request({ method: 'GET', url: '/api/v1/models', headers: fromA })
  assert.strictEqual(second.statusCode, 429, 'every AI route takes from the same budget')
  assert.strictEqual(second.headers['retry-after'], '60')
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: fromB })).statusCode, 200)

  // The count lives in the core's store (shared by every instance on Valkey).
  const fastify = app.getApplication() as unknown as { ai: { store: { consume (key: string, max: number, windowMs: number): Promise<{ allowed: boolean, count: number }> } } }
  const peek = await fastify.ai.store.consume('caller:ip:10.0.0.1', 10, 60000)
  assert.strictEqual(peek.count, 2, 'one unit taken by the first request, one by this peek')
})

test('with Valkey storage, instances on the same Valkey share each caller\'s budget', { skip: valkeyMissing() }, async (t) => {
  const valkey = await startValkeyServer()
  t.after(() => valkey.close())
  const storage = { type: 'valkey', url: valkey.url, keyPrefix: `caller-limit-${process.pid}-${Date.now()}:` }
  function config (mock: Parameters<typeof mockAiSection>[0]) {
    return { ai: mockAiSection(mock, { storage }), auth: { jwt: { secret } }, callerRateLimit: { max: 2, timeWindow: '30s' } }
  }
  const first = await startAiWarp(t, config)
  const second = await startAiWarp(t, config)
  const alice = { authorization: `Bearer ${sign({ sub: 'alice' })}` }
  assert.strictEqual((await first.request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: alice })).statusCode, 200)
  assert.strictEqual((await second.request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: alice })).statusCode, 200)
  const limited = await first.request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: alice })
  assert.strictEqual(limited.statusCode, 429, 'the second instance took from the same budget')
  assert.strictEqual(limited.json.code, 'AI_CALLER_RATE_LIMITED')
  assert.ok(Number(limited.headers['retry-after']) >= 1)
})
