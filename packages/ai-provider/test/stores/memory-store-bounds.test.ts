import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMemoryStore } from '../../src/stores/memory-store.ts'
import { createFakeClock } from '../helpers/ai.ts'

test('the memory store evicts the oldest write beyond maxKeys', async (t) => {
  const store = createMemoryStore({ maxKeys: 3 })
  t.after(() => store.close())
  await store.set('a', '1')
  await store.set('b', '2')
  await store.set('c', '3')
  await store.set('a', '1 again')
  await store.listPush('d', 'x', 10, 60_000)
  assert.equal(await store.get('b'), undefined, 'b was the oldest write')
  assert.equal(await store.get('c'), '3')
  assert.equal(await store.get('a'), '1 again')
  assert.deepEqual(await store.listRange('d'), ['x'])
})

test('the sweep removes expired keys that are never read again', async (t) => {
  const clock = createFakeClock()
  const store = createMemoryStore({ clock, maxKeys: 1000, sweepInterval: 10 })
  t.after(() => store.close())
  for (let i = 0; i < 1000; i++) await store.set(`session:${i}`, 'x', 1000)
  await store.set('forever', 'y')
  clock.advance(1000)
  await new Promise((resolve) => setTimeout(resolve, 30))
  // A new write would evict `forever` if the expired keys were still counted.
  for (let i = 0; i < 999; i++) await store.set(`next:${i}`, 'z', 60_000)
  assert.equal(await store.get('forever'), 'y')
})

test('the memory store keeps write order when a hot key is rewritten between other writes (linked write order)', async (t) => {
  const store = createMemoryStore({ maxKeys: 4 })
  t.after(() => store.close())
  for (let i = 0; i < 100; i++) {
    await store.consume('rate', 1000, 60_000)
    await store.set(`session:${i}`, String(i))
  }
  await store.delete(['session:98'])
  await store.set('late', 'x')
  await store.consume('rate', 1000, 60_000)
  // Newest first: rate, late, session:99, session:97; everything older was evicted.
  assert.equal(await store.get('session:96'), undefined)
  assert.equal(await store.get('session:97'), '97')
  assert.equal(await store.get('session:99'), '99')
  assert.equal(await store.get('late'), 'x')
  // The counter was never evicted: its count goes on.
  assert.equal((await store.consume('rate', 1000, 60_000)).count, 102)
})

test('the memory store evicts the oldest writes beyond maxBytes: values, lists and logs by their size', async (t) => {
  const store = createMemoryStore({ maxBytes: 10_000 })
  t.after(() => store.close())
  const kilo = 'k'.repeat(1000)
  await store.set('old', kilo.repeat(3))
  await store.listPush('turns', kilo, 50, 60_000)
  await store.listPush('turns', kilo, 50, 60_000)
  await store.appendEvents?.('events', [kilo, kilo], 60_000)
  assert.equal(await store.get('old'), kilo.repeat(3), 'about 7 000 held: nothing evicted yet')
  // 4 000 more: the oldest write goes, the rest stays.
  await store.set('new', kilo.repeat(4))
  assert.equal(await store.get('old'), undefined)
  assert.equal((await store.listRange('turns')).length, 2)
  assert.equal((await store.readEvents('events', 0)).length, 2)
  // A cleared log weighs nothing any more: room for more without evicting.
  await store.clearEvents('events')
  await store.set('more', kilo.repeat(2))
  assert.equal((await store.listRange('turns')).length, 2)
  assert.equal(await store.get('new'), kilo.repeat(4))
  // One key larger than the bound is kept (alone): the newest write is never evicted.
  await store.set('huge', kilo.repeat(20))
  assert.equal(await store.get('huge'), kilo.repeat(20))
  assert.equal(await store.get('new'), undefined)
})
