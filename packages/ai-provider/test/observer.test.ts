import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AiObserver, ObservedAttempt, ObservedRequest } from '../src/observer.ts'
import { STORE_SAMPLE } from '../src/observer.ts'
import type { AiStore } from '../src/store.ts'
import type { Ai } from '../src/types.ts'
import { createAi } from '../src/ai.ts'
import { createMemoryStore } from '../src/stores/memory-store.ts'
import { AiStorageUnavailableError } from '../src/errors.ts'
import { collect, contentOf, setup } from './helpers/ai.ts'

interface Recorded {
  events: string[]
  requests: ObservedRequest[]
  attempts: ObservedAttempt[]
  stores: Array<{ operation: string, code?: string, durationMs?: number }>
}

/** An observer that writes down every event, in order, in a few words. */
function recorder (): AiObserver & Recorded {
  const recorded: Recorded = { events: [], requests: [], attempts: [], stores: [] }
  return {
    ...recorded,
    requestStart (request) {
      recorded.events.push(`start ${request.operation}`)
      recorded.requests.push(request)
    },
    requestEnd (request) { recorded.events.push(`end ${request.model?.name ?? '-'} ${request.code ?? request.result}`) },
    attemptStart (attempt) { recorded.events.push(`attempt ${attempt.model.name} #${attempt.retry}`) },
    attemptEnd (attempt) {
      recorded.events.push(`attempt end ${attempt.model.name} ${attempt.code}`)
      recorded.attempts.push(attempt)
    },
    fallback (fallback) { recorded.events.push(`fallback ${fallback.from.name} -> ${fallback.to.name} ${fallback.reason}`) },
    firstToken (request) { recorded.events.push(`first token ${request.model?.name}`) },
    detached () { recorded.events.push('detached') },
    modelCoolDown (coolDown) { recorded.events.push(`cool down ${coolDown.model.name} ${coolDown.reason} ${coolDown.windowMs}`) },
    storeCall (call) { recorded.stores.push({ ...call }) }
  }
}

test('a fallback is seen as two attempts, a cool-down, a fallback and one end with the answering model and its usage', async (t) => {
  const { ai, mock } = await setup(t)
  const observer = recorder()
  ai.observe(observer)
  mock.enqueue('a', { status: 500 })
  const answer = await ai.request({ prompt: 'one two' })
  assert.equal(answer.model, 'openai:b')
  assert.deepEqual(observer.events, [
    'start request',
    'attempt openai:a #0',
    'attempt end openai:a AI_PROVIDER_RESPONSE_ERROR',
    'cool down openai:a AI_PROVIDER_RESPONSE_ERROR 60000',
    'fallback openai:a -> openai:b AI_PROVIDER_RESPONSE_ERROR',
    'attempt openai:b #0',
    'attempt end openai:b OK',
    'end openai:b COMPLETE'
  ])
  const [request] = observer.requests
  assert.deepEqual(request.misses, [{ model: 'openai:a', code: 'AI_PROVIDER_RESPONSE_ERROR' }])
  assert.deepEqual(request.usage, answer.usage)
  assert.equal(request.sessionId, answer.sessionId)
  assert.ok(request.endedAt !== undefined && request.endedAt >= request.startedAt)
  for (const attempt of observer.attempts) assert.ok(attempt.endedAt !== undefined && attempt.endedAt >= attempt.startedAt)

  // Skipped while it cools down: a miss and a fallback, no attempt.
  observer.events.length = 0
  await ai.request({ prompt: 'again' })
  assert.deepEqual(observer.events, [
    'start request',
    'fallback openai:a -> openai:b AI_MODEL_COOLING_DOWN',
    'attempt openai:b #0',
    'attempt end openai:b OK',
    'end openai:b COMPLETE'
  ])
})

test('retries are attempts of the same model; no model left ends the request with its code and every miss', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { retry: { max: 1, interval: 0 } } }))
  const observer = recorder()
  ai.observe(observer)
  mock.setBehaviour('a', { status: 503 })
  mock.setBehaviour('b', { status: 401 })
  await assert.rejects(ai.request({ prompt: 'x' }), { code: 'AI_NO_MODELS_AVAILABLE' })
  assert.deepEqual(observer.events.filter((event) => !event.startsWith('cool down')), [
    'start request',
    'attempt openai:a #0',
    'attempt end openai:a AI_PROVIDER_RESPONSE_ERROR',
    'attempt openai:a #1',
    'attempt end openai:a AI_PROVIDER_RESPONSE_ERROR',
    'fallback openai:a -> openai:b AI_PROVIDER_RESPONSE_ERROR',
    'attempt openai:b #0',
    'attempt end openai:b AI_PROVIDER_AUTH_ERROR',
    'end - AI_NO_MODELS_AVAILABLE'
  ])
  assert.deepEqual(observer.requests[0].misses, [
    { model: 'openai:a', code: 'AI_PROVIDER_RESPONSE_ERROR' },
    { model: 'openai:b', code: 'AI_PROVIDER_AUTH_ERROR' }
  ])
})

test('a stream: its first token, then one end once its generation ended, with usage', async (t) => {
  const { ai } = await setup(t)
  const observer = recorder()
  ai.observe(observer)
  const response = await ai.stream({ prompt: 'tell me' })
  assert.deepEqual(observer.events, ['start stream', 'attempt openai:a #0', 'attempt end openai:a OK', 'first token openai:a'])
  const events = await collect(response.events)
  assert.equal(contentOf(events), 'Echo: tell me')
  assert.deepEqual(observer.events.slice(4), ['end openai:a COMPLETE'])
  const [request] = observer.requests
  assert.equal(request.sessionId, response.sessionId)
  assert.ok(request.usage !== undefined && request.usage.completionTokens > 0)
  assert.ok(request.firstTokenAt !== undefined && request.firstTokenAt >= request.startedAt && request.endedAt! >= request.firstTokenAt)
  assert.equal(request.resumed, false)

  // The same prompt again, with where it stopped: a resume, not a new answer.
  observer.events.length = 0
  const lastId = events.at(-1)!.id
  const resumed = await ai.stream({ prompt: 'tell me', sessionId: response.sessionId, lastEventId: lastId })
  await collect(resumed.events)
  assert.deepEqual(observer.events, ['start stream', 'end - undefined'])
  assert.equal(observer.requests[1].resumed, true)
  assert.equal(observer.requests[1].sessionId, response.sessionId)
})

test('a stream whose client leaves is seen detached, then ends once with its outcome', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { onDisconnect: 'abort' } }))
  const observer = recorder()
  ai.observe(observer)
  mock.setBehaviour('a', { deltas: ['one ', 'two ', 'three'], deltaDelayMs: 100 })
  const response = await ai.stream({ prompt: 'slow' })
  const iterator = response.events[Symbol.asyncIterator]()
  await iterator.next()
  await iterator.return?.()
  // detachTimeout is 50 ms in these tests: then the generation is aborted.
  await sleep(400)
  assert.deepEqual(observer.events.slice(4), ['detached', 'end openai:a AI_ABORTED'])
  assert.ok(observer.requests[0].detachedAt !== undefined)
})

test('one store call in STORE_SAMPLE of each operation is timed; every failure is reported with its code', async (t) => {
  const { ai } = await setup(t)
  const observer = recorder()
  const unsubscribe = ai.observe(observer)
  // One consumeUnless per request.
  for (let i = 0; i < STORE_SAMPLE * 2; i++) await ai.request({ prompt: 'x' })
  const sampled = observer.stores.filter((call) => call.operation === 'consumeUnless')
  assert.equal(sampled.length, 2)
  assert.ok(sampled.every((call) => typeof call.durationMs === 'number' && call.durationMs >= 0 && call.code === undefined))

  // Unsubscribed: nothing more.
  unsubscribe()
  const before = observer.events.length + observer.stores.length
  await ai.request({ prompt: 'x' })
  await ai.store.get('nothing')
  assert.equal(observer.events.length + observer.stores.length, before)

  // A store that fails: the call is reported with the code it failed with.
  const broken = await brokenStoreAi(t)
  const brokenObserver = recorder()
  broken.observe(brokenObserver)
  await assert.rejects(broken.request({ prompt: 'x' }), { code: 'AI_STORAGE_UNAVAILABLE' })
  assert.deepEqual(brokenObserver.stores.filter((call) => call.code !== undefined), [{ operation: 'consumeUnless', code: 'AI_STORAGE_UNAVAILABLE' }], 'not sampled: every failure')
  assert.equal(brokenObserver.events.at(-1), 'end - AI_STORAGE_UNAVAILABLE')
})

test('an observer that throws is logged and the request goes on', async (t) => {
  const { ai, logger } = await setup(t)
  ai.observe({ requestStart () { throw new Error('observer bug') } })
  const observer = recorder()
  ai.observe(observer)
  assert.equal((await ai.request({ prompt: 'x' })).model, 'openai:a')
  assert.equal(observer.events.at(-1), 'end openai:a COMPLETE')
  assert.ok(logger.entries.some((entry) => entry.level === 'error' && entry.msg === 'an AI Warp observer failed'))
})

/** An Ai on a memory store whose every consumeUnless fails as a store that went away does. */
async function brokenStoreAi (t: TestContext): Promise<Ai> {
  const memory = createMemoryStore()
  const store: AiStore = {
    ...memory,
    consumeUnless () {
      return Promise.reject(new AiStorageUnavailableError('connection refused'))
    }
  }
  const ai = await createAi({ providers: { openai: { apiKey: 'k', baseUrl: 'http://127.0.0.1:9' } }, models: ['openai:a'] }, { store })
  t.after(() => ai.close())
  return ai
}
