import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setup, collect } from '../helpers/ai.ts'

// Regression: resuming a complete answer with the id of its `end` event (a client that lost the
// connection right after it) started a second turn with the same prompt: the answer was
// generated and sent twice (SPEC §5: no content is lost or duplicated across a resume).
test('resuming with the id of the end event replays only the end, without calling the provider', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { deltas: ['one ', 'two'] })
  const first = await ai.stream({ prompt: 'x' })
  const events = await collect(first.events)
  const end = events.at(-1)
  assert.equal(end?.type, 'end')
  const again = await collect((await ai.stream({ prompt: 'x', sessionId: first.sessionId, lastEventId: end?.id })).events)
  assert.deepEqual(again, [end])
  assert.equal(mock.requests.length, 1)
  assert.equal((await ai.getSession(first.sessionId)).turns.length, 1)
})
