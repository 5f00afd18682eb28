// The memory store frees what it evicts, deletes or expires at once (issue 25, item 1): the heap
// after a full GC stays flat however many sessions go through a store capped by maxSessions.
// Before, a removed key stayed queued in its expiry bucket, with its value, until its first
// expiry (a day): about 740 B of heap per session past the cap, 51 MB per 20k deleted sessions.
// Each scenario runs in a child `node --expose-gc` (memory-store-heap-probe.ts): borp cannot
// give one test file its own flags, and the heap of this process holds what other tests left.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import type { HeapProbeResult } from './memory-store-heap-probe.ts'

const run = promisify(execFile)
const probe = fileURLToPath(new URL('./memory-store-heap-probe.ts', import.meta.url))
/** Growth that still counts as flat: V8's own noise is well under it, the old leak far above. */
const FLAT_BYTES = 5 * 1024 * 1024

async function measure (scenario: string): Promise<HeapProbeResult> {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--no-flush-bytecode', probe, scenario], { timeout: 60_000 })
  return JSON.parse(stdout) as HeapProbeResult
}

function assertFlat (result: HeapProbeResult, what: string): void {
  const growth = result.after - result.before
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1)
  assert.ok(growth < FLAT_BYTES,
    `heap grew by ${mb(growth)} MB (${mb(result.before)} -> ${mb(result.after)} MB, ` +
    `${Math.round(growth / result.measured)} B per ${what}) across ${result.measured} of them`)
}

test('the memory store heap stays flat across 100k sessions created past maxSessions (evicted sessions are freed at once)', async () => {
  const result = await measure('evicted')
  assert.deepEqual(result.checks, { firstEvicted: true, lastKept: true })
  assertFlat(result, 'session')
})

test('the memory store heap stays flat across 20k sessions of 1 KB prompts created then deleted (deleted sessions are freed at once)', async () => {
  const result = await measure('deleted')
  assert.deepEqual(result.checks, { deletedAreGone: true })
  assertFlat(result, 'session')
})

test('the memory store heap stays flat across 20k streamed sessions past the cap, half deleted and half evicted (event logs are freed at once)', async () => {
  const result = await measure('streamed')
  assert.deepEqual(result.checks, { firstEvicted: true, lastKept: true })
  assertFlat(result, 'session')
})

test('the memory store frees a key whose TTL was shortened once it expires, not at its first expiry', async () => {
  const result = await measure('expired')
  assert.deepEqual(result.checks, { expiredAreGone: true })
  assertFlat(result, 'key')
})
