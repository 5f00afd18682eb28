// Budgets shared by three gateway instances on one real Valkey: the reservation is one script,
// so concurrent requests on every instance never admit more than the budget plus the
// reservation of the last request admitted.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { Valkey } from 'iovalkey'
import type { AiResponse } from '../../src/types.ts'
import { startValkeyServer } from '../helpers/valkey-server.ts'
import { startGateways } from '../helpers/valkey-gateways.ts'

const server = await startValkeyServer()
after(() => server.close())

function outcomes (results: PromiseSettledResult<AiResponse>[]): { answered: AiResponse[], refusedCodes: string[] } {
  const answered: AiResponse[] = []
  const refusedCodes: string[] = []
  for (const result of results) {
    if (result.status === 'fulfilled') answered.push(result.value)
    else refusedCodes.push(result.reason.code)
  }
  return { answered, refusedCodes }
}

test('a caller budget B over three instances: 90 concurrent requests spend at most B plus one request', async (t) => {
  const { instances, mock } = await startGateways(t, server, 3, { models: ['openai:a'], callerBudget: { tokens: 2000, timeWindow: '1m' } })
  // Each request reserves 5 + 95 tokens and spends 100; the answers come late, so every
  // reservation is made while the others are still held.
  mock.setBehaviour('a', { usage: { promptTokens: 5, completionTokens: 95 }, headersDelayMs: 100 })
  const results = await Promise.allSettled(Array.from({ length: 90 }, (_, index) => {
    return instances[index % 3].request({ prompt: 'Why?', maxTokens: 95, caller: 'user:alice' })
  }))
  const { answered, refusedCodes } = outcomes(results)
  const spent = answered.reduce((sum, answer) => sum + (answer.usage?.totalTokens ?? 0), 0)
  assert.ok(spent <= 2000 + 100, `spent ${spent}`)
  // Admitted while the window holds less than 2000: exactly 20 reservations of 100.
  assert.equal(answered.length, 20)
  assert.deepEqual(new Set(refusedCodes), new Set(['AI_BUDGET_EXCEEDED']))
  assert.equal(mock.requests.length, 20, 'a refused request never reaches a provider')
  // Every instance reads the same report.
  for (const ai of instances) {
    const report = await ai.usage({ caller: 'user:alice' })
    assert.deepEqual([report.totals.requests, report.totals.totalTokens], [20, spent])
  }
  // Another caller has its own budget.
  assert.equal((await instances[1].request({ prompt: 'Why?', maxTokens: 95, caller: 'user:bob' })).model, 'openai:a')
})

test('a model\'s token window over three instances: concurrent requests beyond it go to the next model', async (t) => {
  const { instances, mock } = await startGateways(t, server, 3, {
    models: [{ provider: 'openai', model: 'a', limits: { tokens: { max: 1000, timeWindow: '1m' } } }, 'openai:b']
  })
  mock.setBehaviour('a', { usage: { promptTokens: 5, completionTokens: 95 }, headersDelayMs: 100 })
  mock.setBehaviour('b', { usage: { promptTokens: 5, completionTokens: 95 } })
  const results = await Promise.allSettled(Array.from({ length: 30 }, (_, index) => {
    return instances[index % 3].request({ prompt: 'Why?', maxTokens: 95 })
  }))
  const { answered, refusedCodes } = outcomes(results)
  assert.deepEqual(refusedCodes, [])
  assert.equal(answered.filter((answer) => answer.model === 'openai:a').length, 10)
  assert.equal(answered.filter((answer) => answer.model === 'openai:b').length, 20)
  assert.deepEqual((await instances[0].models()).map((model) => model.state), ['ready', 'ready'])
})

test('a stream settles on another instance\'s window: a budget is one count whichever instance answers', async (t) => {
  const { instances, mock } = await startGateways(t, server, 2, { models: ['openai:a'], callerBudget: { tokens: 250 } })
  mock.setBehaviour('a', { deltas: ['a ', 'b'], usage: { promptTokens: 5, completionTokens: 95 } })
  for (const ai of instances) {
    const response = await ai.stream({ prompt: 'Why?', maxTokens: 95, caller: 'c' })
    for await (const event of response.events) assert.notEqual(event.type, 'error')
  }
  // 200 spent: one more fits (200 < 250), then none.
  await instances[1].request({ prompt: 'Why?', maxTokens: 95, caller: 'c' })
  await assert.rejects(instances[0].request({ prompt: 'Why?', maxTokens: 95, caller: 'c' }), { code: 'AI_BUDGET_EXCEEDED' })
})

test('the keys of budgets and usage are prefixed and every one has a TTL', async (t) => {
  const { instances } = await startGateways(t, server, 1, {
    models: [{ provider: 'openai', model: 'a', limits: { tokens: { max: 10_000, timeWindow: '1m' } } }],
    callerBudget: { tokens: 10_000, timeWindow: '1h' },
    usage: { retention: '30d' }
  })
  await instances[0].request({ prompt: 'Why?', caller: 'user:alice' })
  const day = new Date().toISOString().slice(0, 10)
  const inspector = new Valkey(server.url)
  t.after(() => inspector.quit())
  const keys = (await inspector.keys('aiwarp:*')).filter((key) => !key.startsWith('aiwarp:session:') && !key.startsWith('aiwarp:turns:') && !key.startsWith('aiwarp:rate:'))
  assert.deepEqual(keys.sort(), ['aiwarp:budget:user:alice', 'aiwarp:tokens:openai:a', `aiwarp:usage:${day}`, `aiwarp:usage:${day}:user:alice`])
  const ttls = Object.fromEntries(await Promise.all(keys.map(async (key) => [key, await inspector.pttl(key)])))
  assert.ok(ttls['aiwarp:budget:user:alice'] > 0 && ttls['aiwarp:budget:user:alice'] <= 3_600_000)
  assert.ok(ttls['aiwarp:tokens:openai:a'] > 0 && ttls['aiwarp:tokens:openai:a'] <= 60_000)
  for (const key of [`aiwarp:usage:${day}`, `aiwarp:usage:${day}:user:alice`]) assert.ok(ttls[key] > 29 * 86_400_000 && ttls[key] <= 30 * 86_400_000, `${key}: ${ttls[key]}`)
  assert.deepEqual(await inspector.hgetall(`aiwarp:usage:${day}`), { 'user:alice': '1' })
})
