// The stores alone, without HTTP: the store operations of one prompt and of one stream (as
// ai.ts, sessions.ts and the stream producer issue them, with strings of the real sizes),
// timed in CPU µs per request, and the memory a live session keeps in the memory store.
//
//   node --expose-gc bench/store-bench.ts [--store memory|valkey] [--requests N] [--concurrency N] [--sessions N]
//
// Valkey runs against a private server (the test helper), so it needs valkey-server or
// redis-server on PATH.

import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import type { AiStore } from '../packages/ai-provider/src/store.ts'
import { createMemoryStore } from '../packages/ai-provider/src/stores/memory-store.ts'
import { createValkeyStore } from '../packages/ai-provider/src/stores/valkey-store.ts'
import { startValkeyServer } from '../packages/ai-provider/test/helpers/valkey-server.ts'
import type { TestValkeyServer } from '../packages/ai-provider/test/helpers/valkey-server.ts'

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'memory' },
    requests: { type: 'string' },
    /** Requests in flight at once (as concurrent clients of a gateway would make them). */
    concurrency: { type: 'string', default: '1' },
    sessions: { type: 'string', default: '50000' }
  }
})

const TTL = 10_000
const WORDS = 'Warp drives fold space so the ship rides a bubble between the stars without ever breaking light speed.'.split(' ')
const ANSWER = WORDS.join(' ')
const PROMPT = 'Explain in one sentence how a warp drive moves a ship.'

// Built once: the timings are the store's, not JSON.stringify's (bytesPerSession copies them).
const META = JSON.stringify({ createdAt: new Date().toISOString(), updatedAt: Date.now() })
const TURN = JSON.stringify({ prompt: PROMPT, response: ANSWER, result: 'COMPLETE', createdAt: new Date().toISOString() })
const CONTENT = WORDS.map(function contentEvent (word) { return JSON.stringify(word + ' ') })
let copies = false

/** The stored strings: shared in the timings, own copies per session when measuring memory. */
function own (text: string): string {
  return copies ? (' ' + text).slice(1) : text
}

/** What one prompt asks of the store (a new session; rate unit, cool-down read, meta, turn). */
async function prompt (store: AiStore, id: string): Promise<void> {
  await store.consume('rate:openai:gpt-bench', 100_000_000, 1000)
  await store.get('model:openai:gpt-bench')
  await store.set(`session:${id}`, own(META), TTL)
  await Promise.all([store.set(`session:${id}`, own(META), TTL), store.listPush(`turns:${id}`, own(TURN), 100, TTL)])
}

/** What one stream of 16 deltas asks of the store: the prompt's, plus state, attach marker, the 16 deltas in one append and the end event. */
async function stream (store: AiStore, id: string): Promise<void> {
  await store.consume('rate:openai:gpt-bench', 100_000_000, 1000)
  await store.get('model:openai:gpt-bench')
  await store.set(`session:${id}`, own(META), TTL)
  await store.set(`stream:${id}`, '{"status":"running","startedAt":1700000000000,"model":"openai:gpt-bench"}', TTL)
  await store.get(`attach:${id}`)
  // The mock sends a short answer in one chunk: its deltas are appended together, as the producer does.
  // Both stores measured here have appendEvents (it is optional for stores of one's own).
  await store.appendEvents!(`events:${id}`, CONTENT.map(own), TTL)
  await store.appendEvent(`events:${id}`, `{"type":"end","result":"COMPLETE","sessionId":"${id}","model":"openai:gpt-bench","usage":{"promptTokens":12,"completionTokens":16}}`, TTL)
  await store.set(`stream:${id}`, '{"status":"done","startedAt":1700000000000,"model":"openai:gpt-bench"}', TTL)
  await Promise.all([store.set(`session:${id}`, own(META), TTL), store.listPush(`turns:${id}`, own(TURN), 100, TTL)])
}

function cpuMicros (): number {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

const concurrency = Number(values.concurrency)

/** Run `shape` once for each id, `concurrency` at a time. */
async function run (store: AiStore, shape: typeof prompt, ids: string[]): Promise<void> {
  let next = 0
  async function worker (): Promise<void> {
    while (next < ids.length) await shape(store, ids[next++])
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

/** CPU µs per request of `count` requests of one shape: the median of 5 rounds, after a warm-up. */
async function time (store: AiStore, shape: typeof prompt, count: number): Promise<{ cpu: number, wall: number }> {
  await run(store, shape, Array.from({ length: Math.min(2000, count) }, function id () { return randomUUID() }))
  const rounds: Array<{ cpu: number, wall: number }> = []
  for (let round = 0; round < 5; round++) {
    const ids = Array.from({ length: count }, function id () { return randomUUID() })
    const cpuBefore = cpuMicros()
    const wallBefore = performance.now()
    await run(store, shape, ids)
    rounds.push({ cpu: (cpuMicros() - cpuBefore) / count, wall: (performance.now() - wallBefore) * 1000 / count })
  }
  rounds.sort(function byCpu (a, b) { return a.cpu - b.cpu })
  return rounds[2]
}

function heapAfterGc (): number {
  globalThis.gc?.()
  globalThis.gc?.()
  return process.memoryUsage().heapUsed
}

/** Heap bytes one live session keeps in a fresh memory store (shape: prompt or stream). */
async function bytesPerSession (shape: typeof prompt, sessions: number): Promise<number> {
  const store = createMemoryStore({ maxKeys: sessions * 10 })
  copies = true
  await shape(store, randomUUID())
  const before = heapAfterGc()
  for (let i = 0; i < sessions; i++) await shape(store, randomUUID())
  const after = heapAfterGc()
  await store.close()
  copies = false
  return (after - before) / sessions
}

let server: TestValkeyServer | undefined
try {
  const kind = values.store
  let store: AiStore
  if (kind === 'valkey') {
    server = await startValkeyServer()
    store = await createValkeyStore({ type: 'valkey', url: server.url }, { logger: console as never })
  } else {
    store = createMemoryStore({ maxKeys: 2_000_000 })
  }
  const requests = Number(values.requests ?? (kind === 'valkey' ? 2000 : 50_000))
  const prompts = await time(store, prompt, requests)
  const streams = await time(store, stream, Math.ceil(requests / 4))
  await store.close()
  const lines = [
    `store: ${kind}, concurrency ${concurrency}`,
    `prompt: ${prompts.cpu.toFixed(2)} µs CPU/request (${prompts.wall.toFixed(2)} µs wall)`,
    `stream: ${streams.cpu.toFixed(2)} µs CPU/request (${streams.wall.toFixed(2)} µs wall)`
  ]
  if (kind === 'memory' && globalThis.gc !== undefined) {
    const sessions = Number(values.sessions)
    lines.push(`memory per live session: prompt ${(await bytesPerSession(prompt, sessions)).toFixed(0)} B, stream ${(await bytesPerSession(stream, sessions)).toFixed(0)} B (heap, ${sessions} sessions)`)
  }
  process.stdout.write(lines.join('\n') + '\n')
} finally {
  await server?.close()
}
