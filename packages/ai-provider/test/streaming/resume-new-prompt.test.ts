import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setup, collect, contentOf } from '../helpers/ai.ts'

// Regression: a stale lastEventId sent with a NEW prompt on a session whose answer was complete
// replayed the old answer instead of answering the new prompt (SPEC §5: "A new prompt on a
// session whose last answer is complete is a new turn (never a replay)").
test('a new prompt with a stale lastEventId after a complete answer is a new turn, not a replay', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { deltas: ['one ', 'two'] })
  const first = await ai.stream({ prompt: 'first' })
  const events = await collect(first.events)
  const next = await ai.stream({ prompt: 'second', sessionId: first.sessionId, lastEventId: events[0].id })
  const answer = await collect(next.events)
  assert.equal(contentOf(answer), 'Echo: second')
  assert.equal(mock.requests.length, 2)
  assert.ok(Number(answer[0].id) > Number(events.at(-1)?.id), 'ids keep growing across turns')
  const turns = (await ai.getSession(first.sessionId)).turns
  assert.deepEqual(turns.map((turn) => turn.prompt), ['first', 'second'])
})

test('the same prompt with a lastEventId after a complete answer is still a replay', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { deltas: ['one ', 'two'] })
  const first = await ai.stream({ prompt: 'first' })
  const events = await collect(first.events)
  const replay = await collect((await ai.stream({ prompt: 'first', sessionId: first.sessionId, lastEventId: events[0].id })).events)
  assert.deepEqual(replay, events.slice(1))
  assert.equal(mock.requests.length, 1)
})

// Regression: once a prompt that no model answered was stored as a FAILED turn, resending it
// with the last event id of the answer before it replayed that earlier answer.
test('a prompt that failed before any answer, sent again with an older event id, is a new turn', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { deltas: ['one ', 'two'] })
  const first = await ai.stream({ prompt: 'first' })
  const events = await collect(first.events)
  mock.setBehaviour('a', { status: 400 })
  mock.setBehaviour('b', { status: 400 })
  await assert.rejects(ai.stream({ prompt: 'second', sessionId: first.sessionId }), { code: 'AI_NO_MODELS_AVAILABLE' })
  mock.setBehaviour('a', {})
  const requests = mock.requests.length
  const again = await collect((await ai.stream({ prompt: 'second', sessionId: first.sessionId, lastEventId: events[0].id })).events)
  assert.equal(contentOf(again), 'Echo: second')
  assert.equal(mock.requests.length, requests + 1)
  const turns = (await ai.getSession(first.sessionId)).turns
  assert.deepEqual(turns.map((turn) => [turn.prompt, turn.result]), [['first', 'COMPLETE'], ['second', 'FAILED'], ['second', 'COMPLETE']])
})
