import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setup } from './helpers/ai.ts'

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
