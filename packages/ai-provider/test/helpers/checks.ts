// Small checks the Valkey test files share.
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

/** Fail the file when any promise rejection goes unhandled while its tests run. */
export function expectNoUnhandledRejections (): void {
  const unhandled: unknown[] = []
  function onUnhandled (reason: unknown): void { unhandled.push(reason) }
  before(() => process.on('unhandledRejection', onUnhandled))
  after(() => {
    process.off('unhandledRejection', onUnhandled)
    assert.deepEqual(unhandled, [], 'no unhandled rejection')
  })
}

/** Poll `check` every 50 ms until it resolves true (a throw counts as not yet); fail after `timeoutMs`. */
export async function waitUntil (what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    let done = false
    try {
      done = await check()
    } catch {}
    if (done) return
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}
