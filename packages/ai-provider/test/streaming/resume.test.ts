import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AiStreamEvent } from '../../src/types.ts'
import { createAi } from '../../src/ai.ts'
import { promptHash } from '../../src/streaming/event-log.ts'
import { setup, collect, contentOf } from '../helpers/ai.ts'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { AiStore } from '../../src/store.ts'
import { createMemoryStore } from '../../src/stores/memory-store.ts'

async function take (events: AsyncIterable<AiStreamEvent>, count: number): Promise<AiStreamEvent[]> {
  const taken: AiStreamEvent[] = []
  for await (const event of events) {
    taken.push(event)
    if (taken.length === count) break
  }
  return taken
}

function ids (events: AiStreamEvent[]): number[] {
  return events.map((event) => Number(event.id))
}

test('resume with lastEventId replays what came after it, without calling the provider', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { deltas: ['one ', 'two ', 'three'] })
  const first = await ai.stream({ prompt: 'x' })
  const all = await collect(first.events)
  const resumed = await ai.stream({ prompt: 'x', sessionId: first.sessionId, lastEventId: all[1].id })
  assert.equal(resumed.model, 'openai:a')
  const rest = await collect(resumed.events)
  assert.deepEqual(rest, all.slice(2))
  assert.equal(mock.requests.length, 1)
})

test('resume attaches to an answer still being generated: no gap, no duplicate, no second upstream call', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { detachTimeout: 200 } }))
  const deltas = ['a ', 'b ', 'c ', 'd ', 'e ', 'f']
  mock.enqueue('a', { deltas, deltaDelayMs: 30 })
  const first = await ai.stream({ prompt: 'x' })
  const seen = await take(first.events, 2)
  const resumed = await ai.stream({ prompt: 'x', sessionId: first.sessionId, lastEventId: seen[1].id })
  const rest = await collect(resumed.events)
  const all = [...seen, ...rest]
  assert.equal(contentOf(all), deltas.join(''))
  assert.deepEqual(ids(all), ids(all).map((_, index) => index + 1))
  assert.equal(all.at(-1)?.type, 'end')
  assert.equal(mock.requests.length, 1)
  assert.equal(mock.requests[0].closedEarly, false, 'the generation went on for the resumed client')
  const [turn] = (await ai.getSession(first.sessionId)).turns
  assert.deepEqual([turn.result, turn.response], ['COMPLETE', deltas.join('')])
})

test('without lastEventId, a request on a session being generated attaches from its start', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { deltas: ['a ', 'b ', 'c'], deltaDelayMs: 30 })
  const first = await ai.stream({ prompt: 'x' })
  const attached = await ai.stream({ prompt: 'x', sessionId: first.sessionId })
  const [original, copy] = await Promise.all([collect(first.events), collect(attached.events)])
  assert.deepEqual(copy, original)
  assert.equal(mock.requests.length, 1)
})

test('a new prompt on a session whose answer is complete is a new turn', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { deltas: ['first'] }, { deltas: ['second'] }, { deltas: ['third'] })
  const first = await ai.stream({ prompt: 'p1' })
  const firstEvents = await collect(first.events)
  const second = await ai.stream({ prompt: 'p2', sessionId: first.sessionId })
  const secondEvents = await collect(second.events)
  assert.equal(contentOf(secondEvents), 'second')
  assert.ok(Number(secondEvents[0].id) > Number(firstEvents.at(-1)?.id), 'ids keep growing within the session')
  // Nothing after the last id the client saw: answered fresh.
  const third = await ai.stream({ prompt: 'p3', sessionId: first.sessionId, lastEventId: secondEvents.at(-1)?.id })
  assert.equal(contentOf(await collect(third.events)), 'third')
  assert.equal(mock.requests.length, 3)
  assert.deepEqual((await ai.getSession(first.sessionId)).turns.map((turn) => turn.prompt), ['p1', 'p2', 'p3'])
})

test('resume: false always starts a new turn, even while an answer is being generated: that one ends, INTERRUPTED', async (t) => {
  const { ai, mock } = await setup(t)
  // The first answer stalls after one delta: it is still being generated when the second starts.
  mock.enqueue('a', { deltas: ['a ', 'b ', 'c'], stallAfter: 1 }, { deltas: ['fresh'] })
  const first = await ai.stream({ prompt: 'p1' })
  const firstEvents = first.events[Symbol.asyncIterator]()
  const opening = await firstEvents.next()
  assert.equal(opening.value?.type, 'content')
  const fresh = await ai.stream({ prompt: 'p2', sessionId: first.sessionId, resume: false, lastEventId: '1' })
  const freshEvents = await collect(fresh.events)
  assert.equal(contentOf(freshEvents), 'fresh')
  // The replaced generation ended with an error event, before the new one began.
  const rest = await collect({ [Symbol.asyncIterator]: () => firstEvents })
  const firstEnd = rest.at(-1)
  assert.equal(firstEnd?.type, 'error')
  assert.equal(firstEnd?.type === 'error' && firstEnd.code, 'AI_STREAM_SUPERSEDED')
  assert.ok(Number(freshEvents[0].id) > Number(firstEnd?.id), 'the new turn\'s ids come after the replaced one\'s')
  // The log holds the new turn only: a resume from its first event replays nothing of the old one.
  const replay = await collect((await ai.stream({ prompt: 'p2', sessionId: first.sessionId, lastEventId: freshEvents[0].id })).events)
  assert.deepEqual(replay, freshEvents.slice(1))
  assert.equal(mock.requests.length, 2)
  assert.equal(await mock.requests[0].closed, true, 'the replaced upstream call was aborted')
  const turns = (await ai.getSession(first.sessionId)).turns
  assert.deepEqual(turns.map((turn) => [turn.prompt, turn.result, turn.errorCode]), [['p1', 'INTERRUPTED', 'AI_STREAM_SUPERSEDED'], ['p2', 'COMPLETE', undefined]])
})

test('two new turns sent together on a session start one after the other: their events never interleave', async (t) => {
  const { ai, mock } = await setup(t)
  const first = await ai.stream({ prompt: 'p1' })
  await collect(first.events)
  // Slow answers: started together they would be generated at the same time.
  mock.setBehaviour('a', { deltas: ['x ', 'y ', 'z'], deltaDelayMs: 20 })
  const turns = await Promise.all(['p2', 'p3'].map(async (prompt) => collect((await ai.stream({ prompt, sessionId: first.sessionId, resume: false })).events)))
  const [earlier, later] = turns.sort((a, b) => Number(a[0].id) - Number(b[0].id))
  assert.ok(Number(earlier.at(-1)?.id) < Number(later[0].id), `ids ${earlier.map((event) => event.id)} then ${later.map((event) => event.id)}`)
  assert.equal(earlier.at(-1)?.type === 'error' && earlier.at(-1)?.type, 'error', 'the earlier one was replaced')
  assert.equal(contentOf(later), 'x y z')
  // The log holds the later turn only.
  const prompt = (await ai.getSession(first.sessionId)).turns.at(-1)?.prompt ?? ''
  const replay = await collect((await ai.stream({ prompt, sessionId: first.sessionId, lastEventId: later[0].id })).events)
  assert.deepEqual(replay, later.slice(1))
})

test('a follow-up sent as soon as an answer ended leaves that answer\'s upstream call to finish', async (t) => {
  const { ai, mock } = await setup(t)
  const first = await ai.stream({ prompt: 'p1' })
  await collect(first.events)
  const next = await ai.stream({ prompt: 'p2', sessionId: first.sessionId })
  assert.equal(contentOf(await collect(next.events)), 'Echo: p2')
  assert.equal(await mock.requests[0].closed, false, 'the first exchange was read to its end, not aborted')
})

test('when the events are gone, a resume is answered fresh', async (t) => {
  const { ai, mock } = await setup(t)
  const first = await ai.stream({ prompt: 'p1' })
  await collect(first.events)
  await ai.store.delete([`events:${first.sessionId}`, `stream:${first.sessionId}`])
  const again = await ai.stream({ prompt: 'p2', sessionId: first.sessionId, lastEventId: '1' })
  assert.equal(contentOf(await collect(again.events)), 'Echo: p2')
  assert.equal(mock.requests.length, 2)
})

test('a bad lastEventId is a 400', async (t) => {
  const { ai } = await setup(t)
  const first = await ai.stream({ prompt: 'p1' })
  await collect(first.events)
  await assert.rejects(ai.stream({ prompt: 'p1', sessionId: first.sessionId, lastEventId: 'abc' }), { code: 'AI_BAD_REQUEST', statusCode: 400 })
})

// Regression (issue 25): the state a crashed instance left behind made a request with another
// prompt follow the dead answer, wait for the silence timeout and get its partial text.
test('an answer whose generation died: a resume gets what was logged and AI_STREAM_INTERRUPTED at once, another prompt starts fresh', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { requestTimeout: 100 } }))
  const { sessionId } = await ai.request({ prompt: 'p1' })
  // What a crashed instance leaves behind: a running state whose lease is gone, and half a log.
  const state = { status: 'running', startedAt: 1, model: 'openai:a', generation: 'dead', promptHash: promptHash('crashed') }
  await ai.store.set(`stream:${sessionId}`, JSON.stringify(state), 60_000)
  await ai.store.appendEvent(`events:${sessionId}`, JSON.stringify('half'), 60_000)
  const started = Date.now()
  const resumed = await ai.stream({ prompt: 'crashed', sessionId, lastEventId: '0' })
  const events = await collect(resumed.events)
  assert.ok(Date.now() - started < 100, 'no wait for the silence timeout')
  assert.equal(contentOf(events), 'half')
  const last = events.at(-1)
  assert.equal(last?.type, 'error')
  if (last?.type === 'error') assert.equal(last.code, 'AI_STREAM_INTERRUPTED')
  assert.equal(last?.id, '1', 'a synthesized event repeats the last logged id')
  const other = await ai.stream({ prompt: 'p2', sessionId })
  assert.equal(contentOf(await collect(other.events)), 'Echo: p2')
  const again = await ai.stream({ prompt: 'crashed', sessionId })
  assert.equal(contentOf(await collect(again.events)), 'Echo: crashed')
  assert.equal(mock.requests.length, 3)
})

test('another instance sharing the store resumes a stream generated here', async (t) => {
  const { ai, mock, clock } = await setup(t, () => ({ limits: { detachTimeout: 200 } }))
  const other = await createAi({
    providers: { openai: { apiKey: 'k', baseUrl: mock.url } },
    models: ['openai:a']
  }, { clock, store: ai.store })
  t.after(() => other.close())
  mock.enqueue('a', { deltas: ['1 ', '2 ', '3 ', '4'], deltaDelayMs: 30 })
  const first = await ai.stream({ prompt: 'x' })
  const seen = await take(first.events, 1)
  const resumed = await other.stream({ prompt: 'x', sessionId: first.sessionId, lastEventId: seen[0].id })
  const rest = await collect(resumed.events)
  assert.equal(contentOf([...seen, ...rest]), '1 2 3 4')
  assert.equal(rest.at(-1)?.type, 'end')
  assert.equal(mock.requests.length, 1)
})

test('a new turn whose caller left while it waited behind another ends nothing, and is stored INTERRUPTED', async (t) => {
  const mock = await createMockProvider()
  const inner = createMemoryStore()
  // While `gate` is set, a new turn's start waits in clearEvents until it is released.
  let gate: Promise<void> | undefined
  let atGate: () => void = () => {}
  const store: AiStore = {
    ...inner,
    async clearEvents (key) {
      if (gate !== undefined) {
        atGate()
        await gate
      }
      return inner.clearEvents(key)
    }
  }
  const ai = await createAi({ providers: { openai: { apiKey: 'k', baseUrl: mock.url } }, models: ['openai:a'] }, { store })
  t.after(async () => {
    await ai.close()
    await mock.close()
  })
  mock.enqueue('a', { deltas: ['a ', 'b '], stallAfter: 1 }, { deltas: ['second'] }, { deltas: ['third'] })
  const first = await ai.stream({ prompt: 'p1' })
  await take(first.events, 1)

  let release: () => void = () => {}
  gate = new Promise((resolve) => { release = resolve })
  const reached = new Promise<void>((resolve) => { atGate = resolve })
  const second = ai.stream({ prompt: 'p2', sessionId: first.sessionId, resume: false })
  await reached
  gate = undefined
  // The second turn is starting (the first one already ended); the third queues behind it.
  const controller = new AbortController()
  const third = ai.stream({ prompt: 'p3', sessionId: first.sessionId, resume: false, signal: controller.signal })
  const thirdOutcome = assert.rejects(third, { code: 'AI_ABORTED' })
  await mock.waitForRequests(3)
  await mock.requests[2].closed
  // Time for the third turn to read its first event and queue (it ends the same way if not).
  await new Promise((resolve) => setTimeout(resolve, 20))
  controller.abort()
  release()
  await thirdOutcome
  const secondEvents = await collect((await second).events)
  assert.equal(contentOf(secondEvents), 'second')
  assert.equal(secondEvents.at(-1)?.type, 'end', 'the second answer was not superseded by a caller who had left')
  const turns = (await ai.getSession(first.sessionId)).turns
  assert.deepEqual(turns.map((turn) => [turn.prompt, turn.result, turn.errorCode]).sort(), [
    ['p1', 'INTERRUPTED', 'AI_STREAM_SUPERSEDED'],
    ['p2', 'COMPLETE', undefined],
    ['p3', 'INTERRUPTED', 'AI_ABORTED']
  ])
})
