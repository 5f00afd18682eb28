// How many store round trips a request makes. The Valkey store sends every command issued in
// one turn of the event loop in one socket write (valkey-store.ts, coalesceWrites), so the calls
// one request makes before the next process.nextTick surely leave together: this store records
// those groups (a bound on the round trips: the store may join more), and answers each call a
// macrotask later, as a server over a socket does.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { AiStore } from '../src/store.ts'
import { createAi } from '../src/ai.ts'
import { createMemoryStore } from '../src/stores/memory-store.ts'
import { collect, contentOf, createFakeClock, createRecordingLogger } from './helpers/ai.ts'

/** The memory store, with its calls grouped the way the Valkey store batches them. */
function batchingStore (): { store: AiStore, trips: string[][] } {
  const clock = createFakeClock()
  const inner = createMemoryStore({ clock })
  const trips: string[][] = []
  let open: string[] | undefined
  const store: Record<string, unknown> = {}
  for (const [name, method] of Object.entries(inner)) {
    store[name] = async function recorded (...args: unknown[]) {
      if (open === undefined) {
        open = []
        trips.push(open)
        process.nextTick(function closeTrip () { open = undefined })
      }
      open.push(name)
      const result = await (method as (...args: unknown[]) => unknown).apply(inner, args)
      await new Promise((resolve) => setImmediate(resolve))
      return result
    }
  }
  return { store: store as unknown as AiStore, trips }
}

async function gateway (t: TestContext) {
  const mock = await createMockProvider()
  const { store, trips } = batchingStore()
  const ai = await createAi({
    providers: { openai: { apiKey: 'test-key', baseUrl: mock.url } },
    models: ['openai:a'],
    limits: { retry: { max: 0, interval: 0 } }
  }, { logger: createRecordingLogger(), store })
  t.after(async () => {
    await ai.close()
    await mock.close()
  })
  return { ai, trips }
}

test('a prompt makes one store round trip before its upstream call and one after, new conversation or known session', async (t) => {
  const { ai, trips } = await gateway(t)
  const first = await ai.request({ prompt: 'hello' })
  // The usage is recorded with the turn.
  assert.deepEqual(trips, [['consumeUnless'], ['listPush', 'set', 'settle']])
  trips.length = 0
  const next = await ai.request({ prompt: 'again', sessionId: first.sessionId })
  assert.equal(next.text, 'Echo: again')
  // The session's meta and turns are read with the chain's first step.
  assert.deepEqual(trips, [['get', 'listRange', 'consumeUnless'], ['set', 'listPush', 'settle']])
})

test('a new stream: one store round trip before its upstream call, its start with its first events, its end in one', async (t) => {
  const { ai, trips } = await gateway(t)
  const response = await ai.stream({ prompt: 'tell me' })
  assert.equal(contentOf(await collect(response.events)), 'Echo: tell me')
  assert.deepEqual(trips[0], ['consumeUnless'], 'one round trip before the upstream call')
  // Meta, lease and state, with the first chunk's events.
  assert.deepEqual(trips[1], ['set', 'set', 'set', 'appendEvents'])
  // Every other chunk's events in one append each.
  for (const trip of trips.slice(2, -1)) assert.deepEqual(trip, ['appendEvents'])
  // Turn, meta, state, `end`, the lease's release and the usage.
  assert.deepEqual(trips.at(-1), ['set', 'listPush', 'set', 'appendEvent', 'set', 'settle'])
})
