// The session header continues a session on every route that takes one (issue 18): it was read on
// /v1/chat/completions only, and ignored on /api/v1/prompt and /api/v1/stream, so a follow-up sent
// with `x-session-id` silently started a new session.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { postJson, startGateway } from '../helpers/gateway.ts'
import { collectFrames, eventsOf } from '../helpers/sse.ts'

async function turnsOf (url: string, sessionId: string): Promise<string[]> {
  const response = await fetch(`${url}/api/v1/sessions/${sessionId}`)
  assert.equal(response.status, 200)
  return (await response.json()).turns.map((turn: { prompt: string }) => turn.prompt)
}

test('x-session-id continues the session on /api/v1/prompt, /api/v1/stream and /v1/chat/completions', async (t) => {
  const { url, mock } = await startGateway(t, { plugin: { routes: true } })
  const first = await postJson(`${url}/api/v1/prompt`, { prompt: 'My name is Ada.' })
  const sessionId = first.headers.get('x-session-id') as string
  assert.equal((await first.json()).sessionId, sessionId)

  const prompt = await postJson(`${url}/api/v1/prompt`, { prompt: 'What is my name?' }, { headers: { 'x-session-id': sessionId } })
  assert.equal(prompt.status, 200)
  assert.equal((await prompt.json()).sessionId, sessionId)
  // The history reached the model.
  assert.deepEqual(mock.requests[1].body.messages.map((message: { content: string }) => message.content), ['My name is Ada.', 'Echo: My name is Ada.', 'What is my name?'])

  const stream = await postJson(`${url}/api/v1/stream`, { prompt: 'And again?' }, { headers: { 'x-session-id': sessionId } })
  assert.equal(stream.headers.get('x-session-id'), sessionId)
  assert.equal(eventsOf(await collectFrames(stream)).at(-1)?.event, 'end')

  const chat = await postJson(`${url}/v1/chat/completions`, { model: 'default', messages: [{ role: 'user', content: 'Once more?' }] }, { headers: { 'x-session-id': sessionId } })
  assert.equal(chat.status, 200)
  assert.equal(chat.headers.get('x-session-id'), sessionId)

  assert.deepEqual(await turnsOf(url, sessionId), ['My name is Ada.', 'What is my name?', 'And again?', 'Once more?'])
})

test('the header follows headerSessionIdName, and an unknown session in it is a 404', async (t) => {
  const { url } = await startGateway(t, { plugin: { headerSessionIdName: 'x-conversation' } })
  const first = await postJson(`${url}/api/v1/prompt`, { prompt: 'one' })
  const sessionId = first.headers.get('x-conversation') as string
  const second = await postJson(`${url}/api/v1/prompt`, { prompt: 'two' }, { headers: { 'x-conversation': sessionId } })
  assert.equal((await second.json()).sessionId, sessionId)
  assert.deepEqual(await turnsOf(url, sessionId), ['one', 'two'])

  for (const route of ['/api/v1/prompt', '/api/v1/stream']) {
    const unknown = await postJson(`${url}${route}`, { prompt: 'hi' }, { headers: { 'x-conversation': 'no-such-session' } })
    assert.equal(unknown.status, 404, route)
    assert.equal((await unknown.json()).code, 'AI_SESSION_NOT_FOUND')
  }
})

test('the header and the body naming different sessions is a 400; the same one, or an empty header, is fine', async (t) => {
  const { url } = await startGateway(t)
  const first = await postJson(`${url}/api/v1/prompt`, { prompt: 'one' })
  const sessionId = first.headers.get('x-session-id') as string

  const conflict = await postJson(`${url}/api/v1/prompt`, { prompt: 'two', sessionId }, { headers: { 'x-session-id': 'another-session' } })
  assert.equal(conflict.status, 400)
  const body = await conflict.json()
  assert.equal(body.code, 'AI_BAD_REQUEST')
  assert.equal(body.details.field, 'sessionId')

  const same = await postJson(`${url}/api/v1/prompt`, { prompt: 'two', sessionId }, { headers: { 'x-session-id': sessionId } })
  assert.equal(same.status, 200)
  const empty = await postJson(`${url}/api/v1/prompt`, { prompt: 'fresh' }, { headers: { 'x-session-id': '' } })
  assert.notEqual((await empty.json()).sessionId, sessionId)

  const long = await postJson(`${url}/api/v1/stream`, { prompt: 'hi' }, { headers: { 'x-session-id': 'x'.repeat(129) } })
  assert.equal(long.status, 400)
  assert.equal((await long.json()).details.field, 'x-session-id')
})
