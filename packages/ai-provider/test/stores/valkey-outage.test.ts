// Issue 3 acceptance, SPEC §8: Valkey stopped in the middle of a run. Requests that need it
// fail fast with AI_STORAGE_UNAVAILABLE (503), nothing goes unhandled, and the same instances
// serve again once Valkey is back on the same port. Afterwards every key is prefixed and has a TTL.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { Valkey } from 'iovalkey'
import type { Ai, AiStreamEvent } from '../../src/types.ts'
import { startValkeyServer } from '../helpers/valkey-server.ts'
import { rejection, startGateways } from '../helpers/valkey-gateways.ts'
import { expectNoUnhandledRejections } from '../helpers/checks.ts'

const server = await startValkeyServer()
after(() => server.close())

expectNoUnhandledRejections()

/** Fast enough for a client: well under a second plus scheduling noise. */
const FAST_MS = 1500

async function failsFast (name: string, work: () => Promise<unknown>): Promise<void> {
  const started = Date.now()
  const error = await rejection(work())
  const took = Date.now() - started
  assert.equal(error.code, 'AI_STORAGE_UNAVAILABLE', `${name}: ${error.code} ${error.message}`)
  assert.equal(error.statusCode, 503)
  assert.ok(took < FAST_MS, `${name} took ${took} ms`)
}

async function drain (events: AsyncIterable<AiStreamEvent>): Promise<AiStreamEvent[]> {
  const all: AiStreamEvent[] = []
  for await (const event of events) all.push(event)
  return all
}

async function waitUntilServing (ai: Ai, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    try {
      await ai.request({ prompt: 'are you back?' })
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await sleep(50)
    }
  }
}

test('with Valkey stopped mid-run requests fail fast with AI_STORAGE_UNAVAILABLE, and the same instances serve again after it restarts', { skip: server.skipControl }, async (t) => {
  const { instances, mock } = await startGateways(t, server, 2)
  const before = await instances[0].request({ prompt: 'before the outage', context: 'Be brief.' })
  assert.equal(before.model, 'openai:a')

  await server.stop()
  await failsFast('request', () => instances[0].request({ prompt: 'during' }))
  await failsFast('request on a session', () => instances[1].request({ prompt: 'during', sessionId: before.sessionId }))
  await failsFast('stream', () => instances[1].stream({ prompt: 'during' }))
  await failsFast('getSession', () => instances[0].getSession(before.sessionId))
  await failsFast('deleteSession', () => instances[1].deleteSession(before.sessionId))
  await failsFast('models', () => instances[0].models())
  await failsFast('store.ping', () => instances[1].store.ping())
  const callsDuringOutage = mock.requests.length
  assert.equal(callsDuringOutage, 1, 'no provider call is made without the store (no unmetered call)')

  await server.start()
  for (const ai of instances) await waitUntilServing(ai)
  await instances[0].store.ping()
  const answer = await instances[1].request({ prompt: 'after the outage' })
  assert.equal(answer.model, 'openai:a')
  const session = await instances[0].getSession(answer.sessionId)
  assert.equal(session.turns[0].prompt, 'after the outage')
  // The server kept nothing (no persistence): the old session is gone, cleanly.
  assert.equal((await rejection(instances[0].getSession(before.sessionId))).code, 'AI_SESSION_NOT_FOUND')
})

test('a stream in flight when Valkey stops ends promptly with an error, never hangs', { skip: server.skipControl }, async (t) => {
  const { instances, mock } = await startGateways(t, server, 1)
  mock.setBehaviour('a', { deltas: ['a ', 'b ', 'c ', 'd ', 'e ', 'f'], deltaDelayMs: 100 })
  const response = await instances[0].stream({ prompt: 'long' })
  const events: AiStreamEvent[] = []
  let failure: (Error & { code?: string }) | undefined
  const consumed = (async () => {
    try {
      for await (const event of response.events) {
        events.push(event)
        if (events.length === 1) await server.stop()
      }
    } catch (error) {
      failure = error as Error & { code?: string }
    }
  })()
  const started = Date.now()
  await consumed
  assert.ok(Date.now() - started < 3000, `the stream ended after ${Date.now() - started} ms`)
  const last = events.at(-1)
  const code = failure?.code ?? (last?.type === 'error' ? last.code : undefined)
  assert.equal(code, 'AI_STORAGE_UNAVAILABLE', `ended with ${failure?.message ?? JSON.stringify(last)}`)
  await server.start()
  await waitUntilServing(instances[0])
})

test('after a run every key is prefixed and carries a TTL', async (t) => {
  const window = '5s'
  const { instances, mock } = await startGateways(t, server, 2, {
    models: [{ provider: 'openai', model: 'a', limits: { rate: { max: 100, timeWindow: '1m' } } }, 'openai:b'],
    restore: { providerCommunicationError: window, retry: window }
  })
  mock.enqueue('a', { status: 500 })
  const first = await instances[0].request({ prompt: 'one', context: 'ctx' })
  assert.equal(first.model, 'openai:b')
  await instances[1].request({ prompt: 'two', sessionId: first.sessionId })
  const streamed = await instances[1].stream({ prompt: 'three' })
  assert.equal((await drain(streamed.events)).at(-1)?.type, 'end')
  const resumed = await instances[0].stream({ prompt: 'three', sessionId: streamed.sessionId, lastEventId: '1' })
  assert.equal((await drain(resumed.events)).at(-1)?.type, 'end')

  const inspector = new Valkey(server.url)
  t.after(() => inspector.quit())
  const keys = await inspector.keys('*')
  const kinds = new Set(keys.map((key) => key.split(':')[1]))
  for (const kind of ['rate', 'model', 'session', 'turns', 'events', 'stream']) assert.ok(kinds.has(kind), `a ${kind} key was written`)
  for (const key of keys) {
    assert.ok(key.startsWith('aiwarp:'), `${key} is prefixed`)
    const ttl = await inspector.pttl(key)
    assert.ok(ttl > 0, `${key} has a TTL (PTTL ${ttl})`)
  }
})
