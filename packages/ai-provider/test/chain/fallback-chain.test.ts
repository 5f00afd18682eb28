import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { AiStore } from '../../src/store.ts'
import { createAi } from '../../src/ai.ts'
import { createMemoryStore } from '../../src/stores/memory-store.ts'
import { collect, contentOf, createFakeClock, createRecordingLogger, setup } from '../helpers/ai.ts'
import type { FakeClock } from '../helpers/ai.ts'

function modelsCalled (mock: { requests: Array<{ model: string }> }): string[] {
  return mock.requests.map((request) => request.model)
}

test('candidates are tried in configuration order, or in the request order', async (t) => {
  const { ai, mock } = await setup(t, () => ({ models: ['openai:a', 'openai:b', 'openai:c'] }))
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:a')
  assert.equal((await ai.request({ prompt: 'x', models: ['openai:c', { provider: 'openai', model: 'b' }] })).model, 'openai:c')
  mock.setBehaviour('c', { status: 500 })
  assert.equal((await ai.request({ prompt: 'x', models: ['openai:c', 'openai:b'] })).model, 'openai:b')
  assert.deepEqual(modelsCalled(mock), ['a', 'c', 'c', 'b'])
})

test('a model that is not configured is a 400 naming it', async (t) => {
  const { ai, mock } = await setup(t)
  await assert.rejects(ai.request({ prompt: 'x', models: ['openai:nope'] }), { code: 'AI_MODEL_NOT_CONFIGURED', statusCode: 400, message: /openai:nope/ })
  assert.equal(mock.requests.length, 0)
})

test('a failing model cools down, is skipped, and is ready again after its window', async (t) => {
  const { ai, mock, clock } = await setup(t)
  mock.enqueue('a', { status: 500 })
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:b')
  const cooling = (await ai.models())[0]
  assert.equal(cooling.state, 'cooling-down')
  assert.equal(cooling.reason, 'AI_PROVIDER_RESPONSE_ERROR')
  assert.equal(cooling.until, new Date(clock.now() + 60_000).toISOString())

  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:b')
  assert.deepEqual(modelsCalled(mock), ['a', 'b', 'b'], 'skipped while cooling')

  clock.advance(60_000)
  assert.equal((await ai.models())[0].state, 'ready')
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:a')
})

test('transient failures are retried retry.max times on the same model', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { retry: { max: 2, interval: 5 } } }))
  mock.setBehaviour('a', { status: 503 })
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:b')
  assert.deepEqual(modelsCalled(mock), ['a', 'a', 'a', 'b'])
})

test('a retry that succeeds keeps the model ready', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { retry: { max: 1, interval: 5 } } }))
  mock.enqueue('a', { status: 502 })
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:a')
  assert.equal((await ai.models())[0].state, 'ready')
})

test('a rate-limited model gives way to the next one until its window ends, without cooling down', async (t) => {
  const { ai, mock, clock } = await setup(t, () => ({
    models: [{ provider: 'openai', model: 'a', limits: { rate: { max: 2, timeWindow: '10s' } } }, 'openai:b']
  }))
  assert.equal((await ai.request({ prompt: '1' })).model, 'openai:a')
  assert.equal((await ai.request({ prompt: '2' })).model, 'openai:a')
  assert.equal((await ai.request({ prompt: '3' })).model, 'openai:b')
  assert.equal((await ai.models())[0].state, 'ready')
  clock.advance(10_000)
  assert.equal((await ai.request({ prompt: '4' })).model, 'openai:a')
  assert.deepEqual(modelsCalled(mock), ['a', 'a', 'b', 'a'])
})

test('a 429 cools down for providerExceededError, or for Retry-After when longer', async (t) => {
  const { ai, mock, clock } = await setup(t, () => ({ models: ['openai:a', 'openai:b', 'openai:c'] }))
  mock.enqueue('a', { status: 429, retryAfter: '1200' })
  mock.enqueue('b', { status: 429, retryAfter: '5' })
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:c')
  const [a, b] = await ai.models()
  assert.equal(a.reason, 'AI_PROVIDER_EXCEEDED')
  assert.equal(a.until, new Date(clock.now() + 1_200_000).toISOString(), 'Retry-After is longer than 10m')
  assert.equal(b.until, new Date(clock.now() + 600_000).toISOString(), 'restore.providerExceededError')
})

test('401 cools the model down and is logged as an error', async (t) => {
  const { ai, mock, logger } = await setup(t, () => ({ limits: { retry: { max: 3, interval: 1 } } }))
  mock.enqueue('a', { status: 401 })
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:b')
  assert.deepEqual(modelsCalled(mock), ['a', 'b'], 'not retried')
  const a = (await ai.models())[0]
  assert.equal(a.state, 'cooling-down')
  assert.equal(a.reason, 'AI_PROVIDER_AUTH_ERROR')
  assert.ok(logger.entries.some((entry) => entry.level === 'error' && (entry.obj as { model?: string }).model === 'openai:a'))
})

test('a 400 caused by the request moves on without cooling the model down', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { status: 400 })
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:b')
  assert.equal((await ai.models())[0].state, 'ready')
  assert.equal((await ai.request({ prompt: 'y' })).model, 'openai:a')
})

test('a timeout aborts the upstream call, is not retried, and cools down for restore.timeout', async (t) => {
  const { ai, mock, clock } = await setup(t, () => ({
    limits: { requestTimeout: 100, retry: { max: 2, interval: 1 } },
    restore: { timeout: '2m' }
  }))
  mock.enqueue('a', { headersDelayMs: 2000 })
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:b')
  assert.equal(await mock.requests[0].closed, true, 'upstream aborted')
  assert.deepEqual(modelsCalled(mock), ['a', 'b'])
  const a = (await ai.models())[0]
  assert.equal(a.reason, 'AI_PROVIDER_TIMEOUT')
  assert.equal(a.until, new Date(clock.now() + 120_000).toISOString())
})

test('no model left: 503 AI_NO_MODELS_AVAILABLE with every attempt and retryAfter', async (t) => {
  const { ai, mock, clock } = await setup(t, () => ({ models: ['openai:a', 'openai:b', 'openai:c'] }))
  mock.enqueue('a', { status: 500 })
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:b')
  clock.advance(20_000)
  mock.enqueue('b', { status: 429 })
  mock.enqueue('c', { status: 400 })
  const error = await ai.request({ prompt: 'x' }).then(() => assert.fail('should fail'), (error) => error)
  assert.equal(error.code, 'AI_NO_MODELS_AVAILABLE')
  assert.equal(error.statusCode, 503)
  assert.deepEqual(error.details.attempts, [
    { model: 'openai:a', code: 'AI_MODEL_COOLING_DOWN' },
    { model: 'openai:b', code: 'AI_PROVIDER_EXCEEDED' },
    { model: 'openai:c', code: 'AI_PROVIDER_REQUEST_REJECTED' }
  ])
  // c stays ready (its failure was the request's), so the earliest model is ready at once: at least 1 s.
  assert.equal(error.retryAfter, 1)
  assert.equal(error.details.retryAfterSeconds, 1)
  assert.equal(error.cause.code, 'AI_PROVIDER_REQUEST_REJECTED')
})

test('retryAfter is the time until the first cooled model is ready', async (t) => {
  const { ai, mock, clock } = await setup(t)
  mock.enqueue('a', { status: 500 })
  mock.enqueue('b', { status: 429 })
  await assert.rejects(ai.request({ prompt: 'x' }), { code: 'AI_NO_MODELS_AVAILABLE', retryAfter: 60 })
  clock.advance(15_500)
  await assert.rejects(ai.request({ prompt: 'x' }), (error: { retryAfter: number, details: { attempts: unknown[] } }) => {
    assert.equal(error.retryAfter, 45)
    assert.equal(error.details.attempts.length, 2)
    return true
  })
  assert.equal(mock.requests.length, 2, 'cooling models are not called')
})

test('a caller abort stops the chain at once without cooling anything down', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { headersDelayMs: 2000 })
  const controller = new AbortController()
  const pending = ai.request({ prompt: 'x', signal: controller.signal })
  await mock.waitForRequests(1)
  controller.abort()
  await assert.rejects(pending, { code: 'AI_ABORTED' })
  assert.equal(await mock.requests[0].closed, true)
  assert.deepEqual(modelsCalled(mock), ['a'])
  assert.equal((await ai.models())[0].state, 'ready')
})

test('the retry interval is cut short by an abort', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { retry: { max: 1, interval: 60_000 } } }))
  mock.enqueue('a', { status: 500 })
  const controller = new AbortController()
  const pending = ai.request({ prompt: 'x', signal: controller.signal })
  await mock.waitForRequests(1)
  setTimeout(() => controller.abort(), 20)
  await assert.rejects(pending, { code: 'AI_ABORTED' })
  assert.equal(mock.requests.length, 1)
})

/** The memory store with its calls counted; `withoutConsumeUnless` plays a store of one's own that lacks it. */
function countingStore (clock: FakeClock, withoutConsumeUnless: boolean): { store: AiStore, calls: Map<string, number> } {
  const inner = createMemoryStore({ clock })
  const calls = new Map<string, number>()
  const store: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(inner)) {
    if (name === 'consumeUnless' && withoutConsumeUnless) continue
    store[name] = function counted (...args: unknown[]) {
      calls.set(name, (calls.get(name) ?? 0) + 1)
      return (method as (...args: unknown[]) => unknown).apply(inner, args)
    }
  }
  return { store: store as unknown as AiStore, calls }
}

async function chainWithStore (t: TestContext, withoutConsumeUnless: boolean) {
  const mock = await createMockProvider()
  const clock = createFakeClock()
  const { store, calls } = countingStore(clock, withoutConsumeUnless)
  const ai = await createAi({
    providers: { openai: { apiKey: 'test-key', baseUrl: mock.url } },
    models: ['openai:a', { provider: 'openai', model: 'b', limits: { rate: { max: 2, timeWindow: '10s' } } }, 'openai:c'],
    limits: { retry: { max: 0, interval: 0 }, requestTimeout: 2000 }
  }, { clock, logger: createRecordingLogger(), store })
  t.after(async () => {
    await ai.close()
    await mock.close()
  })
  return { ai, mock, clock, calls, store }
}

for (const withoutConsumeUnless of [false, true]) {
  test(`cool-down and rate limit in the chain, with a store ${withoutConsumeUnless ? 'without' : 'with'} consumeUnless`, async (t) => {
    const { ai, mock, clock, calls } = await chainWithStore(t, withoutConsumeUnless)
    mock.enqueue('a', { status: 500 })
    const models = []
    for (let i = 0; i < 4; i++) models.push((await ai.request({ prompt: String(i) })).model)
    // a fails and cools down; b takes two units of its window; then c.
    assert.deepEqual(models, ['openai:b', 'openai:b', 'openai:c', 'openai:c'])
    assert.deepEqual(modelsCalled(mock), ['a', 'b', 'b', 'c', 'c'])
    clock.advance(60_000)
    assert.equal((await ai.request({ prompt: 'again' })).model, 'openai:a')
    if (withoutConsumeUnless) {
      // A get per candidate reached, a consume per candidate not cooling down (see below).
      assert.deepEqual([calls.get('get'), calls.get('consume'), calls.get('consumeUnless')], [11, 8, undefined])
    } else {
      // Every candidate reached by a new conversation is one store step: a cool-down and a
      // refused unit included (a: 1 + 3 skips + 1, b: 1 + 1 + 2 refused, c: 2).
      assert.equal(calls.get('consumeUnless'), 11)
      assert.equal(calls.get('consume'), undefined)
      assert.equal(calls.get('get'), undefined)
    }
  })
}

test('no request reads a model state before its chain, for a stream as for a prompt, new conversation or known session', async (t) => {
  const { ai, calls } = await chainWithStore(t, false)
  const response = await ai.stream({ prompt: 'x' })
  assert.equal(contentOf(await collect(response.events)).length > 0, true)
  await ai.request({ prompt: 'y' })
  // One step per request for the first model (the third candidate's state is never read).
  assert.equal(calls.get('consumeUnless'), 2)
  assert.equal(calls.get('get'), undefined)
  // A known session is read first (its meta is the one get), then the chain takes its step.
  calls.clear()
  await collect((await ai.stream({ prompt: 'z', sessionId: response.sessionId, resume: false })).events)
  await ai.request({ prompt: 'w', sessionId: response.sessionId })
  assert.deepEqual([calls.get('consumeUnless'), calls.get('consume')], [2, undefined])
  assert.equal(calls.get('get'), 2, 'the session\'s meta, once per request')
})

test('a cool-down state kept past its until does not skip the model, and its unit is still taken', async (t) => {
  const { ai, clock, calls, store } = await chainWithStore(t, false)
  // The store's TTL and the clock disagree: the state says the window is over.
  await store.set('model:openai:a', JSON.stringify({ until: clock.now() - 1, reason: 'AI_PROVIDER_TIMEOUT' }), 60_000)
  calls.clear()
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:a')
  assert.deepEqual([calls.get('consumeUnless'), calls.get('consume')], [1, 1], 'the guard answered, then the unit was taken')
  assert.equal((await store.consume('rate:openai:a', 1_000_000, 60_000)).count, 2, 'one unit for the request, one for this check')
})
