// Issue 22: gateways on a three-master Valkey Cluster. The multi-instance scenarios of one server
// hold on a cluster (limits exact, cool-downs, sessions and resume across instances); a session
// whose slot moves to another master mid-answer loses nothing; a master killed and restarted
// mid-run fails only the requests that need it, fast, with AI_STORAGE_UNAVAILABLE, and every
// instance serves again by itself once it is back.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Ai, AiStreamEvent } from '../../src/types.ts'
import { startValkeyCluster, type TestClusterNode } from '../helpers/valkey-cluster.ts'
import { rejection, startGateways } from '../helpers/valkey-gateways.ts'
import { multiInstanceScenarios } from './multi-instance-scenarios.ts'
import { expectNoUnhandledRejections } from '../helpers/checks.ts'

const cluster = await startValkeyCluster()
after(() => cluster.close())
await cluster.waitUntilHealthy()

expectNoUnhandledRejections()

/** Fast enough for a client: well under a second plus scheduling noise. */
const FAST_MS = 1500

multiInstanceScenarios(cluster)

async function drain (events: AsyncIterable<AiStreamEvent>): Promise<AiStreamEvent[]> {
  const all: AiStreamEvent[] = []
  for await (const event of events) all.push(event)
  return all
}

function textOf (events: AiStreamEvent[]): string {
  return events.map((event) => event.type === 'content' ? event.text : '').join('')
}

function ownerOfSession (sessionId: string): Promise<TestClusterNode> {
  return cluster.ownerOf(`aiwarp:session:{${sessionId}}`)
}

test('a stream whose session moves to another master mid-answer ends complete, and the session continues on another instance', async (t) => {
  const { instances, mock } = await startGateways(t, cluster, 2)
  mock.setBehaviour('a', { deltas: ['one ', 'two ', 'three ', 'four'], deltaDelayMs: 40 })
  const response = await instances[0].stream({ prompt: 'count' })
  const source = await ownerOfSession(response.sessionId)
  const target = cluster.masters.find((node) => node !== source) as TestClusterNode
  const events: AiStreamEvent[] = []
  let moving: Promise<void> | undefined
  for await (const event of response.events) {
    events.push(event)
    if (events.length === 1) moving = cluster.moveSlot(`aiwarp:session:{${response.sessionId}}`, target)
  }
  await moving
  assert.equal(textOf(events), 'one two three four')
  assert.equal(events.at(-1)?.type, 'end')
  const ids = events.map((event) => Number(event.id))
  assert.deepEqual(ids, ids.map((_, index) => ids[0] + index), 'ids without gap or repeat')
  assert.equal(await ownerOfSession(response.sessionId), target)

  await instances[1].request({ prompt: 'and then?', sessionId: response.sessionId })
  const session = await instances[0].getSession(response.sessionId)
  assert.deepEqual(session.turns.map((turn) => [turn.prompt, turn.result]), [['count', 'COMPLETE'], ['and then?', 'COMPLETE']])
})

test('a master restarted mid-run: requests on its slots fail fast with AI_STORAGE_UNAVAILABLE, the others are answered, and every instance serves again once it is back', async (t) => {
  const { instances, mock } = await startGateways(t, cluster, 3)
  // Every request takes a unit of openai:a's rate limit: the master restarted is another one.
  const modelOwner = await cluster.ownerOf('aiwarp:rate:{openai:a}')
  const sessions: string[] = []
  for (let i = 0; i < 24; i++) sessions.push((await instances[i % 3].request({ prompt: `hello ${i}` })).sessionId)
  const owners = await Promise.all(sessions.map(ownerOfSession))
  const restarted = owners.find((owner) => owner !== modelOwner) as TestClusterNode
  assert.ok(restarted !== undefined)
  const lost = sessions.filter((_, index) => owners[index] === restarted)
  const kept = sessions.filter((_, index) => owners[index] !== restarted)
  assert.ok(lost.length > 0 && kept.length > 0)

  // A stream on the restarted master is in flight when it dies.
  mock.setBehaviour('a', { deltas: ['a ', 'b ', 'c ', 'd'], deltaDelayMs: 100 })
  const streaming = await instances[1].stream({ prompt: 'long', sessionId: lost[0] })
  const first = await streaming.events[Symbol.asyncIterator]().next()
  assert.equal(first.value?.type, 'content')
  await restarted.stop()
  const stopped = Date.now()
  const rest = await drain(streaming.events).catch((error: Error & { code?: string }) => [{ type: 'error', id: '', code: error.code ?? '', message: error.message }] as AiStreamEvent[])
  assert.ok(Date.now() - stopped < 3000, `the stream ended ${Date.now() - stopped} ms after the master died`)
  const last = rest.at(-1)
  assert.equal(last?.type === 'error' ? last.code : last?.type, 'AI_STORAGE_UNAVAILABLE')
  mock.setBehaviour('a', { text: 'ok' })

  const during = await Promise.all(sessions.map(async (sessionId, index) => {
    const started = Date.now()
    try {
      await instances[(index + 1) % 3].request({ prompt: 'during', sessionId })
      return { sessionId, code: 'answered', took: Date.now() - started }
    } catch (error) {
      return { sessionId, code: (error as { code?: string }).code, took: Date.now() - started }
    }
  }))
  for (const outcome of during) {
    assert.equal(outcome.code, lost.includes(outcome.sessionId) ? 'AI_STORAGE_UNAVAILABLE' : 'answered', outcome.sessionId)
    assert.ok(outcome.took < FAST_MS, `${outcome.code} after ${outcome.took} ms`)
  }

  await restarted.start()
  // The master is back, empty (no persistence): its sessions are gone cleanly, on every instance.
  for (const ai of instances) await waitUntilAnswered(ai, lost[0])
  for (const [index, ai] of instances.entries()) {
    assert.equal((await rejection(ai.getSession(lost[index % lost.length]))).code, 'AI_SESSION_NOT_FOUND')
    const continued = await ai.request({ prompt: 'after', sessionId: kept[index % kept.length] })
    assert.equal(continued.sessionId, kept[index % kept.length])
  }
  // New sessions land on every master, the restarted one included (all 30 elsewhere: odds 5e-6).
  const fresh = await Promise.all(Array.from({ length: 30 }, (_, i) => instances[i % 3].request({ prompt: `new ${i}` })))
  const freshOwners = await Promise.all(fresh.map((answer) => ownerOfSession(answer.sessionId)))
  assert.ok(freshOwners.includes(restarted), 'a new session on the restarted master was answered')
})

/** Wait until `ai` reaches the master of `sessionId` again: the session is read (and found gone), not unavailable. */
async function waitUntilAnswered (ai: Ai, sessionId: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    const error = await rejection(ai.getSession(sessionId))
    if (error.code === 'AI_SESSION_NOT_FOUND') return
    assert.equal(error.code, 'AI_STORAGE_UNAVAILABLE')
    if (Date.now() > deadline) throw error
    await sleep(50)
  }
}
