import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startGateway } from '../helpers/gateway.ts'

interface Case {
  name: string
  body: unknown
  field: string
}

const cases: Case[] = [
  { name: 'unknown field', body: { prompt: 'hi', foo: 1 }, field: 'foo' },
  { name: 'missing prompt', body: { context: 'x' }, field: 'prompt' },
  { name: 'prompt is a number (not coerced to a string)', body: { prompt: 123 }, field: 'prompt' },
  { name: 'prompt is empty', body: { prompt: '' }, field: 'prompt' },
  { name: 'prompt is blank', body: { prompt: '   ' }, field: 'prompt' },
  { name: 'temperature above 2', body: { prompt: 'hi', temperature: 2.5 }, field: 'temperature' },
  { name: 'temperature below 0', body: { prompt: 'hi', temperature: -0.1 }, field: 'temperature' },
  { name: 'temperature as a string', body: { prompt: 'hi', temperature: '1' }, field: 'temperature' },
  { name: 'maxTokens zero', body: { prompt: 'hi', maxTokens: 0 }, field: 'maxTokens' },
  { name: 'maxTokens not an integer', body: { prompt: 'hi', maxTokens: 1.5 }, field: 'maxTokens' },
  { name: 'models item of the wrong type', body: { prompt: 'hi', models: [3] }, field: 'models[0]' },
  { name: 'models object without model', body: { prompt: 'hi', models: [{ provider: 'openai' }] }, field: 'models[0]' },
  { name: 'models empty', body: { prompt: 'hi', models: [] }, field: 'models' },
  { name: 'history turn with an extra field', body: { prompt: 'hi', history: [{ prompt: 'a', response: 'b', x: 1 }] }, field: 'history[0].x' },
  { name: 'resume not a boolean', body: { prompt: 'hi', resume: 'yes' }, field: 'resume' },
  { name: 'lastEventId not an event id', body: { prompt: 'hi', lastEventId: 'abc' }, field: 'lastEventId' },
  { name: 'body is an array', body: [{ prompt: 'hi' }], field: 'body' }
]

test('bad bodies answer 400 AI_BAD_REQUEST naming the field, on both routes', async (t) => {
  const { app, mock } = await startGateway(t)
  for (const url of ['/api/v1/prompt', '/api/v1/stream']) {
    for (const { name, body, field } of cases) {
      const response = await app.inject({ method: 'POST', url, payload: body as object })
      assert.equal(response.statusCode, 400, `${url} ${name}`)
      const answer = response.json()
      assert.equal(answer.code, 'AI_BAD_REQUEST', `${url} ${name}`)
      assert.equal(answer.statusCode, 400)
      assert.equal(answer.details.field, field, `${url} ${name}: ${answer.message}`)
      assert.ok(answer.message.includes(field), `${url} ${name}: message names the field: ${answer.message}`)
      assert.equal(response.headers['content-type'], 'application/json; charset=utf-8')
    }
  }
  assert.equal(mock.requests.length, 0, 'no bad request reached a provider')
})

test('broken JSON, an empty body and a wrong content type answer 400 AI_BAD_REQUEST', async (t) => {
  const { app } = await startGateway(t)
  const broken = await app.inject({ method: 'POST', url: '/api/v1/prompt', headers: { 'content-type': 'application/json' }, payload: '{"prompt": "hi"' })
  assert.equal(broken.statusCode, 400)
  assert.equal(broken.json().code, 'AI_BAD_REQUEST')

  const empty = await app.inject({ method: 'POST', url: '/api/v1/stream', headers: { 'content-type': 'application/json' }, payload: '' })
  assert.equal(empty.statusCode, 400)
  assert.equal(empty.json().code, 'AI_BAD_REQUEST')

  const text = await app.inject({ method: 'POST', url: '/api/v1/prompt', headers: { 'content-type': 'text/plain' }, payload: 'hi' })
  assert.equal(text.statusCode, 400)
  assert.equal(text.json().code, 'AI_BAD_REQUEST')
})

test('a body over bodyLimit answers 413 AI_BODY_TOO_LARGE', async (t) => {
  const { app } = await startGateway(t, { bodyLimit: 1024 })
  const response = await app.inject({ method: 'POST', url: '/api/v1/prompt', payload: { prompt: 'x'.repeat(2000) } })
  assert.equal(response.statusCode, 413)
  assert.deepEqual(response.json(), { code: 'AI_BODY_TOO_LARGE', message: 'Request body is larger than 1024 bytes', statusCode: 413 })
})

test('a prompt longer than maxPromptLength answers 413 AI_REQUEST_TOO_LARGE naming prompt', async (t) => {
  const { app } = await startGateway(t, { plugin: { maxPromptLength: 10 } })
  const response = await app.inject({ method: 'POST', url: '/api/v1/prompt', payload: { prompt: 'x'.repeat(11) } })
  assert.equal(response.statusCode, 413)
  assert.deepEqual(response.json().details, { field: 'prompt', limit: 'maxPromptLength', max: 10, actual: 11 })
  const ok = await app.inject({ method: 'POST', url: '/api/v1/prompt', payload: { prompt: 'x'.repeat(10) } })
  assert.equal(ok.statusCode, 200)
})

test('a bad Last-Event-ID header answers 400 naming it', async (t) => {
  const { app } = await startGateway(t)
  const response = await app.inject({ method: 'POST', url: '/api/v1/stream', headers: { 'last-event-id': 'nope' }, payload: { prompt: 'hi' } })
  assert.equal(response.statusCode, 400)
  assert.equal(response.json().details.field, 'last-event-id')
})

test('caller mistakes the core finds answer 400 too', async (t) => {
  const { app } = await startGateway(t)
  const unknownModel = await app.inject({ method: 'POST', url: '/api/v1/prompt', payload: { prompt: 'hi', models: ['openai:not-configured'] } })
  assert.equal(unknownModel.statusCode, 400)
  assert.equal(unknownModel.json().code, 'AI_MODEL_NOT_CONFIGURED')

  const conflict = await app.inject({ method: 'POST', url: '/api/v1/prompt', payload: { prompt: 'hi', sessionId: 'abc', history: [{ prompt: 'a', response: 'b' }] } })
  assert.equal(conflict.statusCode, 400)
  assert.equal(conflict.json().code, 'AI_SESSION_HISTORY_CONFLICT')
})

test('an unknown session answers 404 AI_SESSION_NOT_FOUND on prompt, stream and sessions', async (t) => {
  const { app } = await startGateway(t)
  for (const url of ['/api/v1/prompt', '/api/v1/stream']) {
    const response = await app.inject({ method: 'POST', url, payload: { prompt: 'hi', sessionId: 'no-such-session' } })
    assert.equal(response.statusCode, 404, url)
    assert.equal(response.json().code, 'AI_SESSION_NOT_FOUND')
  }
  for (const method of ['GET', 'DELETE'] as const) {
    const response = await app.inject({ method, url: '/api/v1/sessions/no-such-session' })
    assert.equal(response.statusCode, 404, method)
    assert.equal(response.json().code, 'AI_SESSION_NOT_FOUND')
  }
})
