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

test('every provider type answers through createAi, keyed by provider and model', async (t) => {
  const { ai, mock } = await setup(t, (mock) => ({
    providers: {
      gemini: { apiKey: 'g', baseUrl: mock.url },
      deepseek: { apiKey: 'd', baseUrl: mock.url },
      local: { type: 'openai-compatible', baseUrl: mock.url + '/v1', apiKey: 'l' }
    },
    models: ['gemini:flash', 'deepseek:chat', 'local:llama3:8b']
  }))
  const gemini = await ai.request({ prompt: 'one' })
  assert.deepEqual([gemini.model, gemini.text], ['gemini:flash', 'Echo: one'])
  const deepseek = await ai.stream({ prompt: 'two', models: ['deepseek:chat'] })
  assert.equal(contentOf(await collect(deepseek.events)), 'Echo: two')
  const local = await ai.request({ prompt: 'three', models: ['local:llama3:8b'] })
  assert.equal(local.model, 'local:llama3:8b')
  assert.deepEqual(mock.requests.map((request) => [request.provider, request.model]), [['gemini', 'flash'], ['deepseek', 'chat'], ['openai', 'llama3:8b']])
})

test('an empty prompt is a 400 and calls nobody', async (t) => {
  const { ai, mock } = await setup(t)
  await assert.rejects(ai.request({ prompt: '' }), { code: 'AI_BAD_REQUEST', statusCode: 400 })
  assert.equal(mock.requests.length, 0)
})
