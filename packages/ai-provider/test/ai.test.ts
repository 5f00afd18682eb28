import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setup, collect, contentOf } from './helpers/ai.ts'

test('request answers through the first model and stores the turn', async (t) => {
  const { ai, mock } = await setup(t)
  mock.setBehaviour('a', { text: 'Hello there' })
  const answer = await ai.request({ prompt: 'Hi' })
  assert.equal(answer.text, 'Hello there')
  assert.equal(answer.result, 'COMPLETE')
  assert.equal(answer.model, 'openai:a')
  assert.match(answer.sessionId, /^[0-9a-f-]{36}$/)
  const session = await ai.getSession(answer.sessionId)
  assert.equal(session.turns.length, 1)
  assert.equal(session.turns[0].response, 'Hello there')
  assert.equal(session.turns[0].model, 'openai:a')
})

test('stream delivers content then end, with ids from the event log', async (t) => {
  const { ai, mock } = await setup(t)
  mock.setBehaviour('a', { deltas: ['Hel', 'lo'] })
  const response = await ai.stream({ prompt: 'Hi' })
  assert.equal(response.model, 'openai:a')
  const events = await collect(response.events)
  assert.equal(contentOf(events), 'Hello')
  assert.deepEqual(events.map((event) => event.id), ['1', '2', '3'])
  const end = events.at(-1)
  assert.equal(end?.type, 'end')
  if (end?.type === 'end') {
    assert.equal(end.result, 'COMPLETE')
    assert.equal(end.sessionId, response.sessionId)
    assert.equal(end.model, 'openai:a')
  }
  const session = await ai.getSession(response.sessionId)
  assert.equal(session.turns[0].response, 'Hello')
})
