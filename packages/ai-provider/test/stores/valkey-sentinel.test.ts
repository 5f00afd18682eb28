// Issue 22: gateways on a Sentinel group (a primary, a replica, a sentinel). A failover in the
// middle of a run (SENTINEL FAILOVER): the gateways find the new primary by themselves, the
// sessions it had replicated are intact there (history, a streamed answer's log), requests
// meanwhile are answered or fail fast with AI_STORAGE_UNAVAILABLE, and nothing crashes.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { createAi } from '../../src/ai.ts'
import type { Ai, AiStreamEvent } from '../../src/types.ts'
import { startSentinelGroup, type TestSentinelNode } from '../helpers/valkey-sentinel.ts'
import { silentLogger } from '../helpers/valkey-gateways.ts'
import { expectNoUnhandledRejections } from '../helpers/checks.ts'

const group = await startSentinelGroup()
after(() => group.close())

expectNoUnhandledRejections()

/** Fast enough for a client: the command timeout plus scheduling noise. */
const FAST_MS = 1500

async function drain (events: AsyncIterable<AiStreamEvent>): Promise<AiStreamEvent[]> {
  const all: AiStreamEvent[] = []
  for await (const event of events) all.push(event)
  return all
}

/**
 * Wait until `ai` writes its new sessions to `primary`. Until iovalkey's failover detector hears
 * the sentinel's +switch-master and drops the connection, the old primary still takes them.
 */
async function waitUntilWritingTo (ai: Ai, primary: TestSentinelNode, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    try {
      const answer = await ai.request({ prompt: 'where are you?' })
      if (await primary.command('EXISTS', `aiwarp:session:${answer.sessionId}`) === 1) return
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'AI_STORAGE_UNAVAILABLE')
    }
    if (Date.now() > deadline) assert.fail('the instance did not move to the new primary')
    await sleep(20)
  }
}

test('a failover mid-run: the gateways reconnect to the new primary by themselves, with the sessions it had replicated, and nothing crashes', async (t) => {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const options = {
    providers: { openai: { apiKey: 'test-key', baseUrl: mock.url } },
    models: ['openai:a'],
    limits: { retry: { max: 0, interval: 0 }, requestTimeout: 2000, rate: { max: 100_000, timeWindow: '1m' } },
    storage: { type: 'valkey' as const, sentinels: group.sentinels, name: group.name, commandTimeout: 1000, connectTimeout: 1000 }
  }
  const instances = [await createAi(options, { logger: silentLogger }), await createAi(options, { logger: silentLogger })]
  t.after(() => Promise.all(instances.map((ai) => ai.close())))

  const first = await instances[0].request({ prompt: 'My name is Ada', context: 'Be brief.' })
  mock.setBehaviour('a', { deltas: ['one ', 'two ', 'three'] })
  const streamed = await instances[1].stream({ prompt: 'count' })
  assert.equal((await drain(streamed.events)).at(-1)?.type, 'end')
  mock.setBehaviour('a', { text: 'ok' })
  // The replica has everything written so far.
  const old = await group.primary()
  await group.replicated()

  // Requests keep coming on both instances while the sentinel switches the primary.
  const traffic = { running: true }
  const outcomes: Array<{ code: string, took: number }> = []
  const requests = Promise.all(instances.map(async (ai) => {
    while (traffic.running) {
      const started = Date.now()
      try {
        await ai.request({ prompt: 'during' })
        outcomes.push({ code: 'answered', took: Date.now() - started })
      } catch (error) {
        outcomes.push({ code: String((error as { code?: string }).code), took: Date.now() - started })
      }
      await sleep(10)
    }
  }))
  await sleep(100)
  const promoted = await group.failover()
  assert.notEqual(promoted, old)
  for (const ai of instances) await waitUntilWritingTo(ai, promoted)
  traffic.running = false
  await requests
  for (const outcome of outcomes) {
    assert.ok(outcome.code === 'answered' || outcome.code === 'AI_STORAGE_UNAVAILABLE', outcome.code)
    assert.ok(outcome.took < FAST_MS, `${outcome.code} after ${outcome.took} ms`)
  }

  // The sessions written before the failover are on the new primary, and go on.
  assert.equal(await promoted.command('EXISTS', `aiwarp:session:${first.sessionId}`), 1)
  await instances[1].request({ prompt: 'What is my name?', sessionId: first.sessionId })
  assert.deepEqual(mock.requests.at(-1)?.body.messages, [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'My name is Ada' },
    { role: 'assistant', content: 'Echo: My name is Ada' },
    { role: 'user', content: 'What is my name?' }
  ])
  const resumed = await drain((await instances[0].stream({ prompt: 'count', sessionId: streamed.sessionId, lastEventId: '1' })).events)
  assert.deepEqual(resumed.map((event) => event.type === 'content' ? event.text : event.type), ['two ', 'three', 'end'])
  const session = await instances[0].getSession(streamed.sessionId)
  assert.equal(session.turns[0].result, 'COMPLETE')
  await instances[0].store.ping()
})
