import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AiStreamEvent } from '../../src/types.ts'
import { setup, collect, contentOf } from '../helpers/ai.ts'

function lastOf (events: AiStreamEvent[]): AiStreamEvent {
  return events[events.length - 1]
}

test('a stream falls back to the next model until its first content event', async (t) => {
  const { ai, mock } = await setup(t, () => ({ models: ['openai:a', 'openai:b', 'openai:c', 'openai:d'] }))
  mock.enqueue('a', { status: 500 })
  mock.enqueue('b', { cutAfter: 0 })
  mock.enqueue('c', { emptyAnswer: true })
  mock.enqueue('d', { deltas: ['from ', 'd'] })
  const response = await ai.stream({ prompt: 'x' })
  assert.equal(response.model, 'openai:d')
  const events = await collect(response.events)
  assert.equal(contentOf(events), 'from d')
  assert.equal(lastOf(events).type, 'end')
  const states = await ai.models()
  assert.deepEqual(states.map((state) => state.state), ['cooling-down', 'cooling-down', 'cooling-down', 'ready'])
})

test('a stream with no model left rejects before any event', async (t) => {
  const { ai, mock } = await setup(t)
  mock.setBehaviour('a', { status: 500 })
  mock.setBehaviour('b', { status: 429, retryAfter: '30' })
  await assert.rejects(ai.stream({ prompt: 'x' }), { code: 'AI_NO_MODELS_AVAILABLE', retryAfter: 60 })
})

const faults: Array<[string, object, string]> = [
  ['a cut connection', { cutAfter: 2 }, 'AI_PROVIDER_NETWORK_ERROR'],
  ['an in-band error', { inBandErrorAfter: 2 }, 'AI_PROVIDER_STREAM_ERROR'],
  ['a malformed frame', { malformedAfter: 2 }, 'AI_PROVIDER_MALFORMED_RESPONSE'],
  ['a stall', { stallAfter: 2 }, 'AI_PROVIDER_TIMEOUT']
]

for (const [name, behaviour, code] of faults) {
  test(`${name} after the first content ends the stream with an ${code} error event`, async (t) => {
    const { ai, mock } = await setup(t, () => ({ limits: { requestTimeout: 200 } }))
    mock.enqueue('a', { deltas: ['one ', 'two ', 'three'], ...behaviour })
    const response = await ai.stream({ prompt: 'x' })
    const events = await collect(response.events)
    assert.equal(contentOf(events), 'one two ')
    const last = lastOf(events)
    assert.equal(last.type, 'error')
    if (last.type === 'error') assert.equal(last.code, code)
    assert.equal(events.filter((event) => event.type === 'end').length, 0)
    if (code === 'AI_PROVIDER_TIMEOUT') assert.equal(await mock.requests[0].closed, true, 'a stalled upstream is aborted')
    const [turn] = (await ai.getSession(response.sessionId)).turns
    assert.deepEqual([turn.result, turn.response, turn.errorCode], ['FAILED', 'one two ', code])
    const [a] = await ai.models()
    assert.equal(a.state, 'cooling-down')
    assert.equal(a.reason, code)
    assert.equal(mock.requests.length, 1, 'no fallback once content was sent')
  })
}

test('onDisconnect "abort": a client that leaves: upstream is aborted after detachTimeout and the turn is INTERRUPTED, never replayed', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { detachTimeout: 50, onDisconnect: 'abort' } }))
  mock.enqueue('a', { deltas: ['a ', 'b ', 'c ', 'd ', 'e ', 'f'], deltaDelayMs: 40 })
  const response = await ai.stream({ prompt: 'p1' })
  const iterator = response.events[Symbol.asyncIterator]()
  assert.equal((await iterator.next()).value?.type, 'content')
  await iterator.return?.()
  assert.equal(await mock.requests[0].closed, true, 'upstream aborted')
  await sleep(20)
  const [turn] = (await ai.getSession(response.sessionId)).turns
  assert.equal(turn.result, 'INTERRUPTED')
  assert.equal(turn.errorCode, 'AI_ABORTED')
  assert.ok(turn.response.startsWith('a '))
  const stored = await ai.store.readEvents(`events:${response.sessionId}`, 0)
  assert.deepEqual(JSON.parse(stored[stored.length - 1].data).code, 'AI_ABORTED')
  assert.equal((await ai.models())[0].state, 'ready', 'leaving is not the model\'s fault')

  await ai.request({ prompt: 'p2', sessionId: response.sessionId })
  const users = mock.requests[1].body.messages.map((message: { content: string }) => message.content)
  assert.deepEqual(users, ['p2'])
})

test('onDisconnect "abort": an aborted request signal detaches the consumer the same way', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { detachTimeout: 30, onDisconnect: 'abort' } }))
  mock.enqueue('a', { deltas: ['a ', 'b ', 'c ', 'd'], deltaDelayMs: 40 })
  const controller = new AbortController()
  const response = await ai.stream({ prompt: 'p1', signal: controller.signal })
  const iterator = response.events[Symbol.asyncIterator]()
  await iterator.next()
  const pending = iterator.next()
  controller.abort()
  assert.deepEqual(await pending, { value: undefined, done: true })
  assert.equal(await mock.requests[0].closed, true)
})

test('a caller abort during fallback rejects with AI_ABORTED', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { headersDelayMs: 2000 })
  const controller = new AbortController()
  const pending = ai.stream({ prompt: 'x', signal: controller.signal })
  await mock.waitForRequests(1)
  controller.abort()
  await assert.rejects(pending, { code: 'AI_ABORTED' })
  assert.equal(await mock.requests[0].closed, true)
  assert.equal(mock.requests.length, 1)
})

test('close() ends streams in flight with an AI_SHUTTING_DOWN error event', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { deltas: ['a ', 'b ', 'c ', 'd ', 'e'], deltaDelayMs: 50 })
  const response = await ai.stream({ prompt: 'x' })
  const events: AiStreamEvent[] = []
  for await (const event of response.events) {
    events.push(event)
    if (events.length === 1) await ai.close()
  }
  const last = lastOf(events)
  assert.equal(last.type, 'error')
  if (last.type === 'error') assert.equal(last.code, 'AI_SHUTTING_DOWN')
  assert.equal(await mock.requests[0].closed, true)
  await assert.rejects(ai.request({ prompt: 'y' }), { code: 'AI_SHUTTING_DOWN' })
})
