// The store contract against the in-process store, on a fake clock.
import { createMemoryStore } from '../../src/stores/memory-store.ts'
import { storeContract } from './store-contract.ts'

storeContract('memory', async function createSubject () {
  let now = 1_700_000_000_000
  const clock = { now: () => now }
  const store = createMemoryStore({ clock })
  return {
    store,
    clock,
    async advance (ms: number) { now += ms },
    async cleanup () { await store.close() }
  }
})
