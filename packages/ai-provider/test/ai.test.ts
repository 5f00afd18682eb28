import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Pool } from 'undici'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { createAi } from '../src/ai.ts'
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

test('a provider given a dispatcher is reached through it, and close() leaves it open', async (t) => {
  const mock = await createMockProvider()
  mock.setBehaviour('a', { deltas: ['Through ', 'the pool'] })
  // The base URL names no reachable host: only the dispatcher knows where the provider is.
  const pool = new Pool(mock.url)
  t.after(async () => { await pool.close(); await mock.close() })
  const ai = await createAi({
    providers: { openai: { apiKey: 'sk-test', baseUrl: 'http://provider.invalid' } },
    models: ['openai:a']
  }, { dispatchers: { openai: pool } })

  const answer = await ai.request({ prompt: 'Hi' })
  assert.equal(answer.text, 'Through the pool')
  const streamed = await ai.stream({ prompt: 'Again' })
  assert.equal(contentOf(await collect(streamed.events)), 'Through the pool')
  assert.equal(mock.requests.length, 2)
  assert.equal(mock.requests[0].path, '/v1/chat/completions')

  await ai.close()
  assert.equal(pool.closed, false)
  const after = await pool.request({
    path: '/v1/chat/completions',
    method: 'POST',
    headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'a', messages: [{ role: 'user', content: 'Still there?' }] })
  })
  await after.body.dump()
  assert.equal(after.statusCode, 200)
  assert.equal(mock.requests.length, 3)
})
