// Issue 22, answers that outlive the connection: a stream whose client left goes on to its end
// (onDisconnect 'continue', the default) and a resume at any time gets exactly the rest, on any
// instance; a cancel stops it from any instance; detached generations are bounded.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AiStreamEvent } from '../../src/types.ts'
import type { AiStore } from '../../src/store.ts'
import { createAi } from '../../src/ai.ts'
import { createMemoryStore } from '../../src/stores/memory-store.ts'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { collect, contentOf, setup } from '../helpers/ai.ts'
import { startValkeyServer } from '../helpers/valkey-server.ts'
import { rejection, startGateways } from '../helpers/valkey-gateways.ts'

const server = await startValkeyServer()
after(() => server.close())

/** Read `count` events, then leave as a client whose connection dropped. */
async function readThenLeave (events: AsyncIterable<AiStreamEvent>, count: number): Promise<AiStreamEvent[]> {
  const iterator = events[Symbol.asyncIterator]()
  const seen: AiStreamEvent[] = []
  while (seen.length < count) {
    const step = await iterator.next()
    if (step.done === true) break
    seen.push(step.value)
  }
  await iterator.return?.()
  return seen
}

const DELTAS = ['one ', 'two ', 'three ', 'four ', 'five ', 'six ', 'seven ', 'eight']

test('memory: a client that leaves after two events and comes back seconds later gets exactly the rest; the turn is COMPLETE', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { detachTimeout: 50 } }))
  mock.enqueue('a', { deltas: DELTAS, deltaDelayMs: 100 })
  const response = await ai.stream({ prompt: 'long' })
  const seen = await readThenLeave(response.events, 2)
  // Far past the detach timeout: the generation did not wait for a resume, it went on.
  await sleep(1500)
  const rest = await collect((await ai.stream({ prompt: 'long', sessionId: response.sessionId, lastEventId: seen[1].id })).events)
  assert.equal(contentOf([...seen, ...rest]), DELTAS.join(''))
  assert.equal(rest.at(-1)?.type, 'end')
  const ids = [...seen, ...rest].map((event) => Number(event.id))
  assert.deepEqual(ids, ids.map((_, i) => ids[0] + i), 'no gap, no duplicate')
  const [turn] = (await ai.getSession(response.sessionId)).turns
  assert.equal(turn.result, 'COMPLETE')
  assert.equal(turn.response, DELTAS.join(''))
  assert.equal(mock.requests.length, 1)
})

test('valkey: a client that leaves and comes back on another instance seconds later, live and after the end: the full answer once', async (t) => {
  const { instances, mock } = await startGateways(t, server, 2, { limits: { detachTimeout: 50 } })
  const [first, second] = instances
  mock.enqueue('a', { deltas: DELTAS, deltaDelayMs: 150 })
  const response = await first.stream({ prompt: 'long' })
  const seen = await readThenLeave(response.events, 2)
  await sleep(400)
  // Back while it is still generated, on the other instance: the rest, live.
  const live = await collect((await second.stream({ prompt: 'long', sessionId: response.sessionId, lastEventId: seen[1].id })).events)
  assert.equal(contentOf([...seen, ...live]), DELTAS.join(''))
  assert.equal(live.at(-1)?.type, 'end')
  // And from the log once it is over, from where the first connection stopped.
  const again = await collect((await second.stream({ prompt: 'long', sessionId: response.sessionId, lastEventId: seen[1].id })).events)
  assert.deepEqual(again, live)
  const turns = (await second.getSession(response.sessionId)).turns
  assert.deepEqual(turns.map((turn) => turn.result), ['COMPLETE'])
  assert.equal(mock.requests.length, 1)
})

test('valkey: a cancel from another instance stops the upstream at once; followers and the producer end with AI_STREAM_CANCELLED', async (t) => {
  const { instances, mock } = await startGateways(t, server, 2)
  const [first, second] = instances
  const created = await first.request({ prompt: 'hello' })
  mock.enqueue('a', { deltas: DELTAS, deltaDelayMs: 150 })
  const running = await first.stream({ prompt: 'long', sessionId: created.sessionId })
  const iterator = running.events[Symbol.asyncIterator]()
  const firstEvent = (await iterator.next()).value as AiStreamEvent
  const following = second.stream({ prompt: 'long', sessionId: created.sessionId, lastEventId: firstEvent.id }).then((response) => collect(response.events))
  await sleep(50)
  assert.equal(await second.cancelStream(created.sessionId), true)
  assert.equal(await mock.requests[1].closed, true, 'the mock saw the upstream call closed')
  const rest: AiStreamEvent[] = []
  for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) rest.push(step.value)
  for (const events of [rest, await following]) {
    const last = events.at(-1)
    assert.equal(last?.type === 'error' && last.code, 'AI_STREAM_CANCELLED')
  }
  const turns = (await first.getSession(created.sessionId)).turns
  assert.deepEqual(turns.map((turn) => [turn.result, turn.errorCode]), [['COMPLETE', undefined], ['INTERRUPTED', 'AI_STREAM_CANCELLED']])
  // Nothing left to cancel; an unknown session is a 404.
  assert.equal(await second.cancelStream(created.sessionId), false)
  assert.equal((await rejection(second.cancelStream('no-such-session'))).code, 'AI_SESSION_NOT_FOUND')
})

test('memory: at most maxDetachedStreams answers go on without their client; the oldest is aborted, with a logged reason', async (t) => {
  const { ai, mock, logger } = await setup(t, () => ({ limits: { maxDetachedStreams: 2 } }))
  mock.setBehaviour('a', { deltas: DELTAS, deltaDelayMs: 60 })
  const sessions: string[] = []
  for (let i = 0; i < 3; i++) {
    const response = await ai.stream({ prompt: `p${i}` })
    await readThenLeave(response.events, 1)
    sessions.push(response.sessionId)
  }
  const results: string[] = []
  for (const sessionId of sessions) {
    const deadline = Date.now() + 5000
    let turns = (await ai.getSession(sessionId)).turns
    while (turns.length === 0 && Date.now() < deadline) {
      await sleep(20)
      turns = (await ai.getSession(sessionId)).turns
    }
    results.push(`${turns[0]?.result}:${turns[0]?.errorCode ?? ''}`)
  }
  assert.deepEqual(results, ['INTERRUPTED:AI_ABORTED', 'COMPLETE:', 'COMPLETE:'])
  assert.ok(logger.entries.some((entry) => entry.level === 'warn' && /too many answers generated without their client/.test(entry.msg ?? '')))
})

test('memory: onDisconnect "abort" in the request keeps the old behaviour: aborted after detachTimeout', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { detachTimeout: 50 } }))
  mock.enqueue('a', { deltas: DELTAS, deltaDelayMs: 60 })
  const response = await ai.stream({ prompt: 'long', onDisconnect: 'abort' })
  await readThenLeave(response.events, 1)
  assert.equal(await mock.requests[0].closed, true)
  await sleep(20)
  const [turn] = (await ai.getSession(response.sessionId)).turns
  assert.deepEqual([turn.result, turn.errorCode], ['INTERRUPTED', 'AI_ABORTED'])
})

test('memory: onDisconnect "abort" per model, and a request\'s "continue" over it', async (t) => {
  const { ai, mock } = await setup(t, () => ({ models: [{ provider: 'openai', model: 'a', limits: { onDisconnect: 'abort' } }], limits: { detachTimeout: 50 } }))
  mock.setBehaviour('a', { deltas: DELTAS.slice(0, 4), deltaDelayMs: 60 })
  const aborted = await ai.stream({ prompt: 'one' })
  await readThenLeave(aborted.events, 1)
  const kept = await ai.stream({ prompt: 'two', onDisconnect: 'continue' })
  await readThenLeave(kept.events, 1)
  await sleep(600)
  assert.equal((await ai.getSession(aborted.sessionId)).turns[0].result, 'INTERRUPTED')
  assert.equal((await ai.getSession(kept.sessionId)).turns[0].result, 'COMPLETE')
})

test('memory: an answer still generated after maxGenerationTime is stopped with AI_GENERATION_TIMEOUT', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { maxGenerationTime: '300ms' } }))
  mock.enqueue('a', { deltas: DELTAS, deltaDelayMs: 100 })
  const events = await collect((await ai.stream({ prompt: 'long' })).events)
  const last = events.at(-1)
  assert.equal(last?.type === 'error' && last.code, 'AI_GENERATION_TIMEOUT')
  assert.equal(await mock.requests[0].closed, true)
})

test('memory: close() stops an answer without its client too: what it logged stays, its turn is INTERRUPTED with AI_SHUTTING_DOWN', async (t) => {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const inner = createMemoryStore()
  // close() closes the store too: this one stays readable after it.
  const store: AiStore = { ...inner, async close () {} }
  const ai = await createAi({ providers: { openai: { apiKey: 'k', baseUrl: mock.url } }, models: ['openai:a'] }, { store })
  mock.enqueue('a', { deltas: DELTAS, deltaDelayMs: 100 })
  const response = await ai.stream({ prompt: 'long' })
  await readThenLeave(response.events, 1)
  const started = Date.now()
  await ai.close()
  assert.ok(Date.now() - started < 1000, 'close() does not wait for the answer to finish')
  const turn = JSON.parse((await inner.listRange(`turns:${response.sessionId}`))[0])
  assert.deepEqual([turn.result, turn.errorCode], ['INTERRUPTED', 'AI_SHUTTING_DOWN'])
  const logged = await inner.readEvents(`events:${response.sessionId}`, 0)
  assert.equal(JSON.parse(logged[0].data), 'one ')
  assert.equal(await mock.requests[0].closed, true)
})
