// Issue 25, items 2 and 3, on both stores (Valkey: two gateway instances sharing it): a
// deleted session stays deleted whatever was running, and a request is only ever answered with
// its own prompt's answer, whatever else runs on its session.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import type { TestContext } from 'node:test'
import type { MockProvider } from '@platformatic/ai-mock-provider'
import type { Ai, AiOptions, AiStreamEvent } from '../../src/types.ts'
import { collect, contentOf, setup } from '../helpers/ai.ts'
import { promptHash } from '../../src/streaming/event-log.ts'
import { startValkeyServer } from '../helpers/valkey-server.ts'
import { rejection, startGateways } from '../helpers/valkey-gateways.ts'

const server = await startValkeyServer()
after(() => server.close())

interface Pair {
  /** Where the first request runs. */
  first: Ai
  /** Where the second runs: the same instance on memory, another one on Valkey. */
  second: Ai
  mock: MockProvider
}

type Backend = (t: TestContext, limits?: AiOptions['limits']) => Promise<Pair>

const backends: Record<string, Backend> = {
  async memory (t, limits = {}) {
    const { ai, mock } = await setup(t, () => ({ limits: { historyLength: 200, ...limits } }))
    return { first: ai, second: ai, mock }
  },
  async valkey (t, limits = {}) {
    const { instances, mock } = await startGateways(t, server, 2, { limits: { historyLength: 200, ...limits } })
    return { first: instances[0], second: instances[1], mock }
  }
}

/** The first event of a stream, and the rest of it as a promise. */
async function firstAndRest (events: AsyncIterable<AiStreamEvent>): Promise<{ first: AiStreamEvent, rest: Promise<AiStreamEvent[]> }> {
  const iterator = events[Symbol.asyncIterator]()
  const step = await iterator.next()
  assert.equal(step.done, false)
  async function remaining (): Promise<AiStreamEvent[]> {
    const all: AiStreamEvent[] = []
    while (true) {
      const next = await iterator.next()
      if (next.done === true) return all
      all.push(next.value)
    }
  }
  return { first: step.value, rest: remaining() }
}

const SLOW = { deltas: ['one ', 'two ', 'three ', 'four ', 'five ', 'six'], deltaDelayMs: 150 }

for (const [name, backend] of Object.entries(backends)) {
  test(`${name}: a different prompt on a session whose answer is being generated gets its own answer; the running one ends superseded`, async (t) => {
    const { first, second, mock } = await backend(t)
    mock.enqueue('a', SLOW)
    const running = await first.stream({ prompt: 'first' })
    const { first: firstEvent, rest } = await firstAndRest(running.events)
    assert.equal(firstEvent.type, 'content')

    const next = await second.stream({ prompt: 'second', sessionId: running.sessionId })
    const answer = await collect(next.events)
    assert.equal(contentOf(answer), 'Echo: second')
    assert.equal(answer.at(-1)?.type, 'end')

    const ended = await rest
    const last = ended.at(-1)
    assert.equal(last?.type, 'error')
    assert.equal(last.type === 'error' && last.code, 'AI_STREAM_SUPERSEDED')
    assert.ok(!contentOf(ended).includes('Echo'), 'the superseded stream never gets the new answer')
    assert.equal(mock.requests.length, 2)

    const turns = await waitForTurns(second, running.sessionId, 2)
    assert.deepEqual(turns.map((turn) => `${turn.prompt}:${turn.result}`).sort(), ['first:INTERRUPTED', 'second:COMPLETE'])
  })

  test(`${name}: a resend of the running prompt without an event id attaches to the running answer`, async (t) => {
    const { first, second, mock } = await backend(t)
    mock.enqueue('a', SLOW)
    const running = await first.stream({ prompt: 'first' })
    const { first: firstEvent, rest } = await firstAndRest(running.events)
    const attached = await collect((await second.stream({ prompt: 'first', sessionId: running.sessionId })).events)
    const original = [firstEvent, ...await rest]
    assert.deepEqual(attached, original)
    assert.equal(contentOf(original), SLOW.deltas.join(''))
    assert.equal(mock.requests.length, 1)
  })

  test(`${name}: a session deleted while its stream runs stays deleted, and the stream ends with AI_SESSION_NOT_FOUND`, async (t) => {
    const { first, second, mock } = await backend(t)
    const created = await first.request({ prompt: 'hello' })
    mock.enqueue('a', SLOW)
    const running = await first.stream({ prompt: 'tell me more', sessionId: created.sessionId })
    const { rest } = await firstAndRest(running.events)
    await second.deleteSession(created.sessionId)
    const ended = await rest
    const last = ended.at(-1)
    assert.equal(last?.type, 'error')
    assert.equal(last.type === 'error' && last.code, 'AI_SESSION_NOT_FOUND')
    // Whatever the generation still wrote after the delete did not bring the session back.
    for (const ai of [first, second]) {
      assert.equal((await rejection(ai.getSession(created.sessionId))).code, 'AI_SESSION_NOT_FOUND')
      assert.equal((await rejection(ai.request({ prompt: 'again', sessionId: created.sessionId }))).code, 'AI_SESSION_NOT_FOUND')
      assert.equal((await rejection(ai.stream({ prompt: 'again', sessionId: created.sessionId }))).code, 'AI_SESSION_NOT_FOUND')
    }
    if (name === 'valkey') assert.deepEqual(await keysOf(created.sessionId), [])
  })

  test(`${name}: a session deleted while a prompt is answered stays deleted, and the prompt gets AI_SESSION_NOT_FOUND`, async (t) => {
    const { first, second, mock } = await backend(t)
    const created = await first.request({ prompt: 'hello' })
    mock.enqueue('a', { headersDelayMs: 300 })
    const answering = rejection(first.request({ prompt: 'slow one', sessionId: created.sessionId }))
    await waitFor(() => mock.requests.length === 2)
    await second.deleteSession(created.sessionId)
    assert.equal((await answering).code, 'AI_SESSION_NOT_FOUND')
    assert.equal((await rejection(second.getSession(created.sessionId))).code, 'AI_SESSION_NOT_FOUND')
    if (name === 'valkey') assert.deepEqual(await keysOf(created.sessionId), [])
  })

  test(`${name}: prompts and streams sent together on one session: each answered with its own prompt, each answer in the session`, async (t) => {
    const { first, second, mock } = await backend(t)
    const created = await first.request({ prompt: 'start' })
    mock.setBehaviour('a', { deltaDelayMs: 20, headersDelayMs: 10 })
    const work: Array<Promise<{ prompt: string, text?: string, error?: string }>> = []
    for (let i = 0; i < 12; i++) {
      const ai = i % 2 === 0 ? first : second
      const prompt = `question ${i} with a few words`
      if (i % 3 === 0) {
        work.push(ai.request({ prompt, sessionId: created.sessionId }).then((answer) => ({ prompt, text: answer.text })))
      } else {
        work.push(ai.stream({ prompt, sessionId: created.sessionId }).then(async (response) => {
          const events = await collect(response.events)
          const last = events.at(-1)
          if (last?.type === 'end') return { prompt, text: contentOf(events) }
          assert.ok(`Echo: ${prompt}`.startsWith(contentOf(events)), `the partial text of ${prompt} is its own: ${contentOf(events)}`)
          return { prompt, error: last?.type === 'error' ? last.code : 'none' }
        }))
      }
      await new Promise((resolve) => setTimeout(resolve, 15))
    }
    const outcomes = await Promise.all(work)
    const answered = outcomes.filter((outcome) => outcome.text !== undefined)
    for (const outcome of answered) assert.equal(outcome.text, `Echo: ${outcome.prompt}`)
    for (const outcome of outcomes.filter((each) => each.error !== undefined)) assert.equal(outcome.error, 'AI_STREAM_SUPERSEDED')
    assert.ok(answered.length >= 4, `at least the prompts are answered (${answered.length})`)
    const turns = await waitForTurns(first, created.sessionId, 1 + outcomes.length)
    const complete = new Set(turns.filter((turn) => turn.result === 'COMPLETE').map((turn) => `${turn.prompt}=${turn.response}`))
    for (const outcome of answered) assert.ok(complete.has(`${outcome.prompt}=${outcome.text}`), `${outcome.prompt} is in the session`)
  })
}

test('valkey: Valkey killed mid-answer and restarted from its append-only file: the dead answer is never waited on or replayed', async (t) => {
  const persistent = await startValkeyServer({ appendOnly: true })
  t.after(() => persistent.close())
  if (!persistent.controllable) return t.skip(persistent.skipControl)
  const { instances, mock } = await startGateways(t, persistent, 2, { limits: { streamLease: '1s', historyLength: 200 } })
  const [first, second] = instances
  const created = await first.request({ prompt: 'hello' })
  mock.enqueue('a', { deltas: Array.from({ length: 40 }, (_, i) => `w${i} `), deltaDelayMs: 100 })
  const running = await first.stream({ prompt: 'long answer', sessionId: created.sessionId })
  const { first: firstEvent, rest } = await firstAndRest(running.events)

  await persistent.stop()
  await persistent.start()
  const cut = await rest
  assert.equal(cut.at(-1)?.type, 'error')
  await waitUntilServing(second)

  // The same prompt again, without an event id, once the lease lapsed: a new answer, not the dead one.
  await new Promise((resolve) => setTimeout(resolve, 1200))
  const started = Date.now()
  const again = await collect((await second.stream({ prompt: 'long answer', sessionId: created.sessionId })).events)
  assert.equal(again.at(-1)?.type, 'end')
  assert.equal(contentOf(again), 'Echo: long answer')
  // A different prompt right after: its own answer at once.
  const other = await collect((await second.stream({ prompt: 'something else', sessionId: created.sessionId })).events)
  assert.equal(contentOf(other), 'Echo: something else')
  assert.ok(Date.now() - started < 3000, `answered in ${Date.now() - started} ms`)
  assert.ok(Number(firstEvent.id) > 0)
})

test('valkey: a resume of an answer whose generation died gets what was logged and AI_STREAM_INTERRUPTED at once', async (t) => {
  const { instances, mock } = await startGateways(t, server, 2, { limits: { streamLease: '1s' } })
  const [first, second] = instances
  const created = await first.request({ prompt: 'hello' })
  mock.enqueue('a', { deltas: ['one ', 'two ', 'three'], stallAfter: 2 })
  const running = await first.stream({ prompt: 'stalls', sessionId: created.sessionId })
  const { first: firstEvent, rest } = await firstAndRest(running.events)
  // The instance generating it dies (its lease is no longer renewed).
  await first.close()
  await rest.catch(() => [])
  await new Promise((resolve) => setTimeout(resolve, 1200))
  const started = Date.now()
  const resumed = await collect((await second.stream({ prompt: 'stalls', sessionId: created.sessionId, lastEventId: firstEvent.id })).events)
  const last = resumed.at(-1)
  assert.ok(last?.type === 'error' && ['AI_STREAM_INTERRUPTED', 'AI_SHUTTING_DOWN'].includes(last.code), JSON.stringify(last))
  assert.ok(Date.now() - started < 1000, `ended in ${Date.now() - started} ms`)
})

test('valkey: a generation longer than its lease keeps it by renewing it, and a follower on another instance gets the whole answer', async (t) => {
  const { instances, mock } = await startGateways(t, server, 2, { limits: { streamLease: '1s' } })
  const [first, second] = instances
  const deltas = Array.from({ length: 12 }, (_, i) => `d${i} `)
  mock.enqueue('a', { deltas, deltaDelayMs: 200 })
  const running = await first.stream({ prompt: 'long' })
  const { first: firstEvent, rest } = await firstAndRest(running.events)
  const followed = await collect((await second.stream({ prompt: 'long', sessionId: running.sessionId, lastEventId: firstEvent.id })).events)
  const original = [firstEvent, ...await rest]
  assert.equal(original.at(-1)?.type, 'end', 'the producer kept its lease for 2.4 s with a 1 s lease')
  assert.equal(followed.at(-1)?.type, 'end')
  assert.equal(contentOf([firstEvent, ...followed]), deltas.join(''))
})

test('valkey: a DELETE ends a generation whose provider is silent within a third of the lease, not at its next event', async (t) => {
  const { instances, mock } = await startGateways(t, server, 2, { limits: { streamLease: '1500ms' } })
  const [first, second] = instances
  const created = await first.request({ prompt: 'hello' })
  mock.enqueue('a', { deltas: ['one ', 'two'], stallAfter: 1 })
  const running = await first.stream({ prompt: 'stalls', sessionId: created.sessionId })
  const { rest } = await firstAndRest(running.events)
  const deletedAt = Date.now()
  await second.deleteSession(created.sessionId)
  const ended = await rest
  const took = Date.now() - deletedAt
  const last = ended.at(-1)
  assert.equal(last?.type === 'error' && last.code, 'AI_SESSION_NOT_FOUND')
  assert.ok(took < 1200, `ended ${took} ms after the delete`)
  await mock.requests[1].closed
})

test('valkey: a follower of an answer whose lease lapsed never gets the next turn\'s answer', async (t) => {
  const { instances, mock } = await startGateways(t, server, 2, { limits: { streamLease: '1s' } })
  const [first, second] = instances
  const { sessionId } = await first.request({ prompt: 'hello' })
  // What a crashed instance leaves behind: a running state, half a log, a lease about to lapse.
  await first.store.set(`stream:${sessionId}`, JSON.stringify({ status: 'running', startedAt: 1, model: 'openai:a', generation: 'dead', promptHash: promptHash('A') }), 60_000)
  await first.store.set(`generation:${sessionId}`, 'dead', 800)
  await first.store.appendEvent(`events:${sessionId}`, JSON.stringify('half '), 60_000)
  const following = first.stream({ prompt: 'A', sessionId, lastEventId: '0' }).then((response) => collect(response.events))
  await new Promise((resolve) => setTimeout(resolve, 100))
  mock.enqueue('a', { deltas: ['B1 ', 'B2 ', 'B3'], deltaDelayMs: 100 })
  const answerB = await collect((await second.stream({ prompt: 'B', sessionId })).events)
  assert.equal(contentOf(answerB), 'B1 B2 B3')
  const followed = await following
  assert.equal(contentOf(followed), 'half ')
  const last = followed.at(-1)
  assert.ok(last?.type === 'error' && ['AI_STREAM_SUPERSEDED', 'AI_STREAM_INTERRUPTED'].includes(last.code), JSON.stringify(last))
})

async function keysOf (sessionId: string): Promise<string[]> {
  const reply = await server.command('KEYS', `*${sessionId}*`)
  return (reply.match(/aiwarp:[^\r\n]+/g) ?? []).sort()
}

async function waitFor (check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

async function waitForTurns (ai: Ai, sessionId: string, count: number): Promise<Awaited<ReturnType<Ai['getSession']>>['turns']> {
  const deadline = Date.now() + 5000
  while (true) {
    const turns = (await ai.getSession(sessionId)).turns
    if (turns.length >= count || Date.now() > deadline) return turns
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function waitUntilServing (ai: Ai): Promise<void> {
  const deadline = Date.now() + 5000
  while (true) {
    try {
      await ai.store.ping()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
}
