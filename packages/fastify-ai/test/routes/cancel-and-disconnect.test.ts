// Issue 22 over HTTP: `DELETE /api/v1/sessions/:id/stream` cancels the answer in progress, and a
// stream whose client disconnects goes on to its end (or not, with `onDisconnect: "abort"`).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { postJson, startGateway } from '../helpers/gateway.ts'
import { sseFrames } from '../helpers/sse.ts'
import type { SseFrame } from '../helpers/sse.ts'

const DELTAS = ['one ', 'two ', 'three ', 'four ', 'five ', 'six']

async function framesOf (response: Response): Promise<SseFrame[]> {
  const frames: SseFrame[] = []
  for await (const frame of sseFrames(response.body as ReadableStream<Uint8Array>)) {
    if (frame.comment === undefined) frames.push(frame)
  }
  return frames
}

test('DELETE /api/v1/sessions/:id/stream cancels the answer in progress: the stream ends with AI_STREAM_CANCELLED, upstream closed', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.enqueue('model-a', { deltas: DELTAS, deltaDelayMs: 100 })
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'long' })
  const sessionId = response.headers.get('x-session-id') as string
  const frames = framesOf(response)
  await sleep(150)
  const cancel = await fetch(`${url}/api/v1/sessions/${sessionId}/stream`, { method: 'DELETE' })
  assert.equal(cancel.status, 204)
  assert.equal(cancel.headers.get('x-session-id'), sessionId)
  const received = await frames
  const last = received.at(-1)
  assert.equal(last?.event, 'error')
  assert.equal(last?.data.code, 'AI_STREAM_CANCELLED')
  assert.equal(await mock.requests[0].closed, true)
  const session = await (await fetch(`${url}/api/v1/sessions/${sessionId}`)).json()
  assert.deepEqual(session.turns.map((turn: { result: string, errorCode?: string }) => [turn.result, turn.errorCode]), [['INTERRUPTED', 'AI_STREAM_CANCELLED']])
  // Nothing running any more: still 204. An unknown session: 404 in the error shape.
  assert.equal((await fetch(`${url}/api/v1/sessions/${sessionId}/stream`, { method: 'DELETE' })).status, 204)
  const unknown = await fetch(`${url}/api/v1/sessions/no-such-session/stream`, { method: 'DELETE' })
  assert.equal(unknown.status, 404)
  assert.equal((await unknown.json()).code, 'AI_SESSION_NOT_FOUND')
})

test('a stream whose client disconnects goes on to its end; a resume seconds later gets the rest', async (t) => {
  const { url, mock } = await startGateway(t, { plugin: { limits: { retry: { max: 0, interval: 0 }, detachTimeout: 50 } } })
  mock.enqueue('model-a', { deltas: DELTAS, deltaDelayMs: 100 })
  const controller = new AbortController()
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'long' }, { signal: controller.signal })
  const sessionId = response.headers.get('x-session-id') as string
  const seen: SseFrame[] = []
  for await (const frame of sseFrames(response.body as ReadableStream<Uint8Array>)) {
    if (frame.comment !== undefined) continue
    seen.push(frame)
    if (seen.length === 2) break
  }
  controller.abort()
  await sleep(1200)
  const rest = await framesOf(await postJson(`${url}/api/v1/stream`, { prompt: 'long', sessionId }, { headers: { 'last-event-id': seen[1].id as string } }))
  const text = [...seen, ...rest].filter((frame) => frame.event === 'content').map((frame) => frame.data.response).join('')
  assert.equal(text, DELTAS.join(''))
  assert.equal(rest.at(-1)?.event, 'end')
  assert.equal(mock.requests.length, 1)
})

test('onDisconnect "abort" in the body: the answer stops when its client leaves; a bad value is a 400 naming the field', async (t) => {
  const { url, mock } = await startGateway(t, { plugin: { limits: { retry: { max: 0, interval: 0 }, detachTimeout: 50 } } })
  mock.enqueue('model-a', { deltas: DELTAS, deltaDelayMs: 100 })
  const controller = new AbortController()
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'long', onDisconnect: 'abort' }, { signal: controller.signal })
  for await (const frame of sseFrames(response.body as ReadableStream<Uint8Array>)) {
    if (frame.event === 'content') break
  }
  controller.abort()
  assert.equal(await mock.requests[0].closed, true)
  const bad = await postJson(`${url}/api/v1/stream`, { prompt: 'x', onDisconnect: 'later' })
  assert.equal(bad.status, 400)
  const body = await bad.json()
  assert.equal(body.code, 'AI_BAD_REQUEST')
  assert.match(body.message, /onDisconnect/)
})
