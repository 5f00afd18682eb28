import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { AiStore } from '../../src/store.ts'
import { AiStorageUnavailableError } from '../../src/errors.ts'
import { createAi } from '../../src/ai.ts'
import { createMemoryStore } from '../../src/stores/memory-store.ts'
import { collect, contentOf } from '../helpers/ai.ts'

// A real memory store behind a switch that makes chosen operations fail as an unreachable
// Valkey does (AI_STORAGE_UNAVAILABLE).
function createOutageStore (): { store: AiStore, failing: Set<keyof AiStore> } {
  const inner = createMemoryStore()
  const failing = new Set<keyof AiStore>()
  const store = {} as Record<string, unknown>
  for (const name of Object.keys(inner) as Array<keyof AiStore>) {
    store[name] = function maybeFail (...args: unknown[]) {
      if (failing.has(name)) return Promise.reject(new AiStorageUnavailableError('connection refused'))
      return (inner[name] as (...args: unknown[]) => unknown)(...args)
    }
  }
  return { store: store as unknown as AiStore, failing }
}

test('a store of its own without appendEvents still logs every delta in order', async (t) => {
  const mock = await createMockProvider()
  const { store } = createOutageStore()
  const { appendEvents: _batch, ...single } = store
  const ai = await createAi({ providers: { openai: { apiKey: 'k', baseUrl: mock.url } }, models: ['openai:a'] }, { store: single })
  t.after(async () => {
    await ai.close()
    await mock.close()
  })
  mock.enqueue('a', { deltas: ['a ', 'b ', 'c'] })
  const response = await ai.stream({ prompt: 'x' })
  const events = await collect(response.events)
  assert.equal(contentOf(events), 'a b c')
  assert.deepEqual(events.map((event) => event.id), ['1', '2', '3', '4'])
  const stored = await single.readEvents(`events:${response.sessionId}`, 0)
  assert.deepEqual(stored.map((event) => event.id), [1, 2, 3, 4])
})

async function setupOutage (t: import('node:test').TestContext) {
  const mock = await createMockProvider()
  const { store, failing } = createOutageStore()
  const ai = await createAi({
    providers: { openai: { apiKey: 'k', baseUrl: mock.url } },
    models: ['openai:a', 'openai:b'],
    limits: { retry: { max: 0, interval: 0 } }
  }, { store })
  t.after(async () => {
    failing.clear()
    await ai.close()
    await mock.close()
  })
  return { ai, mock, failing }
}

test('a store that cannot be reached fails the request with AI_STORAGE_UNAVAILABLE before any provider call', async (t) => {
  const { ai, mock, failing } = await setupOutage(t)
  // What a new conversation does before calling a model: the cool-down check and the rate unit.
  failing.add('consume')
  failing.add('consumeUnless')
  await assert.rejects(ai.request({ prompt: 'x' }), { code: 'AI_STORAGE_UNAVAILABLE', statusCode: 503 })
  await assert.rejects(ai.stream({ prompt: 'x' }), { code: 'AI_STORAGE_UNAVAILABLE' })
  assert.equal(mock.requests.length, 0)
  failing.clear()
  failing.add('get')
  await assert.rejects(ai.models(), { code: 'AI_STORAGE_UNAVAILABLE' })
})

test('an answer that cannot be stored is an error, not an answer', async (t) => {
  const { ai, failing } = await setupOutage(t)
  failing.add('listPush')
  await assert.rejects(ai.request({ prompt: 'x' }), { code: 'AI_STORAGE_UNAVAILABLE' })
})

test('a stream whose event log becomes unreachable ends with an AI_STORAGE_UNAVAILABLE error event and aborts upstream', async (t) => {
  const { ai, mock, failing } = await setupOutage(t)
  mock.enqueue('a', { deltas: ['a ', 'b ', 'c ', 'd'], deltaDelayMs: 30 })
  const response = await ai.stream({ prompt: 'x' })
  const iterator = response.events[Symbol.asyncIterator]()
  const first = await iterator.next()
  failing.add('appendEvent')
  failing.add('appendEvents')
  const events = [first.value, ...await collect({ [Symbol.asyncIterator]: () => iterator })]
  assert.equal(contentOf(events), 'a ')
  const last = events[events.length - 1]
  assert.equal(last.type, 'error')
  if (last.type === 'error') assert.equal(last.code, 'AI_STORAGE_UNAVAILABLE')
  assert.equal(last.id, first.value?.id, 'the id repeats the last logged one')
  assert.equal(await mock.requests[0].closed, true)
  assert.equal((await ai.models())[0].state, 'ready', 'the store failing is not the model\'s fault')
})
