// Run by memory-store-heap.test.ts in a child `node --expose-gc memory-store-heap-probe.ts
// <scenario>`: drives one scenario and prints, as one JSON line, the heap used after a full GC
// once the store is at its steady state and again after the measured sessions.
//
// Prompt sessions go through createAi with `storage: { type: 'memory', maxSessions }` (the
// store the gateway builds from its options) and the mock provider, on the wall clock: a
// session's TTL (a day) never ends during the run, so only eviction and delete can free it.
// Streamed sessions and shortened TTLs go to the store directly, with the calls a session makes.

import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { Ai } from '../../src/types.ts'
import { createAi } from '../../src/ai.ts'
import { createMemoryStore } from '../../src/stores/memory-store.ts'
import { createFakeClock } from '../helpers/ai.ts'

/** What one scenario prints. */
export interface HeapProbeResult {
  /** Sessions (or keys) created between the two measures. */
  measured: number
  /** Heap used after a full GC at the steady state, in bytes. */
  before: number
  /** Heap used after a full GC once `measured` more went through the store, in bytes. */
  after: number
  /** Checks that the scenario did what it says (sessions existed, were evicted or deleted). */
  checks: Record<string, boolean>
}

const MAX_SESSIONS = 1000
/** Requests in flight at once. */
const CONCURRENCY = 64

function heapUsed (): number {
  const gc = globalThis.gc as () => void
  // Twice: what the first collection finalizes is freed by the second.
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

async function withAi (run: (ai: Ai) => Promise<HeapProbeResult>): Promise<HeapProbeResult> {
  const mock = await createMockProvider({ record: false })
  const ai = await createAi({
    providers: { openai: { apiKey: 'test-key', baseUrl: mock.url } },
    models: ['openai:a'],
    storage: { type: 'memory', maxSessions: MAX_SESSIONS },
    // The rate limit is not what is measured: high enough never to refuse.
    limits: { rate: { max: 1_000_000_000, timeWindow: 60_000 }, retry: { max: 0, interval: 0 } }
  })
  try {
    return await run(ai)
  } finally {
    await ai.close()
    await mock.close()
  }
}

/** Run `session(i)` for i in [0, count), CONCURRENCY at a time. */
async function inParallel (count: number, session: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  async function worker (): Promise<void> {
    while (next < count) await session(next++)
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
}

async function exists (ai: Ai, sessionId: string): Promise<boolean> {
  return ai.getSession(sessionId).then(function found () { return true }, function missing () { return false })
}

/** New sessions far past `maxSessions`: each one evicts the oldest. */
function evicted (): Promise<HeapProbeResult> {
  return withAi(async function evictedScenario (ai) {
    const measured = 100_000
    async function prompt (i: number): Promise<string> {
      return (await ai.request({ prompt: `prompt ${i}` })).sessionId
    }
    const first = await prompt(0)
    // Past the cap (5 keys a session, 2 used by a prompt), so the store is full and steady.
    await inParallel(10_000, async function warmUp (i) { await prompt(i) })
    const before = heapUsed()
    await inParallel(measured, async function create (i) { await prompt(i) })
    const last = await prompt(measured)
    const after = heapUsed()
    return { measured, before, after, checks: { firstEvicted: !(await exists(ai, first)), lastKept: await exists(ai, last) } }
  })
}

/** Sessions with a 1 KB prompt, each deleted once answered. */
function deleted (): Promise<HeapProbeResult> {
  return withAi(async function deletedScenario (ai) {
    const measured = 20_000
    const prompt = 'x'.repeat(1024)
    let deletedAreGone = true
    async function createThenDelete (i: number): Promise<void> {
      const { sessionId } = await ai.request({ prompt })
      await ai.deleteSession(sessionId)
      if (i % 1000 === 0 && await exists(ai, sessionId)) deletedAreGone = false
    }
    // Past the cap too, in case a delete leaves keys of its own.
    await inParallel(5000, createThenDelete)
    const before = heapUsed()
    await inParallel(measured, createThenDelete)
    const after = heapUsed()
    return { measured, before, after, checks: { deletedAreGone } }
  })
}

/**
 * Streamed sessions, on the store directly with the calls a stream makes (sessions.ts,
 * streaming/event-log.ts): meta, turns, stream state, an event log of 16 deltas and the attach
 * marker; every other session deleted, the others evicted by the cap createAi sets for
 * `maxSessions` (five keys a session). The clock is not moved: no key expires.
 */
async function streamed (): Promise<HeapProbeResult> {
  const store = createMemoryStore({ clock: createFakeClock(), maxKeys: MAX_SESSIONS * 5 })
  const ttl = 86_400_000
  const measured = 20_000
  async function stream (i: number): Promise<void> {
    const id = `stream-${i}`
    const deltas = Array.from({ length: 16 }, function delta (_, n) { return JSON.stringify(`word ${n} of answer ${i} `) })
    await store.set(`session:${id}`, JSON.stringify({ createdAt: new Date(0).toISOString(), updatedAt: i }), ttl)
    await store.set(`stream:${id}`, JSON.stringify({ status: 'running', startedAt: i, model: 'openai:a' }), ttl)
    await store.set(`attach:${id}`, '1', ttl)
    await store.appendEvents?.(`events:${id}`, deltas, ttl)
    await store.appendEvent(`events:${id}`, JSON.stringify({ type: 'end', result: 'COMPLETE', sessionId: id, model: 'openai:a' }), ttl)
    await store.listPush(`turns:${id}`, JSON.stringify({ prompt: `prompt ${i}`, response: deltas.join(''), result: 'COMPLETE' }), 50, ttl)
    await store.set(`stream:${id}`, JSON.stringify({ status: 'done', startedAt: i, model: 'openai:a' }), ttl)
    if (i % 2 === 0) await store.delete([`session:${id}`, `turns:${id}`, `events:${id}`, `stream:${id}`, `attach:${id}`])
  }
  async function streams (from: number, count: number): Promise<void> {
    for (let i = from; i < from + count; i++) await stream(i)
  }
  try {
    // Past the cap, so the store is full and steady.
    await streams(0, 5000)
    const before = heapUsed()
    await streams(5000, measured)
    const after = heapUsed()
    const last = `stream-${5000 + measured - 1}`
    const checks = {
      firstEvicted: (await store.readEvents('events:stream-1', 0)).length === 0,
      lastKept: (await store.readEvents(`events:${last}`, 0)).length === 17
    }
    return { measured, before, after, checks }
  } finally {
    await store.close()
  }
}

/**
 * Keys written with a day's TTL, then given a short one (as `expire` does) and read after it
 * ended: each is freed when it expires, not when its first TTL would have ended. On the store
 * directly, with a fake clock, for the store's own contract (sessions never shorten a TTL).
 */
async function expired (): Promise<HeapProbeResult> {
  const clock = createFakeClock()
  const store = createMemoryStore({ clock, maxKeys: 100_000 })
  const text = 'x'.repeat(1024)
  const measured = 20_000
  async function round (count: number): Promise<boolean> {
    const keys = Array.from({ length: count }, function keyOf (_, i) { return `session:${i}` })
    // A value of its own per key (JSON.stringify makes a flat copy), as a session's JSON is.
    for (const key of keys) await store.set(key, JSON.stringify({ key, text }), 86_400_000)
    await store.expire(keys, 1000)
    clock.advance(2000)
    let allGone = true
    for (const key of keys) if (await store.get(key) !== undefined) allGone = false
    return allGone
  }
  try {
    await round(1000)
    const before = heapUsed()
    const expiredAreGone = await round(measured)
    const after = heapUsed()
    return { measured, before, after, checks: { expiredAreGone } }
  } finally {
    await store.close()
  }
}

const scenarios: Record<string, () => Promise<HeapProbeResult>> = { evicted, deleted, streamed, expired }

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc')
const scenario = scenarios[process.argv[2]]
if (scenario === undefined) throw new Error(`unknown scenario ${process.argv[2]}; one of ${Object.keys(scenarios).join(', ')}`)
console.log(JSON.stringify(await scenario()))
