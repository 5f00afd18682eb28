import { test } from 'node:test'
import assert from 'node:assert/strict'
import { postJson, startGateway } from '../helpers/gateway.ts'
import { collectFrames, eventsOf, sseFrames, textOf } from '../helpers/sse.ts'

test('stream answers SSE: headers, content frames, then one end with sessionId, model and usage', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas: ['Hel', 'lo ', 'world'], usage: { promptTokens: 4, completionTokens: 3 } })
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'Greet' })
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('content-type'), 'text/event-stream')
  assert.equal(response.headers.get('cache-control'), 'no-cache')
  assert.equal(response.headers.get('x-accel-buffering'), 'no')
  assert.equal(response.headers.get('connection'), 'keep-alive')
  const sessionId = response.headers.get('x-session-id')
  assert.ok(sessionId)
  assert.match(response.headers.get('access-control-expose-headers') ?? '', /x-session-id/)

  const events = eventsOf(await collectFrames(response))
  const last = events.at(-1)
  assert.deepEqual(last?.data, {
    response: 'COMPLETE',
    sessionId,
    model: 'openai:model-a',
    usage: { promptTokens: 4, completionTokens: 3, totalTokens: 7 }
  })
  assert.equal(last?.event, 'end')
  assert.equal(events.filter((event) => event.event === 'end').length, 1)
  assert.equal(textOf(events), 'Hello world')
  for (const event of events) {
    assert.match(event.raw, /^id: \d+\nevent: (content|end)\ndata: \{.*\}$/, 'id, event, data in that order')
  }
  const ids = events.map((event) => Number(event.id))
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b))
  assert.equal(new Set(ids).size, ids.length, 'ids are unique')
})

test('a model failing before the first byte falls back, the client sees one clean stream', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { status: 500 })
  mock.setBehaviour('model-b', { deltas: ['from ', 'B'] })
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })
  assert.equal(response.status, 200)
  const events = eventsOf(await collectFrames(response))
  assert.deepEqual(events.map((event) => event.event), ['content', 'content', 'end'])
  assert.equal(textOf(events), 'from B')
  assert.equal(events.at(-1)?.data.model, 'openai:model-b')
})

test('a provider failing mid-stream ends the stream with an error event, last', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas: ['one ', 'two ', 'three'], cutAfter: 2 })
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })
  assert.equal(response.status, 200)
  const events = eventsOf(await collectFrames(response))
  assert.equal(textOf(events), 'one two ')
  const last = events.at(-1)
  assert.equal(last?.event, 'error')
  assert.match(last?.data.code, /^AI_PROVIDER_/)
  assert.equal(typeof last?.data.message, 'string')
  assert.equal(events.filter((event) => event.event === 'end').length, 0)
})

test('errors before the stream starts are JSON answers, not SSE', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { status: 500 })
  mock.setBehaviour('model-b', { status: 500 })
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })
  assert.equal(response.status, 503)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
  assert.ok(Number(response.headers.get('retry-after')) >= 1)
  assert.equal((await response.json()).code, 'AI_NO_MODELS_AVAILABLE')
})

test('an idle stream sends a ": ping" comment every heartbeatInterval', async (t) => {
  const { url, mock } = await startGateway(t, { plugin: { heartbeatInterval: 20 } })
  mock.setBehaviour('model-a', { deltas: ['slow ', 'answer'], deltaDelayMs: 100 })
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })
  const frames = await collectFrames(response)
  const pings = frames.filter((frame) => frame.comment === 'ping')
  assert.ok(pings.length >= 2, `pings: ${pings.length}`)
  assert.ok(frames.every((frame) => frame.comment === undefined || frame.raw === ': ping'))
  assert.equal(textOf(frames), 'slow answer')
  assert.equal(frames.at(-1)?.event, 'end', 'nothing after end: the heartbeat stopped')
})

test('with onDisconnect "abort", a client that disconnects aborts the upstream call', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas: ['a ', 'b ', 'c'], stallAfter: 1 })
  const controller = new AbortController()
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'hi', onDisconnect: 'abort' }, { signal: controller.signal })
  assert.ok(response.body)
  for await (const frame of sseFrames(response.body)) {
    if (frame.event === 'content') break
  }
  controller.abort()
  assert.equal(await mock.requests[0].closed, true)
})

test('closing the app ends live streams with an AI_SHUTTING_DOWN error event', async (t) => {
  const { app, url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas: ['a ', 'b'], stallAfter: 1 })
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })
  assert.ok(response.body)
  const frames = []
  for await (const frame of sseFrames(response.body)) {
    frames.push(frame)
    if (frame.event === 'content') app.close().catch(() => {})
  }
  assert.deepEqual(frames.at(-1)?.data, { code: 'AI_SHUTTING_DOWN', message: 'The server is shutting down' })
  assert.equal(await mock.requests[0].closed, true)
})
