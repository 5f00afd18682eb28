import { test } from 'node:test'
import assert from 'node:assert/strict'
import { postJson, startGateway } from '../helpers/gateway.ts'
import type { SseFrame } from '../helpers/sse.ts'
import { collectFrames, eventsOf, sseFrames, textOf } from '../helpers/sse.ts'

const DELTAS = ['one ', 'two ', 'three ', 'four ', 'five ', 'six']
const FULL = DELTAS.join('')

/** Start a stream and cut the connection after `k` content events. */
async function cutAfter (url: string, body: object, k: number): Promise<{ sessionId: string, frames: SseFrame[] }> {
  const controller = new AbortController()
  const response = await postJson(`${url}/api/v1/stream`, body, { signal: controller.signal })
  assert.equal(response.status, 200)
  const sessionId = response.headers.get('x-session-id') ?? ''
  const frames: SseFrame[] = []
  assert.ok(response.body)
  for await (const frame of sseFrames(response.body)) {
    if (frame.event !== undefined) frames.push(frame)
    if (frames.filter((item) => item.event === 'content').length === k) break
  }
  controller.abort()
  return { sessionId, frames }
}

function assertNoDuplicates (frames: SseFrame[]): void {
  const ids = frames.map((frame) => frame.id)
  assert.equal(new Set(ids).size, ids.length, `duplicate ids in ${ids.join(',')}`)
}

for (const k of [1, 3, 5]) {
  test(`cut after ${k} events while generating, resume with Last-Event-ID: the full answer, once`, async (t) => {
    const { url, mock } = await startGateway(t)
    mock.setBehaviour('model-a', { deltas: DELTAS, deltaDelayMs: 30 })
    const first = await cutAfter(url, { prompt: 'count' }, k)
    const lastId = first.frames.at(-1)?.id ?? ''
    const response = await postJson(`${url}/api/v1/stream`, { prompt: 'count', sessionId: first.sessionId }, { headers: { 'last-event-id': lastId } })
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('x-session-id'), first.sessionId)
    const rest = eventsOf(await collectFrames(response))
    const all = [...first.frames, ...rest]
    assert.equal(textOf(all), FULL)
    assertNoDuplicates(all)
    assert.equal(rest.at(-1)?.event, 'end')
    assert.ok(rest.every((frame) => Number(frame.id) > Number(lastId)))
    assert.equal(mock.requests.length, 1, 'the answer was generated once')
  })
}

test('resume with lastEventId in the body after the answer completed replays the rest', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas: DELTAS })
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'count' })
  const sessionId = response.headers.get('x-session-id') ?? ''
  const events = eventsOf(await collectFrames(response))
  const seen = events.slice(0, 2)
  const replay = await postJson(`${url}/api/v1/stream`, { prompt: 'count', sessionId, lastEventId: seen[1].id })
  const rest = eventsOf(await collectFrames(replay))
  assert.equal(textOf([...seen, ...rest]), FULL)
  assert.deepEqual(rest.map((frame) => frame.id), events.slice(2).map((frame) => frame.id))
  assert.equal(rest.at(-1)?.event, 'end')
  assert.equal(mock.requests.length, 1)
})

test('sessionId without an event id attaches to an answer still being generated, from its start', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas: DELTAS, deltaDelayMs: 30 })
  const first = await postJson(`${url}/api/v1/stream`, { prompt: 'count' })
  const sessionId = first.headers.get('x-session-id') ?? ''
  const firstFrames = collectFrames(first)
  await mock.waitForRequests(1)
  const second = await postJson(`${url}/api/v1/stream`, { prompt: 'count', sessionId })
  assert.equal(second.status, 200)
  const [a, b] = await Promise.all([firstFrames, collectFrames(second)])
  assert.equal(textOf(a), FULL)
  assert.equal(textOf(b), FULL)
  assert.deepEqual(eventsOf(a).map((frame) => frame.id), eventsOf(b).map((frame) => frame.id))
  assert.equal(mock.requests.length, 1)
})

test('a new prompt on a completed session is a new turn, never a replay', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.enqueue('model-a', { text: 'First answer' }, { text: 'Second answer' })
  const first = await postJson(`${url}/api/v1/stream`, { prompt: 'First question' })
  const sessionId = first.headers.get('x-session-id') ?? ''
  const firstEvents = eventsOf(await collectFrames(first))
  assert.equal(textOf(firstEvents), 'First answer')
  const second = await postJson(`${url}/api/v1/stream`, { prompt: 'Second question', sessionId })
  const secondEvents = eventsOf(await collectFrames(second))
  assert.equal(textOf(secondEvents), 'Second answer')
  assert.ok(Number(secondEvents[0].id) > Number(firstEvents.at(-1)?.id), 'ids keep growing in a session')
  assert.equal(mock.requests.length, 2)
  assert.deepEqual(mock.requests[1].body.messages.slice(-3), [
    { role: 'user', content: 'First question' },
    { role: 'assistant', content: 'First answer' },
    { role: 'user', content: 'Second question' }
  ])
})

test('a new turn with resume: false while the session is still generating ends that stream with an error event first', async (t) => {
  const { url, mock } = await startGateway(t)
  // The first answer stalls after one delta: it is still being generated when the second starts.
  mock.enqueue('model-a', { deltas: DELTAS, stallAfter: 1 }, { deltas: ['new ', 'answer'] })
  const first = await postJson(`${url}/api/v1/stream`, { prompt: 'count' })
  const sessionId = first.headers.get('x-session-id') ?? ''
  assert.ok(first.body)
  const firstFrames: SseFrame[] = []
  const reading = (async () => {
    for await (const frame of sseFrames(first.body as ReadableStream<Uint8Array>)) if (frame.event !== undefined) firstFrames.push(frame)
  })()
  for (let waited = 0; firstFrames.length === 0; waited += 5) {
    assert.ok(waited < 5000, 'the first stream sent nothing')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const fresh = await postJson(`${url}/api/v1/stream`, { prompt: 'other', sessionId, resume: false })
  const freshEvents = eventsOf(await collectFrames(fresh))
  assert.equal(textOf(freshEvents), 'new answer')
  await reading
  const firstEnd = firstFrames.at(-1)
  assert.equal(firstEnd?.event, 'error')
  assert.equal((firstEnd?.data as { code?: string } | undefined)?.code, 'AI_STREAM_SUPERSEDED')
  assert.ok(textOf(firstFrames).length < FULL.length, 'the replaced answer was cut short')
  assertNoDuplicates([...firstFrames, ...freshEvents])
  const session = await (await fetch(`${url}/api/v1/sessions/${sessionId}`)).json()
  assert.deepEqual(session.turns.map((turn: { prompt: string, result: string }) => [turn.prompt, turn.result]), [['count', 'INTERRUPTED'], ['other', 'COMPLETE']])
})

test('resume: false starts a fresh answer even with an event id', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.enqueue('model-a', { deltas: ['old ', 'answer'] }, { deltas: ['new ', 'answer'] })
  const first = await postJson(`${url}/api/v1/stream`, { prompt: 'q' })
  const sessionId = first.headers.get('x-session-id') ?? ''
  const events = eventsOf(await collectFrames(first))
  const fresh = await postJson(`${url}/api/v1/stream`, { prompt: 'q', sessionId, resume: false }, { headers: { 'last-event-id': events[0].id ?? '' } })
  const freshEvents = eventsOf(await collectFrames(fresh))
  assert.equal(textOf(freshEvents), 'new answer')
  assert.equal(mock.requests.length, 2)
})

test('an empty event id is no event id, in the header or the body; an empty body field leaves the header to count', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.enqueue('model-a', { deltas: ['first ', 'answer'] }, { deltas: ['second ', 'answer'] }, { deltas: ['third ', 'answer'] })
  const first = await postJson(`${url}/api/v1/stream`, { prompt: 'q1' })
  const sessionId = first.headers.get('x-session-id') ?? ''
  const events = eventsOf(await collectFrames(first))
  // An empty body field and a real header id: the header's replay, no new call.
  const replay = await postJson(`${url}/api/v1/stream`, { prompt: 'q1', sessionId, lastEventId: '' }, { headers: { 'last-event-id': events[0].id ?? '' } })
  assert.equal(replay.status, 200)
  assert.deepEqual(eventsOf(await collectFrames(replay)).map((event) => event.id), events.slice(1).map((event) => event.id))
  assert.equal(mock.requests.length, 1)
  // Empty alone, in the header or the body: as with no event id, a new prompt is a new turn.
  const byHeader = await postJson(`${url}/api/v1/stream`, { prompt: 'q2', sessionId }, { headers: { 'last-event-id': '' } })
  assert.equal(byHeader.status, 200)
  assert.equal(textOf(eventsOf(await collectFrames(byHeader))), 'second answer')
  const byBody = await postJson(`${url}/api/v1/stream`, { prompt: 'q3', sessionId, lastEventId: '' })
  assert.equal(byBody.status, 200)
  assert.equal(textOf(eventsOf(await collectFrames(byBody))), 'third answer')
  assert.equal(mock.requests.length, 3)
})
