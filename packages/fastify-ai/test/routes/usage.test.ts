// Usage, cost and budgets over HTTP: the cost in answers, 429 AI_BUDGET_EXCEEDED on every route
// that asks a model, and the admin-only usage report. A real server in front of the mock provider.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { postJson, startGateway } from '../helpers/gateway.ts'
import { collectFrames, eventsOf } from '../helpers/sse.ts'

const ADMIN_TOKEN = 'admin-token-of-the-tests'
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
const priced = {
  models: [{ provider: 'openai', model: 'model-a', price: { input: 0.15, output: 0.6 } }, 'openai:model-b'],
  adminToken: ADMIN_TOKEN
}
const today = new Date().toISOString().slice(0, 10)

test('answers carry their cost in usage: the prompt route, the end event of a stream, the session', async (t) => {
  const { url, mock } = await startGateway(t, { plugin: priced })
  mock.setBehaviour('model-a', { deltas: ['The sky ', 'is blue.'], usage: { promptTokens: 9, completionTokens: 4 } })
  const answer = await (await postJson(`${url}/api/v1/prompt`, { prompt: 'Why is the sky blue?' })).json()
  assert.deepEqual(answer.usage, { promptTokens: 9, completionTokens: 4, totalTokens: 13, cost: 0.00000375 })
  const stream = await postJson(`${url}/api/v1/stream`, { prompt: 'Why is the sky blue?' })
  const end = eventsOf(await collectFrames(stream)).find((frame) => frame.event === 'end')
  assert.deepEqual(end?.data.usage, { promptTokens: 9, completionTokens: 4, totalTokens: 13, cost: 0.00000375 })
  const session = await (await fetch(`${url}/api/v1/sessions/${answer.sessionId}`)).json()
  assert.equal(session.turns[0].usage.cost, 0.00000375)
})

test('GET /api/v1/usage with the admin token: per day, caller (the client\'s IP by default) and model, with filters', async (t) => {
  const { url } = await startGateway(t, { plugin: priced })
  await postJson(`${url}/api/v1/prompt`, { prompt: 'one' })
  await postJson(`${url}/api/v1/prompt`, { prompt: 'two', models: ['openai:model-b'] })
  const response = await fetch(`${url}/api/v1/usage`, { headers: admin })
  assert.equal(response.status, 200)
  const report = await response.json()
  assert.equal(report.from, today)
  assert.deepEqual(report.rows.map((row: { caller: string, model: string, requests: number }) => [row.caller, row.model, row.requests]), [
    ['ip:127.0.0.1', 'openai:model-a', 1],
    ['ip:127.0.0.1', 'openai:model-b', 1]
  ])
  assert.equal(typeof report.rows[0].cost, 'number')
  assert.equal(report.rows[1].cost, undefined)
  assert.equal(report.totals.requests, 2)
  const filtered = await (await fetch(`${url}/api/v1/usage?from=${today}&to=${today}&caller=ip:127.0.0.1&model=openai:model-b`, { headers: admin })).json()
  assert.deepEqual(filtered.rows.map((row: { model: string }) => row.model), ['openai:model-b'])
})

test('the usage report is admins only: 401 without credentials, 403 with others, before the query is read', async (t) => {
  const { url } = await startGateway(t, { plugin: priced })
  const anonymous = await fetch(`${url}/api/v1/usage?from=nope`)
  assert.equal(anonymous.status, 401)
  assert.equal((await anonymous.json()).code, 'AI_UNAUTHORIZED')
  const wrong = await fetch(`${url}/api/v1/usage`, { headers: { authorization: 'Bearer not-the-admin-token' } })
  assert.equal(wrong.status, 403)
  assert.deepEqual(await wrong.json(), { code: 'AI_FORBIDDEN', message: 'Only an admin may read the usage report', statusCode: 403 })
  const bad = await fetch(`${url}/api/v1/usage?from=2026-13-01`, { headers: admin })
  assert.equal(bad.status, 400)
  assert.equal((await bad.json()).details.field, 'from')
  const unknown = await fetch(`${url}/api/v1/usage?user=x`, { headers: admin })
  assert.equal((await unknown.json()).message, 'Unknown query field "user"')
})

test('never open by default: without adminToken or isAdmin nobody reads the report', async (t) => {
  const { url } = await startGateway(t)
  assert.equal((await fetch(`${url}/api/v1/usage`)).status, 401)
  assert.equal((await fetch(`${url}/api/v1/usage`, { headers: admin })).status, 403)
})

test('isAdmin and getCaller: an application decides who is an admin and who is asking', async (t) => {
  const { url } = await startGateway(t, {
    plugin: {
      isAdmin: (request) => request.headers['x-role'] === 'admin',
      getCaller: (request) => `team:${String(request.headers['x-team'])}`
    }
  })
  await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' }, { headers: { 'x-team': 'blue' } })
  const report = await (await fetch(`${url}/api/v1/usage`, { headers: { 'x-role': 'admin' } })).json()
  assert.deepEqual(report.rows.map((row: { caller: string }) => row.caller), ['team:blue'])
})

test('a caller over its budget: 429 AI_BUDGET_EXCEEDED with Retry-After on the prompt, stream and OpenAI routes', async (t) => {
  const { url, mock } = await startGateway(t, {
    plugin: { routes: true, callerBudget: { tokens: 100, timeWindow: '1h' }, getCaller: (request) => String(request.headers['x-caller'] ?? 'alice') }
  })
  mock.setBehaviour('model-a', { usage: { promptTokens: 50, completionTokens: 60 } })
  assert.equal((await postJson(`${url}/api/v1/prompt`, { prompt: 'hi', maxTokens: 60 })).status, 200)
  const prompt = await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })
  assert.equal(prompt.status, 429)
  const retryAfter = Number(prompt.headers.get('retry-after'))
  assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}`)
  const body = await prompt.json()
  assert.equal(body.code, 'AI_BUDGET_EXCEEDED')
  assert.equal(body.details.budget, 'tokens')
  const stream = await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })
  assert.equal(stream.status, 429)
  assert.equal((await stream.json()).code, 'AI_BUDGET_EXCEEDED')
  const openai = await postJson(`${url}/v1/chat/completions`, { model: 'default', messages: [{ role: 'user', content: 'hi' }] })
  assert.equal(openai.status, 429)
  assert.ok(Number(openai.headers.get('retry-after')) > 3500)
  assert.equal((await openai.json()).error.code, 'AI_BUDGET_EXCEEDED')
  assert.equal(mock.requests.length, 1, 'no refused request reached the provider')
  // Another caller has its own budget.
  assert.equal((await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' }, { headers: { 'x-caller': 'bob' } })).status, 200)
})

test('the OpenAI-compatible route records its caller too', async (t) => {
  const { url } = await startGateway(t, { plugin: { routes: true, adminToken: ADMIN_TOKEN, getCaller: () => 'user:sdk' } })
  const completion = await postJson(`${url}/v1/chat/completions`, { model: 'default', messages: [{ role: 'user', content: 'hi' }] })
  assert.equal(completion.status, 200)
  const report = await (await fetch(`${url}/api/v1/usage`, { headers: admin })).json()
  assert.deepEqual(report.rows.map((row: { caller: string }) => row.caller), ['user:sdk'])
})

test('options: adminToken must be a real secret, isAdmin and getCaller functions', async (t) => {
  await assert.rejects(startGateway(t, { plugin: { adminToken: '' } }), { code: 'AI_OPTIONS_INVALID', message: /adminToken must be a string of at least 16 characters/ })
  await assert.rejects(startGateway(t, { plugin: { isAdmin: true as never } }), { message: /isAdmin must be a function/ })
  await assert.rejects(startGateway(t, { plugin: { getCaller: 'ip' as never } }), { message: /getCaller must be a function/ })
})
