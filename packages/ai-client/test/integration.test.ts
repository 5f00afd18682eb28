// The client against a real gateway: Fastify + @platformatic/fastify-ai + the mock provider.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  buildClient,
  AiClientAbortError,
  AiClientHttpError,
  AiClientStreamError,
  AiClientTimeoutError
} from '../src/index.ts'
import type { AskStreamMessage } from '../src/index.ts'
import { collect } from './helpers/scripted-server.ts'
import { startGateway } from './helpers/gateway.ts'

function textOf (messages: AskStreamMessage[]): string {
  return messages.map((message) => message.type === 'content' ? message.content : '').join('')
}

test('prompt: the JSON answer, its session header and model', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { text: 'Hello there', usage: { promptTokens: 3, completionTokens: 2 } })
  const client = buildClient({ url })
  const { content, headers } = await client.ask({ prompt: 'Hi', stream: false })
  assert.equal(content.text, 'Hello there')
  assert.equal(content.result, 'COMPLETE')
  assert.equal(content.model, 'openai:model-a')
  assert.deepEqual(content.usage, { promptTokens: 3, completionTokens: 2, totalTokens: 5 })
  assert.match(content.sessionId, /^[0-9a-f-]{36}$/)
  assert.equal(headers.get('x-session-id'), content.sessionId)
})

test('stream: content messages then done, and a multi-turn session read back and deleted', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas: ['Hel', 'lo ', 'world'], finishReason: 'length', usage: { promptTokens: 4, completionTokens: 3 } })
  const client = buildClient({ url })
  const first = await client.ask({ prompt: 'Greet', context: 'Be short' })
  const sessionId = first.headers.get('x-session-id')
  assert.ok(sessionId)
  const messages = await collect(first.stream)
  assert.deepEqual(messages, [
    { type: 'content', content: 'Hel' },
    { type: 'content', content: 'lo ' },
    { type: 'content', content: 'world' },
    {
      type: 'done',
      response: { result: 'INCOMPLETE_MAX_TOKENS', sessionId, model: 'openai:model-a', usage: { promptTokens: 4, completionTokens: 3, totalTokens: 7 } }
    }
  ])

  mock.setBehaviour('model-a', { text: 'Second answer' })
  const second = await client.ask({ prompt: 'Again', sessionId, stream: false })
  assert.equal(second.content.sessionId, sessionId)
  // The follow-up carried the first turn and the context to the provider.
  const sent = mock.requests.at(-1)?.body.messages
  assert.deepEqual(sent.map((message: { role: string }) => message.role), ['system', 'user', 'assistant', 'user'])

  const session = await client.getSession(sessionId)
  assert.equal(session.sessionId, sessionId)
  assert.deepEqual(session.turns.map((turn) => [turn.prompt, turn.response, turn.result]), [
    ['Greet', 'Hello world', 'INCOMPLETE_MAX_TOKENS'],
    ['Again', 'Second answer', 'COMPLETE']
  ])

  await client.deleteSession(sessionId)
  await assert.rejects(client.getSession(sessionId), (error: unknown) =>
    error instanceof AiClientHttpError && error.statusCode === 404 && error.code === 'AI_SESSION_NOT_FOUND')
})

test('models lists the configured models and their state', async (t) => {
  const { url } = await startGateway(t)
  const models = await buildClient({ url }).models()
  assert.deepEqual(models.map((model) => [model.name, model.state]), [['openai:model-a', 'ready'], ['openai:model-b', 'ready']])
})

test('errors carry the server status, code and details: 400, 404, 503', async (t) => {
  const { url, mock } = await startGateway(t)
  const client = buildClient({ url })
  await assert.rejects(client.ask({ prompt: 'Hi', temperature: 5 }), (error: unknown) =>
    error instanceof AiClientHttpError && error.statusCode === 400 && error.code === 'AI_BAD_REQUEST' && /temperature/.test(error.message))
  await assert.rejects(client.ask({ prompt: 'Hi', sessionId: '00000000-0000-4000-8000-000000000000', stream: false }), (error: unknown) =>
    error instanceof AiClientHttpError && error.statusCode === 404 && error.code === 'AI_SESSION_NOT_FOUND')

  mock.setBehaviour('model-a', { status: 500 })
  mock.setBehaviour('model-b', { status: 429, retryAfter: '30' })
  const error = await client.ask({ prompt: 'Hi' }).then(() => undefined, (error: unknown) => error)
  assert.ok(error instanceof AiClientHttpError)
  assert.equal(error.statusCode, 503)
  assert.equal(error.code, 'AI_NO_MODELS_AVAILABLE')
  assert.equal(typeof error.retryAfter, 'number')
  assert.ok(Array.isArray(error.details?.attempts))
})

test('a failure after the stream started is an error message with the server code', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas: ['one ', 'two ', 'three'], inBandErrorAfter: 2 })
  const { stream } = await buildClient({ url }).ask({ prompt: 'Hi' })
  const messages = await collect(stream)
  assert.equal(textOf(messages), 'one two ')
  const last = messages.at(-1)
  assert.ok(last?.type === 'error')
  assert.ok(last.error instanceof AiClientStreamError)
  assert.match(last.error.code, /^AI_PROVIDER_/)
})

test('signal cancels the stream; the gateway sees the client leave and drops the stalled upstream call', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas: ['a ', 'b ', 'c ', 'd'], stallAfter: 1 })
  const controller = new AbortController()
  const { stream } = await buildClient({ url }).ask({ prompt: 'Hi', signal: controller.signal })
  const seen: AskStreamMessage[] = []
  await assert.rejects(async () => {
    for await (const message of stream) {
      seen.push(message)
      controller.abort()
    }
  }, AiClientAbortError)
  assert.deepEqual(seen, [{ type: 'content', content: 'a ' }])
  assert.equal(await mock.requests[0].closed, true, 'the upstream call was abandoned')
})

test('a slow stream outlasting timeout is not cut while events keep coming', async (t) => {
  // Gemini: its last delta frame also carries the finish reason and usage, so every gap between
  // events is one deltaDelayMs (OpenAI adds finish, usage and [DONE] frames after the deltas).
  const { url, mock } = await startGateway(t, (mockUrl) => ({
    providers: { gemini: { apiKey: 'test-key', baseUrl: mockUrl } },
    models: ['gemini:gemini-2.5-flash']
  }))
  // 6 deltas 130 ms apart: ~780 ms in all, each gap over half the 200 ms timeout but under it.
  mock.setBehaviour('gemini-2.5-flash', { deltas: ['1 ', '2 ', '3 ', '4 ', '5 ', '6'], deltaDelayMs: 130 })
  const started = Date.now()
  const { stream } = await buildClient({ url, timeout: 200 }).ask({ prompt: 'Hi' })
  const messages = await collect(stream)
  assert.ok(Date.now() - started > 400)
  assert.equal(textOf(messages), '1 2 3 4 5 6')
  assert.equal(messages.at(-1)?.type, 'done')
})

test('a stalled stream is cut with AiClientTimeoutError', async (t) => {
  // The answer goes on after its client left (onDisconnect "continue"): the gateway's own
  // requestTimeout ends the stalled upstream call.
  const { url, mock } = await startGateway(t, { limits: { retry: { max: 0, interval: 0 }, requestTimeout: 400 } })
  mock.setBehaviour('model-a', { deltas: ['a ', 'b ', 'c'], stallAfter: 1 })
  const { stream } = await buildClient({ url, timeout: 150 }).ask({ prompt: 'Hi' })
  const seen: AskStreamMessage[] = []
  await assert.rejects(async () => {
    for await (const message of stream) seen.push(message)
  }, (error: unknown) => error instanceof AiClientTimeoutError && error.code === 'AI_CLIENT_TIMEOUT')
  assert.deepEqual(seen, [{ type: 'content', content: 'a ' }])
  assert.equal(await mock.requests[0].closed, true, 'the gateway gave up the stalled upstream call')
})

test('heartbeats count as data: a stalled upstream does not trip the client timeout', async (t) => {
  const { url, mock } = await startGateway(t, { heartbeatInterval: 40, limits: { retry: { max: 0, interval: 0 }, requestTimeout: 400 } })
  mock.setBehaviour('model-a', { deltas: ['a ', 'b'], stallAfter: 1 })
  const { stream } = await buildClient({ url, timeout: 150 }).ask({ prompt: 'Hi' })
  const messages = await collect(stream)
  assert.deepEqual(messages[0], { type: 'content', content: 'a ' })
  // The gateway's own provider timeout ended it, not the client's.
  const last = messages.at(-1)
  assert.ok(last?.type === 'error')
  assert.equal(last.error.code, 'AI_PROVIDER_TIMEOUT')
})

test('stream: aborting the signal cancels the answer on the server (DELETE sessions/:id/stream), the turn INTERRUPTED', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas: ['one ', 'two ', 'three ', 'four ', 'five'], deltaDelayMs: 100 })
  const client = buildClient({ url })
  const controller = new AbortController()
  const { stream, headers } = await client.ask({ prompt: 'long', signal: controller.signal })
  const sessionId = headers.get('x-session-id') as string
  const failure = (async () => {
    for await (const message of stream) {
      if (message.type === 'content') controller.abort()
    }
  })()
  await assert.rejects(failure, AiClientAbortError)
  assert.equal(await mock.requests[0].closed, true, 'the server stopped generating')
  const deadline = Date.now() + 2000
  let session = await client.getSession(sessionId)
  while (session.turns.length === 0 && Date.now() < deadline) session = await client.getSession(sessionId)
  assert.deepEqual(session.turns.map((turn) => [turn.result, turn.errorCode]), [['INTERRUPTED', 'AI_STREAM_CANCELLED']])
})

test('usage: the report with the admin token, its filters, and 401 without it', async (t) => {
  const adminToken = 'client-test-admin-token'
  const { url, mock } = await startGateway(t, {
    models: [{ provider: 'openai', model: 'model-a', price: { input: 1, output: 2 } }, 'openai:model-b'],
    adminToken
  })
  mock.setBehaviour('model-a', { usage: { promptTokens: 10, completionTokens: 5 } })
  const client = buildClient({ url })
  const { content } = await client.ask({ prompt: 'Hi', stream: false })
  assert.deepEqual(content.usage, { promptTokens: 10, completionTokens: 5, totalTokens: 15, cost: 0.00002 })
  await client.ask({ prompt: 'Hi', stream: false, models: ['openai:model-b'] })

  const admin = buildClient({ url, headers: { authorization: `Bearer ${adminToken}` } })
  const today = new Date().toISOString().slice(0, 10)
  const report = await admin.usage()
  assert.deepEqual([report.from, report.to], [today, today])
  assert.deepEqual(report.rows.map((row) => [row.caller, row.model, row.requests, row.cost]), [
    ['ip:127.0.0.1', 'openai:model-a', 1, 0.00002],
    ['ip:127.0.0.1', 'openai:model-b', 1, undefined]
  ])
  assert.equal(report.totals.totalTokens, 15 + report.rows[1].totalTokens)
  const filtered = await admin.usage({ from: today, to: today, caller: 'ip:127.0.0.1', model: 'openai:model-b' })
  assert.deepEqual(filtered.rows.map((row) => row.model), ['openai:model-b'])

  const refused = await client.usage().catch((error) => error)
  assert.ok(refused instanceof AiClientHttpError)
  assert.equal(refused.statusCode, 401)
  assert.equal(refused.code, 'AI_UNAUTHORIZED')
})
