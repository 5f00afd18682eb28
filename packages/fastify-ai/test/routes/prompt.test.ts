import { test } from 'node:test'
import assert from 'node:assert/strict'
import { postJson, startGateway } from '../helpers/gateway.ts'

test('prompt answers JSON with text, result, sessionId, model, usage and the session header', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { text: 'Hello there', usage: { promptTokens: 3, completionTokens: 2 } })
  const response = await postJson(`${url}/api/v1/prompt`, { prompt: 'Say hello', temperature: 0.5, maxTokens: 20 })
  assert.equal(response.status, 200)
  const body = await response.json()
  assert.deepEqual(body, {
    text: 'Hello there',
    result: 'COMPLETE',
    sessionId: body.sessionId,
    model: 'openai:model-a',
    usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 }
  })
  assert.match(body.sessionId, /^[0-9a-f-]{36}$/)
  assert.equal(response.headers.get('x-session-id'), body.sessionId)
  assert.match(response.headers.get('access-control-expose-headers') ?? '', /x-session-id/)
  assert.equal(mock.requests.length, 1)
  assert.equal(mock.requests[0].body.temperature, 0.5)
})

test('a follow-up prompt on a session gets a new answer built on the history', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.enqueue('model-a', { text: 'First answer' }, { text: 'Second answer' })
  const first = await (await postJson(`${url}/api/v1/prompt`, { prompt: 'First question', context: 'Be brief' })).json()
  const second = await (await postJson(`${url}/api/v1/prompt`, { prompt: 'Second question', sessionId: first.sessionId })).json()
  assert.equal(second.text, 'Second answer')
  assert.equal(second.sessionId, first.sessionId)
  const messages = mock.requests[1].body.messages
  assert.deepEqual(messages, [
    { role: 'system', content: 'Be brief' },
    { role: 'user', content: 'First question' },
    { role: 'assistant', content: 'First answer' },
    { role: 'user', content: 'Second question' }
  ])
})

test('a model failing before the answer falls back to the next one, unnoticed by the client', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { status: 500 })
  mock.setBehaviour('model-b', { text: 'From B' })
  const response = await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })
  assert.equal(response.status, 200)
  const body = await response.json()
  assert.equal(body.text, 'From B')
  assert.equal(body.model, 'openai:model-b')
  assert.deepEqual(mock.requests.map((request) => request.model), ['model-a', 'model-b'])
})

test('the prompt route accepts stream: true and still answers JSON', async (t) => {
  const { url } = await startGateway(t)
  const response = await postJson(`${url}/api/v1/prompt`, { prompt: 'hi', stream: true })
  assert.equal(response.status, 200)
  assert.equal((await response.json()).text, 'Echo: hi')
})

test('no model available answers 503 AI_NO_MODELS_AVAILABLE with Retry-After and the attempts', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { status: 500 })
  mock.setBehaviour('model-b', { status: 503 })
  const response = await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })
  assert.equal(response.status, 503)
  const retryAfter = Number(response.headers.get('retry-after'))
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After ${retryAfter}`)
  const body = await response.json()
  assert.equal(body.code, 'AI_NO_MODELS_AVAILABLE')
  assert.equal(body.statusCode, 503)
  assert.ok(Array.isArray(body.details.attempts))
  assert.deepEqual(body.details.attempts.map((attempt: { model: string }) => attempt.model), ['openai:model-a', 'openai:model-b'])

  // Both models now cool down: the next request fails without calling the provider.
  const again = await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })
  assert.equal(again.status, 503)
  assert.ok(Number(again.headers.get('retry-after')) >= 1)
  assert.equal(mock.requests.length, 2)
})

test('a prompt on a known session that no model answered shows in the session as FAILED', async (t) => {
  const { url, mock } = await startGateway(t)
  const first = await (await postJson(`${url}/api/v1/prompt`, { prompt: 'first' })).json()
  mock.setBehaviour('model-a', { status: 400 })
  mock.setBehaviour('model-b', { status: 400 })
  const failed = await postJson(`${url}/api/v1/prompt`, { prompt: 'second', sessionId: first.sessionId })
  assert.equal(failed.status, 503)
  assert.equal((await failed.json()).code, 'AI_NO_MODELS_AVAILABLE')
  const session = await (await fetch(`${url}/api/v1/sessions/${first.sessionId}`)).json()
  assert.deepEqual(session.turns.map((turn: { prompt: string, result: string, errorCode?: string }) => [turn.prompt, turn.result, turn.errorCode]), [
    ['first', 'COMPLETE', undefined],
    ['second', 'FAILED', 'AI_NO_MODELS_AVAILABLE']
  ])
})

test('a client that leaves during a prompt aborts the upstream call', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { headersDelayMs: 5000 })
  const controller = new AbortController()
  const pending = postJson(`${url}/api/v1/prompt`, { prompt: 'slow' }, { signal: controller.signal })
  await mock.waitForRequests(1)
  controller.abort()
  await assert.rejects(pending)
  assert.equal(await mock.requests[0].closed, true)
})
