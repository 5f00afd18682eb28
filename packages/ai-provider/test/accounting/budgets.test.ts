// Budgets: a caller's tokens and cost per window, a model's tokens per window. Reserved before
// the call, settled after it, given back when no model answered. Memory store, fake clock.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { normalizeOptions } from '../../src/options.ts'
import { collect, setup } from '../helpers/ai.ts'

// The prompt 'Why?' to one model: 4 characters and one message, an estimate of 5 tokens.
const PROMPT = 'Why?'

test('a caller over its token budget gets AI_BUDGET_EXCEEDED with retryAfter until its window ends; other callers do not', async (t) => {
  const { ai, mock, clock } = await setup(t, () => ({ models: ['openai:a'], callerBudget: { tokens: 300, timeWindow: '1m' } }))
  mock.setBehaviour('a', { usage: { promptTokens: 5, completionTokens: 95 } })
  // Each reserves 5 + 95 and spends 100: three fit, the fourth finds 300.
  for (let i = 0; i < 3; i++) await ai.request({ prompt: PROMPT, maxTokens: 95, caller: 'alice' })
  const refused = await ai.request({ prompt: PROMPT, maxTokens: 95, caller: 'alice' }).then(() => undefined, (error) => error)
  assert.equal(refused?.code, 'AI_BUDGET_EXCEEDED')
  assert.equal(refused?.statusCode, 429)
  assert.equal(refused?.retryAfter, 60)
  assert.deepEqual(refused?.details, { budget: 'tokens', retryAfterSeconds: 60 })
  assert.equal(mock.requests.length, 3, 'no model was called for the refused request')
  await ai.request({ prompt: PROMPT, maxTokens: 95, caller: 'bob' })
  clock.advance(20_000)
  assert.equal((await ai.request({ prompt: PROMPT, maxTokens: 95, caller: 'alice' }).catch((error) => error)).retryAfter, 40)
  clock.advance(40_000)
  await ai.request({ prompt: PROMPT, maxTokens: 95, caller: 'alice' })
})

test('a reservation is settled to what was spent: the unused output goes back to the budget', async (t) => {
  const { ai, mock } = await setup(t, () => ({ models: ['openai:a'], callerBudget: { tokens: 1000 } }))
  mock.setBehaviour('a', { usage: { promptTokens: 5, completionTokens: 5 } })
  // Each reserves 5 + 500 and spends 10: a hundred requests fit before 1000 is reached.
  for (let i = 0; i < 99; i++) await ai.request({ prompt: PROMPT, maxTokens: 500, caller: 'alice' })
  const [row] = (await ai.usage()).rows
  assert.equal(row.totalTokens, 990)
  await ai.request({ prompt: PROMPT, maxTokens: 500, caller: 'alice' })
  await assert.rejects(ai.request({ prompt: PROMPT, maxTokens: 500, caller: 'alice' }), { code: 'AI_BUDGET_EXCEEDED' })
})

test('a request no model answered gives its reservation back', async (t) => {
  const { ai, mock } = await setup(t, () => ({ models: ['openai:a'], callerBudget: { tokens: 600 }, restore: { providerCommunicationError: 0 } }))
  mock.setBehaviour('a', { status: 500 })
  for (let i = 0; i < 5; i++) await assert.rejects(ai.request({ prompt: PROMPT, maxTokens: 500, caller: 'alice' }), { code: 'AI_NO_MODELS_AVAILABLE' })
  mock.setBehaviour('a', { usage: { promptTokens: 5, completionTokens: 500 } })
  await ai.request({ prompt: PROMPT, maxTokens: 500, caller: 'alice' })
  await ai.request({ prompt: PROMPT, maxTokens: 500, caller: 'alice' })
  await assert.rejects(ai.request({ prompt: PROMPT, maxTokens: 500, caller: 'alice' }), { code: 'AI_BUDGET_EXCEEDED' })
})

test('a cost budget reserves the dearest candidate\'s estimate and settles to the answering model\'s cost', async (t) => {
  const { ai, mock } = await setup(t, () => ({
    models: [
      { provider: 'openai', model: 'cheap', price: { input: 1, output: 1 } },
      { provider: 'openai', model: 'dear', price: { input: 100, output: 100 } }
    ],
    // 0.001 = 1 000 000 billionths: 'dear' would cost (5 + 100) × 100 000 for one request.
    callerBudget: { cost: 0.001 }
  }))
  mock.setBehaviour('cheap', { usage: { promptTokens: 5, completionTokens: 100 } })
  mock.setBehaviour('dear', { usage: { promptTokens: 5, completionTokens: 100 } })
  // Reserved 10 500 000 (over the budget, admitted: the window was empty), spent 105 000.
  const first = await ai.request({ prompt: PROMPT, maxTokens: 100, caller: 'alice' })
  assert.equal(first.usage?.cost, 0.000105)
  // Each cheap answer spends 105 000: nine more fit under 1 000 000.
  for (let i = 0; i < 9; i++) await ai.request({ prompt: PROMPT, maxTokens: 100, caller: 'alice' })
  const refused = await ai.request({ prompt: PROMPT, maxTokens: 100, caller: 'alice' }).catch((error) => error)
  assert.equal(refused.code, 'AI_BUDGET_EXCEEDED')
  assert.equal(refused.details.budget, 'cost')
  assert.match(refused.message, /cost budget/)
})

test('a streamed answer holds its reservation until its end and settles there', async (t) => {
  const { ai, mock } = await setup(t, () => ({ models: ['openai:a'], callerBudget: { tokens: 200 } }))
  mock.setBehaviour('a', { deltas: ['a ', 'b'], usage: { promptTokens: 5, completionTokens: 5 }, stallAfter: 1 })
  const stalled = await ai.stream({ prompt: PROMPT, maxTokens: 195, caller: 'alice' })
  // 200 reserved while it runs.
  await assert.rejects(ai.stream({ prompt: PROMPT, maxTokens: 10, caller: 'alice' }), { code: 'AI_BUDGET_EXCEEDED' })
  await ai.cancelStream(stalled.sessionId)
  await collect(stalled.events)
  // Cancelled after 'a ': settled to an estimate of 5 + 1.
  mock.setBehaviour('a', { deltas: ['a ', 'b'], usage: { promptTokens: 5, completionTokens: 5 } })
  const next = await ai.stream({ prompt: PROMPT, maxTokens: 10, caller: 'alice' })
  await collect(next.events)
  const [row] = (await ai.usage()).rows
  assert.deepEqual({ requests: row.requests, totalTokens: row.totalTokens, estimatedRequests: row.estimatedRequests }, { requests: 2, totalTokens: 16, estimatedRequests: 1 })
})

test('a model over its token window is skipped like a rate-limited one, without a cool-down, until its window ends', async (t) => {
  const { ai, mock, clock } = await setup(t, () => ({
    models: [{ provider: 'openai', model: 'a', limits: { tokens: { max: 150, timeWindow: '1m' } } }, 'openai:b']
  }))
  mock.setBehaviour('a', { usage: { promptTokens: 5, completionTokens: 95 } })
  assert.equal((await ai.request({ prompt: PROMPT, maxTokens: 95 })).model, 'openai:a')
  assert.equal((await ai.request({ prompt: PROMPT, maxTokens: 95 })).model, 'openai:a')
  // 200 spent of 150: the next goes to b.
  assert.equal((await ai.request({ prompt: PROMPT, maxTokens: 95 })).model, 'openai:b')
  assert.deepEqual((await ai.models()).map((model) => model.state), ['ready', 'ready'])
  const none = await ai.request({ prompt: PROMPT, models: ['openai:a'] }).catch((error) => error)
  assert.equal(none.code, 'AI_NO_MODELS_AVAILABLE')
  assert.deepEqual(none.details.attempts, [{ model: 'openai:a', code: 'AI_MODEL_TOKEN_LIMITED' }])
  assert.equal(none.retryAfter, 60)
  clock.advance(60_000)
  assert.equal((await ai.request({ prompt: PROMPT, maxTokens: 95 })).model, 'openai:a')
})

test('a model that fails gives its token reservation back; the one that answers is settled to its usage', async (t) => {
  const { ai, mock } = await setup(t, () => ({
    models: [{ provider: 'openai', model: 'a', limits: { tokens: { max: 1000 } } }, { provider: 'openai', model: 'b', limits: { tokens: { max: 1000 } } }],
    restore: { providerCommunicationError: 0 }
  }))
  mock.setBehaviour('a', { status: 500 })
  mock.setBehaviour('b', { usage: { promptTokens: 5, completionTokens: 5 } })
  // Each reserves 5 + 600 on a (given back) and on b (settled to 10).
  for (let i = 0; i < 10; i++) assert.equal((await ai.request({ prompt: PROMPT, maxTokens: 600 })).model, 'openai:b')
  mock.setBehaviour('a', { usage: { promptTokens: 5, completionTokens: 5 } })
  assert.equal((await ai.request({ prompt: PROMPT, maxTokens: 600 })).model, 'openai:a')
})

test('budget options are checked at start-up', () => {
  const base = { providers: { openai: { apiKey: 'k' } }, models: ['openai:a'] }
  assert.throws(() => normalizeOptions({ ...base, callerBudget: {} }), { code: 'AI_OPTIONS_INVALID', message: /callerBudget needs tokens, cost or both/ })
  assert.throws(() => normalizeOptions({ ...base, callerBudget: { cost: 5 } }), { message: /callerBudget.cost needs a price on every model, and "openai:a" has none/ })
  assert.throws(() => normalizeOptions({ ...base, callerBudget: { tokens: 0 } }), { message: /callerBudget.tokens must be a positive integer/ })
  assert.throws(() => normalizeOptions({ ...base, limits: { tokens: { timeWindow: '1m' } } as never }), { message: /limits.tokens.max is required/ })
  assert.throws(() => normalizeOptions({ ...base, models: [{ provider: 'openai', model: 'a', price: { input: -1, output: 1 } }] }), { message: /models\[0\].price.input must be a number of at least 0/ })
  const options = normalizeOptions({
    ...base,
    models: [{ provider: 'openai', model: 'a', limits: { tokens: { timeWindow: '10s' } } }, 'openai:b'],
    limits: { tokens: { max: 5000 } },
    callerBudget: { tokens: 100, timeWindow: '1h' }
  })
  assert.deepEqual(options.models.map((model) => model.limits.tokens), [{ max: 5000, windowMs: 10_000 }, { max: 5000, windowMs: 60_000 }])
  assert.deepEqual(options.callerBudget, { tokens: 100, windowMs: 3_600_000 })
  assert.deepEqual(options.usage, { record: true, retentionMs: 90 * 86_400_000 })
})
