// Usage recorded per day, caller and model, and its report (ai.usage()), over real HTTP to the
// mock provider with a fake clock and the memory store.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AiOptions } from '../../src/types.ts'
import { collect, contentOf, setup } from '../helpers/ai.ts'

const priced: Partial<AiOptions> = {
  models: [
    { provider: 'openai', model: 'a', price: { input: 0.15, output: 0.6, cachedInput: 0.075 } },
    'openai:b'
  ]
}

test('an answer\'s usage carries its cost when its model has a price, and the report has it per caller and model', async (t) => {
  const { ai, mock, clock } = await setup(t, () => priced)
  mock.setBehaviour('a', { usage: { promptTokens: 9, completionTokens: 4 } })
  const answer = await ai.request({ prompt: 'Why is the sky blue?', caller: 'user:alice' })
  assert.deepEqual(answer.usage, { promptTokens: 9, completionTokens: 4, totalTokens: 13, cost: 0.00000375 })
  await ai.request({ prompt: 'And at night?', caller: 'user:alice', sessionId: answer.sessionId })
  await ai.request({ prompt: 'Hi', caller: 'ip:10.0.0.7', models: ['openai:b'] })

  const day = new Date(clock.now()).toISOString().slice(0, 10)
  const report = await ai.usage()
  assert.equal(report.from, day)
  assert.equal(report.to, day)
  assert.deepEqual(report.rows, [
    { day, caller: 'ip:10.0.0.7', model: 'openai:b', requests: 1, promptTokens: 1, completionTokens: 2, cachedPromptTokens: 0, totalTokens: 3, estimatedRequests: 0 },
    { day, caller: 'user:alice', model: 'openai:a', requests: 2, promptTokens: 18, completionTokens: 8, cachedPromptTokens: 0, totalTokens: 26, cost: 0.0000075, estimatedRequests: 0 }
  ])
  assert.deepEqual(report.totals, { requests: 3, promptTokens: 19, completionTokens: 10, cachedPromptTokens: 0, totalTokens: 29, cost: 0.0000075, estimatedRequests: 0 })

  assert.deepEqual((await ai.usage({ caller: 'ip:10.0.0.7' })).rows.map((row) => row.model), ['openai:b'])
  assert.deepEqual((await ai.usage({ model: 'openai:a' })).rows.map((row) => row.caller), ['user:alice'])
  assert.deepEqual((await ai.usage({ caller: 'user:nobody' })).rows, [])
})

test('usage lands in the day it is spent; a report spans days, and a day\'s usage expires with usage.retention', async (t) => {
  const { ai, clock } = await setup(t, () => ({ usage: { retention: '2d' } }))
  await ai.request({ prompt: 'one', caller: 'c' })
  const first = new Date(clock.now()).toISOString().slice(0, 10)
  clock.advance(86_400_000)
  await ai.request({ prompt: 'two', caller: 'c' })
  await ai.request({ prompt: 'three', caller: 'c' })
  const second = new Date(clock.now()).toISOString().slice(0, 10)
  const report = await ai.usage({ from: first, to: second })
  assert.deepEqual(report.rows.map((row) => [row.day, row.requests]), [[first, 1], [second, 2]])
  assert.equal(report.totals.requests, 3)
  assert.deepEqual((await ai.usage()).rows.map((row) => row.day), [second])
  clock.advance(2 * 86_400_000 + 1)
  assert.deepEqual((await ai.usage({ from: first, to: second })).rows, [])
})

test('a request without a caller is recorded as anonymous', async (t) => {
  const { ai } = await setup(t)
  await ai.request({ prompt: 'hello' })
  assert.deepEqual((await ai.usage()).rows.map((row) => row.caller), ['anonymous'])
})

test('a stream\'s usage is recorded at its end, its end event carries the cost', async (t) => {
  const { ai, mock } = await setup(t, () => priced)
  mock.setBehaviour('a', { deltas: ['The sky ', 'is blue.'], usage: { promptTokens: 1000, completionTokens: 1000 } })
  const response = await ai.stream({ prompt: 'Why is the sky blue?', caller: 'user:bob' })
  const events = await collect(response.events)
  assert.equal(contentOf(events), 'The sky is blue.')
  const end = events.at(-1)
  assert.equal(end?.type, 'end')
  assert.deepEqual(end?.type === 'end' ? end.usage : undefined, { promptTokens: 1000, completionTokens: 1000, totalTokens: 2000, cost: 0.00075 })
  const session = await ai.getSession(response.sessionId)
  assert.equal(session.turns[0].usage?.cost, 0.00075)
  const [row] = (await ai.usage()).rows
  assert.deepEqual({ caller: row.caller, requests: row.requests, totalTokens: row.totalTokens, cost: row.cost }, { caller: 'user:bob', requests: 1, totalTokens: 2000, cost: 0.00075 })
})

test('without usage from the provider the tokens are estimated and counted as such', async (t) => {
  const { ai, mock } = await setup(t)
  mock.setBehaviour('a', { text: 'twelve chars', usage: false })
  const answer = await ai.request({ prompt: 'Why is the sky blue?', caller: 'c' })
  assert.equal(answer.usage, undefined)
  const [row] = (await ai.usage()).rows
  // The prompt: 20 characters and one message; the answer: 12 characters.
  assert.deepEqual({ promptTokens: row.promptTokens, completionTokens: row.completionTokens, totalTokens: row.totalTokens, estimatedRequests: row.estimatedRequests }, { promptTokens: 9, completionTokens: 3, totalTokens: 12, estimatedRequests: 1 })
})

test('a stream that fails after its first words is recorded as estimated; a request no model answered is not recorded', async (t) => {
  const { ai, mock } = await setup(t, () => ({ models: ['openai:a'] }))
  mock.setBehaviour('a', { deltas: ['The sky ', 'is blue.'], cutAfter: 1 })
  const response = await ai.stream({ prompt: 'Why?', caller: 'c' })
  const events = await collect(response.events)
  assert.equal(events.at(-1)?.type, 'error')
  mock.setBehaviour('a', { status: 500 })
  await assert.rejects(ai.request({ prompt: 'Why?', caller: 'c' }), { code: 'AI_NO_MODELS_AVAILABLE' })
  const [row] = (await ai.usage()).rows
  assert.deepEqual({ requests: row.requests, completionTokens: row.completionTokens, estimatedRequests: row.estimatedRequests }, { requests: 1, completionTokens: 2, estimatedRequests: 1 })
})

test('usage.record false records nothing', async (t) => {
  const { ai } = await setup(t, () => ({ usage: { record: false } }))
  await ai.request({ prompt: 'hello', caller: 'c' })
  assert.deepEqual((await ai.usage()).rows, [])
})

test('a report\'s days are checked: dates, order, at most 367 days', async (t) => {
  const { ai } = await setup(t)
  await assert.rejects(ai.usage({ from: '2026-02-30' }), { code: 'AI_BAD_REQUEST', message: /"from": must be a date/ })
  await assert.rejects(ai.usage({ to: 'yesterday' }), { code: 'AI_BAD_REQUEST', message: /"to"/ })
  await assert.rejects(ai.usage({ from: '2026-01-02', to: '2026-01-01' }), { code: 'AI_BAD_REQUEST', message: /after "to"/ })
  await assert.rejects(ai.usage({ from: '2024-01-01', to: '2026-01-01' }), { code: 'AI_BAD_REQUEST', message: /at most 367 days/ })
  const year = await ai.usage({ from: '2025-01-01', to: '2026-01-02' })
  assert.deepEqual([year.from, year.to, year.rows.length], ['2025-01-01', '2026-01-02', 0])
})

test('observers see the answer\'s cost in its usage, and a budget refusal as AI_BUDGET_EXCEEDED', async (t) => {
  const { ai, mock } = await setup(t, () => ({ models: [{ provider: 'openai', model: 'a', price: { input: 0.15, output: 0.6 } }], callerBudget: { cost: 0.000001 } }))
  mock.setBehaviour('a', { usage: { promptTokens: 9, completionTokens: 4 } })
  const ended: Array<{ code?: string, usage?: unknown, caller?: string }> = []
  ai.observe({ requestEnd (request) { ended.push({ code: request.code, usage: request.usage, caller: request.request.caller }) } })
  await ai.request({ prompt: 'Why is the sky blue?', caller: 'c' })
  await assert.rejects(ai.request({ prompt: 'Why is the sky blue?', caller: 'c' }), { code: 'AI_BUDGET_EXCEEDED' })
  assert.deepEqual(ended, [
    { code: undefined, usage: { promptTokens: 9, completionTokens: 4, totalTokens: 13, cost: 0.00000375 }, caller: 'c' },
    { code: 'AI_BUDGET_EXCEEDED', usage: undefined, caller: 'c' }
  ])
})
