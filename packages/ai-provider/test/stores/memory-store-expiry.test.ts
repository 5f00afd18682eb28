// The memory store's expiry wheel: expired keys are reclaimed by the sweep, work is bounded
// per event-loop turn, and a key whose expiry keeps moving later is not queued again per write.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { createExpiryWheel, NOT_QUEUED } from '../../src/stores/expiry-wheel.ts'
import type { WheelItem } from '../../src/stores/expiry-wheel.ts'
import { createMemoryStore } from '../../src/stores/memory-store.ts'
import { createFakeClock } from '../helpers/ai.ts'

interface Item extends WheelItem {
  name: string
}

function item (name: string, expiresAt: number): Item {
  return { name, expiresAt, bucket: NOT_QUEUED, previousInBucket: undefined, nextInBucket: undefined }
}

function setup (t: import('node:test').TestContext) {
  const clock = createFakeClock(1_000_000)
  const expired: string[] = []
  // The timer's period is long: the tests sweep by hand.
  const wheel = createExpiryWheel<Item>({ resolution: 1000, clock, onExpired (each) { expired.push(each.name) } })
  t.after(() => wheel.close())
  return { clock, expired, wheel }
}

test('the expiry wheel reclaims a key at the first sweep after it expires, not before', (t) => {
  const { clock, expired, wheel } = setup(t)
  wheel.schedule(item('short', 1_001_500))
  wheel.schedule(item('long', 1_010_000))
  wheel.schedule(item('forever', Number.POSITIVE_INFINITY))
  clock.advance(1000)
  wheel.sweep()
  assert.deepEqual(expired, [])
  clock.advance(1000)
  wheel.sweep()
  assert.deepEqual(expired, ['short'])
  clock.advance(60_000)
  wheel.sweep()
  assert.deepEqual(expired, ['short', 'long'])
})

test('the expiry wheel keeps a key whose expiry moved later in its bucket and expires it at its new time', (t) => {
  const { clock, expired, wheel } = setup(t)
  const session = item('session', 1_010_000)
  wheel.schedule(session)
  const queuedIn = session.bucket
  for (let i = 1; i <= 100; i++) {
    session.expiresAt = 1_010_000 + i * 100
    wheel.schedule(session)
    assert.equal(session.bucket, queuedIn, 'a later expiry does not queue the key again')
  }
  clock.advance(10_000)
  wheel.sweep()
  assert.deepEqual(expired, [], 'still alive at its first bucket: moved on')
  clock.advance(11_000)
  wheel.sweep()
  assert.deepEqual(expired, ['session'])
})

test('the expiry wheel requeues a key whose expiry moved earlier and expires it once', (t) => {
  const { clock, expired, wheel } = setup(t)
  const key = item('key', 1_050_000)
  wheel.schedule(key)
  key.expiresAt = 1_002_000
  wheel.schedule(key)
  clock.advance(3000)
  wheel.sweep()
  assert.deepEqual(expired, ['key'])
  clock.advance(60_000)
  wheel.sweep()
  assert.deepEqual(expired, ['key'], 'expired once')
})

test('the expiry wheel does not expire an unscheduled (removed) key', (t) => {
  const { clock, expired, wheel } = setup(t)
  const removed = item('removed', 1_001_000)
  wheel.schedule(removed)
  wheel.unschedule(removed)
  clock.advance(5000)
  wheel.sweep()
  assert.deepEqual(expired, [])
})

test('the expiry wheel takes removed and moved keys out of any place in their bucket and still expires the others', (t) => {
  const { clock, expired, wheel } = setup(t)
  const keys = ['a', 'b', 'c', 'd', 'e'].map((name) => item(name, 1_010_000))
  for (const key of keys) wheel.schedule(key)
  const [a, b, c, d, e] = keys
  // A bucket takes new keys at its head: e is first, a last.
  wheel.unschedule(e)
  wheel.unschedule(c)
  wheel.unschedule(a)
  b.expiresAt = 1_002_000
  wheel.schedule(b)
  for (const removed of [a, c, e]) {
    assert.deepEqual([removed.bucket, removed.previousInBucket, removed.nextInBucket], [NOT_QUEUED, undefined, undefined], `${removed.name} keeps no link`)
  }
  clock.advance(3000)
  wheel.sweep()
  assert.deepEqual(expired, ['b'])
  clock.advance(10_000)
  wheel.sweep()
  assert.deepEqual(expired, ['b', 'd'])
  assert.equal(d.bucket, NOT_QUEUED)
})

test('the expiry wheel takes a large backlog in batches over several event-loop turns', async (t) => {
  const { clock, expired, wheel } = setup(t)
  for (let i = 0; i < 10_000; i++) wheel.schedule(item(`k${i}`, 1_001_000 + (i % 3) * 1000))
  clock.advance(5000)
  wheel.sweep()
  assert.ok(expired.length > 0 && expired.length < 10_000, `one batch per turn, got ${expired.length}`)
  for (let turn = 0; turn < 10 && expired.length < 10_000; turn++) await nextTurn()
  assert.equal(expired.length, 10_000)
  assert.equal(new Set(expired).size, 10_000, 'each key expired once')
})

test('the expiry wheel handles a clock jump far beyond its buckets', (t) => {
  const { clock, expired, wheel } = setup(t)
  wheel.schedule(item('a', 1_002_000))
  wheel.schedule(item('b', 1_000_000 + 86_400_000 * 365))
  clock.advance(86_400_000 * 30)
  wheel.sweep()
  assert.deepEqual(expired, ['a'])
})

test('the memory store under a steady stream of short sessions keeps only the live ones (expired keys are reclaimed)', async (t) => {
  const clock = createFakeClock()
  // 1000 keys at most; 10 sessions of two keys per store "second", a TTL of 10 s: ~220 live keys.
  const store = createMemoryStore({ clock, maxKeys: 1000, sweepInterval: 5 })
  t.after(() => store.close())
  await store.set('config', 'kept')
  for (let second = 0; second < 300; second++) {
    for (let i = 0; i < 10; i++) {
      await store.set(`session:${second}:${i}`, 'meta', 10_000)
      await store.listPush(`turns:${second}:${i}`, 'turn', 100, 10_000)
    }
    clock.advance(1000)
    // Let the (real) sweep timer run.
    if (second % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 10))
  }
  // 6000 keys were written; had expired keys not been reclaimed, maxKeys would have evicted the oldest write.
  assert.equal(await store.get('config'), 'kept')
  assert.equal(await store.get('session:299:9'), 'meta')
  assert.equal(await store.get('session:250:0'), undefined, 'expired')
})
