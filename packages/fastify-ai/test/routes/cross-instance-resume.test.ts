// Two gateway instances on one Valkey: a stream started on A, cut, is resumed on B while A is
// still generating, and B goes on live until the end.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { startValkeyServer } from '../../../ai-provider/test/helpers/valkey-server.ts'
import { postJson, startGateway } from '../helpers/gateway.ts'
import type { SseFrame } from '../helpers/sse.ts'
import { collectFrames, eventsOf, sseFrames, textOf } from '../helpers/sse.ts'

const server = await startValkeyServer()
after(() => server.close())

const DELTAS = ['alpha ', 'beta ', 'gamma ', 'delta ', 'epsilon ', 'zeta']

for (const k of [1, 4]) {
  test(`a stream cut on A after ${k} events resumes on B while A is still generating`, async (t) => {
    const mock = await createMockProvider()
    t.after(() => mock.close())
    const storage = { type: 'valkey' as const, url: server.url, keyPrefix: `resume-${k}-${Date.now()}:` }
    const a = await startGateway(t, { mock, plugin: { storage } })
    const b = await startGateway(t, { mock, plugin: { storage } })
    mock.setBehaviour('model-a', { deltas: DELTAS, deltaDelayMs: 40 })

    const controller = new AbortController()
    const first = await postJson(`${a.url}/api/v1/stream`, { prompt: 'greek' }, { signal: controller.signal })
    const sessionId = first.headers.get('x-session-id') ?? ''
    const seen: SseFrame[] = []
    assert.ok(first.body)
    for await (const frame of sseFrames(first.body)) {
      if (frame.event !== undefined) seen.push(frame)
      if (seen.length === k) break
    }
    controller.abort()
    let upstreamOver = false
    mock.requests[0].closed.then(() => { upstreamOver = true }, () => {})
    await Promise.resolve()
    assert.equal(upstreamOver, false, 'A is still generating when B is asked')

    const resumed = await postJson(`${b.url}/api/v1/stream`, { prompt: 'greek', sessionId }, { headers: { 'last-event-id': seen.at(-1)?.id ?? '' } })
    assert.equal(resumed.status, 200)
    const rest = eventsOf(await collectFrames(resumed))
    const all = [...seen, ...rest]
    assert.equal(textOf(all), DELTAS.join(''))
    assert.equal(new Set(all.map((frame) => frame.id)).size, all.length, 'no duplicate event')
    assert.equal(rest.at(-1)?.event, 'end')
    assert.equal(rest.at(-1)?.data.sessionId, sessionId)
    assert.equal(mock.requests.length, 1, 'B did not start a second generation')

    const session = await b.app.inject({ method: 'GET', url: `/api/v1/sessions/${sessionId}` })
    assert.equal(session.statusCode, 200)
    assert.equal(session.json().turns.at(-1).response, DELTAS.join(''))
  })
}

test('Valkey down: prompt and stream answer 503 AI_STORAGE_UNAVAILABLE as JSON, then recover', { skip: server.skipControl }, async (t) => {
  const storage = { type: 'valkey' as const, url: server.url, keyPrefix: `outage-${Date.now()}:`, commandTimeout: 300 }
  const { url } = await startGateway(t, { plugin: { storage } })
  await server.stop()
  try {
    for (const route of ['prompt', 'stream']) {
      const response = await postJson(`${url}/api/v1/${route}`, { prompt: 'hi' })
      assert.equal(response.status, 503, route)
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
      assert.ok(Number(response.headers.get('retry-after')) >= 1)
      assert.equal((await response.json()).code, 'AI_STORAGE_UNAVAILABLE')
    }
  } finally {
    await server.start()
  }
  let status = 0
  for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
    status = (await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })).status
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.equal(status, 200, 'recovered without a restart')
})
