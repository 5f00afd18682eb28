// Usage, cost and budgets in the service: callers as the caller rate limit counts them (the JWT's
// user id, else the IP), the usage report behind the admin token or the admin role, budgets
// from the config.
import assert from 'node:assert'
import { test } from 'node:test'
import { createSigner } from 'fast-jwt'
import { mockAiSection, startAiWarp } from './helpers/ai-warp.ts'

const secret = 'usage-secret-usage-secret-usage-secret'
const sign = createSigner({ key: secret })
const ADMIN_TOKEN = 'ai-warp-admin-token-for-tests'

test('usage is kept per caller: the JWT\'s user id, else the IP; the admin token or the admin role reads the report', async (t) => {
  const { request } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock, {
      models: [{ provider: 'openai', model: 'gpt-4o-mini', price: { input: 0.15, output: 0.6, cachedInput: 0.075 } }],
      adminToken: ADMIN_TOKEN
    }),
    auth: { jwt: { secret }, adminRole: 'billing' }
  }))
  const alice = { authorization: `Bearer ${sign({ sub: 'alice' })}` }
  const answer = await request({ url: '/api/v1/prompt', body: { prompt: 'Why is the sky blue?' }, headers: alice })
  assert.strictEqual(answer.statusCode, 200)
  assert.strictEqual(typeof answer.json.usage.cost, 'number')
  await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: { 'x-forwarded-for': '10.0.0.1' } })

  const byToken = await request({ method: 'GET', url: '/api/v1/usage', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
  assert.strictEqual(byToken.statusCode, 200)
  assert.deepStrictEqual(byToken.json.rows.map((row: { caller: string }) => row.caller), ['ip:10.0.0.1', 'user:alice'])
  assert.strictEqual(byToken.json.rows[1].cost, answer.json.usage.cost)

  const byRole = await request({ method: 'GET', url: '/api/v1/usage?caller=user:alice', headers: { authorization: `Bearer ${sign({ sub: 'carol', roles: ['dev', 'billing'] })}` } })
  assert.strictEqual(byRole.statusCode, 200)
  assert.deepStrictEqual(byRole.json.rows.map((row: { caller: string }) => row.caller), ['user:alice'])

  const notAdmin = await request({ method: 'GET', url: '/api/v1/usage', headers: alice })
  assert.strictEqual(notAdmin.statusCode, 403)
  assert.strictEqual(notAdmin.json.code, 'AI_FORBIDDEN')
  assert.strictEqual((await request({ method: 'GET', url: '/api/v1/usage' })).statusCode, 401)
})

test('with auth.required the admin token still opens the report, and nothing else', async (t) => {
  const { request } = await startAiWarp(t, (mock) => ({ ai: mockAiSection(mock, { adminToken: ADMIN_TOKEN }), auth: { required: true, jwt: { secret } } }))
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
  assert.strictEqual((await request({ method: 'GET', url: '/api/v1/usage', headers: admin })).statusCode, 200)
  // It is no JWT: on any other route it is no token.
  const elsewhere = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: admin })
  assert.strictEqual(elsewhere.statusCode, 401)
  assert.strictEqual((await request({ method: 'GET', url: '/api/v1/models', headers: admin })).statusCode, 401)
})

test('without adminToken or auth.adminRole the report answers nobody', async (t) => {
  const { request } = await startAiWarp(t, (mock) => ({ ai: mockAiSection(mock), auth: { jwt: { secret } } }))
  assert.strictEqual((await request({ method: 'GET', url: '/api/v1/usage' })).statusCode, 401)
  const withToken = await request({ method: 'GET', url: '/api/v1/usage', headers: { authorization: `Bearer ${sign({ sub: 'root', roles: 'admin' })}` } })
  assert.strictEqual(withToken.statusCode, 403)
})

test('a caller budget from the config: 429 AI_BUDGET_EXCEEDED with Retry-After, per user', async (t) => {
  const { request, mock } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock, { callerBudget: { tokens: 50, timeWindow: '1h' } }),
    auth: { jwt: { secret } }
  }))
  mock.setBehaviour('gpt-4o-mini', { usage: { promptTokens: 20, completionTokens: 40 } })
  const alice = { authorization: `Bearer ${sign({ sub: 'alice' })}` }
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi', maxTokens: 40 }, headers: alice })).statusCode, 200)
  const refused = await request({ url: '/api/v1/prompt', body: { prompt: 'hi', maxTokens: 40 }, headers: alice })
  assert.strictEqual(refused.statusCode, 429)
  assert.strictEqual(refused.json.code, 'AI_BUDGET_EXCEEDED')
  assert.ok(Number(refused.headers['retry-after']) > 3500)
  const bob = { authorization: `Bearer ${sign({ sub: 'bob' })}` }
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi', maxTokens: 40 }, headers: bob })).statusCode, 200)
})

test('a model\'s token window from the config: the chain goes on to the next model', async (t) => {
  const { request, mock } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock, {
      models: [{ provider: 'openai', model: 'gpt-4o-mini', limits: { tokens: { max: 50, timeWindow: '1m' } } }, 'openai:gpt-4o']
    })
  }))
  mock.setBehaviour('gpt-4o-mini', { usage: { promptTokens: 20, completionTokens: 40 } })
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi', maxTokens: 40 } })).json.model, 'openai:gpt-4o-mini')
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi', maxTokens: 40 } })).json.model, 'openai:gpt-4o')
})
