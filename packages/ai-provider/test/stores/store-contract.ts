// One contract suite for every AiStore backend (STYLE.md: one storage interface, two backends,
// one contract test suite). Each backend's test file calls storeContract with a factory.
// Time: the memory store moves a fake clock in `advance`; Valkey sleeps for real over short
// server-side TTLs, so every window here is a few tens of milliseconds.
import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AiStore, StoredEvent } from '../../src/store.ts'
import type { Clock } from '../../src/types.ts'

export interface StoreUnderTest {
  store: AiStore
  /** The fake clock driving the store, when it has one. */
  clock?: Clock
  /** Let `ms` of store time pass (fake clock or real sleep). Default: a real sleep. */
  advance? (ms: number): Promise<void>
  /** Another store instance on the same backend (Valkey): events must cross between them. */
  second? (): Promise<AiStore>
  /** Close the store(s) and release the backend. */
  cleanup (): Promise<void>
}

/** Window and TTL used by the time-based cases: short, since Valkey TTLs are real. */
const WINDOW = 150
/** Store time that surely ends a WINDOW (Valkey expiry is millisecond-precise but not instant). */
const PAST_WINDOW = WINDOW + 60

async function waitFor (what: string, predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await sleep(5)
  }
}

export function storeContract (name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`AiStore contract: ${name}`, () => {
    let subject: StoreUnderTest
    let store: AiStore
    async function advance (ms: number): Promise<void> {
      if (subject.advance !== undefined) await subject.advance(ms)
      else await sleep(ms)
    }

    beforeEach(async () => {
      subject = await factory()
      store = subject.store
    })
    afterEach(async () => {
      await subject.cleanup()
    })

    describe('consume', () => {
      test('admits exactly max units per window and a refused call takes nothing', async () => {
        const results = []
        for (let i = 0; i < 5; i++) results.push(await store.consume('rate:a', 3, 10_000))
        assert.deepEqual(results.map((result) => result.allowed), [true, true, true, false, false])
        assert.deepEqual(results.map((result) => result.count), [1, 2, 3, 3, 3])
        for (const result of results) {
          assert.ok(result.resetInMs > 0 && result.resetInMs <= 10_000, `resetInMs ${result.resetInMs}`)
        }
      })

      test('a new window starts after the old one ends', async () => {
        assert.equal((await store.consume('rate:b', 1, WINDOW)).allowed, true)
        assert.equal((await store.consume('rate:b', 1, WINDOW)).allowed, false)
        await advance(PAST_WINDOW)
        const next = await store.consume('rate:b', 1, WINDOW)
        assert.deepEqual({ allowed: next.allowed, count: next.count }, { allowed: true, count: 1 })
      })

      test('refused calls do not extend the window', async () => {
        await store.consume('rate:c', 1, WINDOW)
        await advance(WINDOW / 2)
        const refused = await store.consume('rate:c', 1, WINDOW)
        assert.equal(refused.allowed, false)
        assert.ok(refused.resetInMs <= WINDOW / 2 + 5, `resetInMs ${refused.resetInMs} grew`)
        await advance(WINDOW / 2 + 60)
        assert.equal((await store.consume('rate:c', 1, WINDOW)).allowed, true)
      })

      test('keys are independent', async () => {
        assert.equal((await store.consume('rate:d1', 1, 10_000)).allowed, true)
        assert.equal((await store.consume('rate:d2', 1, 10_000)).allowed, true)
        assert.equal((await store.consume('rate:d1', 1, 10_000)).allowed, false)
      })

      test('50 concurrent calls with max 10 admit exactly 10', async () => {
        const results = await Promise.all(Array.from({ length: 50 }, () => store.consume('rate:e', 10, 10_000)))
        const allowed = results.filter((result) => result.allowed)
        assert.equal(allowed.length, 10)
        assert.deepEqual(allowed.map((result) => result.count).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      })
    })

    describe('consumeUnless', () => {
      // Both built-in stores have it (the chain's cool-down check and rate unit in one step).
      function consumeUnless (guardKey: string, key: string, max: number, windowMs: number) {
        assert.ok(store.consumeUnless !== undefined, 'the store has consumeUnless')
        return store.consumeUnless(guardKey, key, max, windowMs)
      }

      test('without the guard it takes units as consume does, and refuses past max', async () => {
        const results = []
        for (let i = 0; i < 3; i++) results.push(await consumeUnless('guard:ga', 'rate:ga', 2, 10_000))
        assert.deepEqual(results.map((result) => result.guard), [undefined, undefined, undefined])
        assert.deepEqual(results.map((result) => [result.unit?.allowed, result.unit?.count]), [[true, 1], [true, 2], [false, 2]])
        for (const result of results) {
          assert.ok(result.unit !== undefined && result.unit.resetInMs > 0 && result.unit.resetInMs <= 10_000, `resetInMs ${result.unit?.resetInMs}`)
        }
        // The same counter as consume's.
        assert.equal((await store.consume('rate:ga', 2, 10_000)).allowed, false)
      })

      test('with the guard set it returns its value and takes nothing', async () => {
        await store.set('guard:gb', '{"until":1,"reason":"AI_PROVIDER_TIMEOUT"}', 10_000)
        const guarded = await consumeUnless('guard:gb', 'rate:gb', 1, 10_000)
        assert.deepEqual(guarded, { guard: '{"until":1,"reason":"AI_PROVIDER_TIMEOUT"}' })
        // Nothing was taken: the one unit of the window is still there.
        const unit = await store.consume('rate:gb', 1, 10_000)
        assert.deepEqual({ allowed: unit.allowed, count: unit.count }, { allowed: true, count: 1 })
      })

      test('once the guard expires units are taken again', async () => {
        await store.set('guard:gc', 'cooling', WINDOW)
        assert.equal((await consumeUnless('guard:gc', 'rate:gc', 5, 10_000)).guard, 'cooling')
        await advance(PAST_WINDOW)
        const result = await consumeUnless('guard:gc', 'rate:gc', 5, 10_000)
        assert.deepEqual({ guard: result.guard, allowed: result.unit?.allowed, count: result.unit?.count }, { guard: undefined, allowed: true, count: 1 })
      })

      test('30 concurrent calls with max 10 admit exactly 10', async () => {
        const results = await Promise.all(Array.from({ length: 30 }, () => consumeUnless('guard:gd', 'rate:gd', 10, 10_000)))
        assert.equal(results.filter((result) => result.unit?.allowed === true).length, 10)
        assert.equal(results.filter((result) => result.unit?.allowed === false).length, 20)
      })
    })

    describe('spend windows and counter hashes', () => {
      test('reserve adds while every limited counter is under its max; a refused call adds nothing', async () => {
        const counters = [{ field: 'tokens', amount: 40, max: 100 }, { field: 'cost', amount: 7 }]
        const results = []
        for (let i = 0; i < 4; i++) results.push(await store.reserve('budget:a', 10_000, counters))
        // 0, 40, 80 are under 100; 120 is not.
        assert.deepEqual(results.map((result) => result.allowed), [true, true, true, false])
        assert.equal(results[3].refusedBy, 'tokens')
        assert.equal(results[3].windowId, '')
        assert.ok(results[0].windowId !== '')
        for (const result of results.slice(1, 3)) assert.equal(result.windowId, results[0].windowId)
        for (const result of results) assert.ok(result.resetInMs > 0 && result.resetInMs <= 10_000, `resetInMs ${result.resetInMs}`)
        // A counter without a max is counted, never refuses.
        assert.equal((await store.reserve('budget:a', 10_000, [{ field: 'cost', amount: 1 }])).allowed, true)
      })

      test('one counter at its max refuses the whole reservation', async () => {
        assert.equal((await store.reserve('budget:b', 10_000, [{ field: 'tokens', amount: 1, max: 100 }, { field: 'cost', amount: 5, max: 5 }])).allowed, true)
        const refused = await store.reserve('budget:b', 10_000, [{ field: 'tokens', amount: 1, max: 100 }, { field: 'cost', amount: 5, max: 5 }])
        assert.deepEqual({ allowed: refused.allowed, refusedBy: refused.refusedBy }, { allowed: false, refusedBy: 'cost' })
        // tokens took nothing from the refused call: 1 + 99 is admitted, then it is at 100.
        assert.equal((await store.reserve('budget:b', 10_000, [{ field: 'tokens', amount: 99, max: 100 }])).allowed, true)
        assert.equal((await store.reserve('budget:b', 10_000, [{ field: 'tokens', amount: 1, max: 100 }])).allowed, false)
      })

      test('a window ends after windowMs and the next one has a new id', async () => {
        const first = await store.reserve('budget:c', WINDOW, [{ field: 'tokens', amount: 10, max: 10 }])
        assert.equal((await store.reserve('budget:c', WINDOW, [{ field: 'tokens', amount: 10, max: 10 }])).allowed, false)
        await advance(PAST_WINDOW)
        const next = await store.reserve('budget:c', WINDOW, [{ field: 'tokens', amount: 10, max: 10 }])
        assert.equal(next.allowed, true)
        assert.notEqual(next.windowId, first.windowId)
      })

      test('settle adjusts the window it was reserved in, never below 0, and nothing in a later window', async () => {
        const held = await store.reserve('budget:d', WINDOW, [{ field: 'tokens', amount: 50, max: 100 }, { field: 'cost', amount: 9 }])
        await store.reserve('budget:d', WINDOW, [{ field: 'tokens', amount: 50, max: 100 }])
        // Full: 100. Settling the first to 20 frees 30.
        await store.settle([{ key: 'budget:d', windowId: held.windowId, deltas: { tokens: -30, cost: -20 } }], [])
        assert.equal((await store.reserve('budget:d', WINDOW, [{ field: 'tokens', amount: 1, max: 100 }])).allowed, true)
        assert.equal((await store.reserve('budget:d', WINDOW, [{ field: 'tokens', amount: 1, max: 71 }])).allowed, false)
        // cost went to 0, not -11: 0 is under a max of 1.
        assert.equal((await store.reserve('budget:d', WINDOW, [{ field: 'cost', amount: 1, max: 1 }])).allowed, true)
        await advance(PAST_WINDOW)
        const later = await store.reserve('budget:d', WINDOW, [{ field: 'tokens', amount: 100, max: 100 }])
        // A late settlement of the old window gives nothing to the new one.
        await store.settle([{ key: 'budget:d', windowId: held.windowId, deltas: { tokens: -100 } }], [])
        assert.equal((await store.reserve('budget:d', WINDOW, [{ field: 'tokens', amount: 1, max: 100 }])).allowed, false)
        await store.settle([{ key: 'budget:d', windowId: later.windowId, deltas: { tokens: -1 } }], [])
        assert.equal((await store.reserve('budget:d', WINDOW, [{ field: 'tokens', amount: 1, max: 100 }])).allowed, true)
        // Settling a window that never existed does nothing and creates nothing.
        await store.settle([{ key: 'budget:none', windowId: 'x', deltas: { tokens: 5 } }], [])
        assert.equal((await store.reserve('budget:none', WINDOW, [{ field: 'tokens', amount: 1, max: 1 }])).allowed, true)
      })

      test('settle increments counter hashes and renews their TTL; readCounters reads them', async () => {
        assert.deepEqual(await store.readCounters('usage:x'), {})
        await store.settle([], [
          { key: 'usage:x', increments: { 'requests|m': 1, 'tokens|m': 30 }, ttlMs: WINDOW },
          { key: 'usage:y', increments: { a: 2 }, ttlMs: 10_000 }
        ])
        await store.settle([], [{ key: 'usage:x', increments: { 'requests|m': 1, 'tokens|m': 12, 'tokens|n': 4 }, ttlMs: WINDOW }])
        assert.deepEqual(await store.readCounters('usage:x'), { 'requests|m': 2, 'tokens|m': 42, 'tokens|n': 4 })
        await advance(WINDOW / 2)
        await store.settle([], [{ key: 'usage:x', increments: { 'requests|m': 1 }, ttlMs: WINDOW }])
        await advance(WINDOW / 2 + 30)
        assert.equal((await store.readCounters('usage:x'))['requests|m'], 3, 'the last write renewed the TTL')
        await advance(PAST_WINDOW)
        assert.deepEqual(await store.readCounters('usage:x'), {})
        assert.deepEqual(await store.readCounters('usage:y'), { a: 2 })
      })

      test('settle applies adjustments and increments in one call', async () => {
        const held = await store.reserve('budget:e', 10_000, [{ field: 'tokens', amount: 10, max: 10 }])
        await store.settle([{ key: 'budget:e', windowId: held.windowId, deltas: { tokens: -10 } }], [{ key: 'usage:e', increments: { n: 1 }, ttlMs: 10_000 }])
        assert.deepEqual(await store.readCounters('usage:e'), { n: 1 })
        assert.equal((await store.reserve('budget:e', 10_000, [{ field: 'tokens', amount: 10, max: 10 }])).allowed, true)
      })

      test('40 concurrent reservations of 10 with max 100 admit exactly 10', async () => {
        const results = await Promise.all(Array.from({ length: 40 }, () => store.reserve('budget:f', 10_000, [{ field: 'tokens', amount: 10, max: 100 }])))
        assert.equal(results.filter((result) => result.allowed).length, 10)
        assert.equal(new Set(results.filter((result) => result.allowed).map((result) => result.windowId)).size, 1)
      })
    })

    describe('values', () => {
      test('get returns what set wrote, undefined when missing', async () => {
        assert.equal(await store.get('value:missing'), undefined)
        await store.set('value:a', 'one', 10_000)
        assert.equal(await store.get('value:a'), 'one')
        await store.set('value:a', 'two ✓ | with "quotes"\nand lines', 10_000)
        assert.equal(await store.get('value:a'), 'two ✓ | with "quotes"\nand lines')
      })

      test('a value expires after its TTL; one without TTL stays', async () => {
        await store.set('value:short', 'x', WINDOW)
        await store.set('value:forever', 'y')
        assert.equal(await store.get('value:short'), 'x')
        await advance(PAST_WINDOW)
        assert.equal(await store.get('value:short'), undefined)
        assert.equal(await store.get('value:forever'), 'y')
      })

      test('delete removes keys and ignores missing ones', async () => {
        await store.set('value:d1', '1', 10_000)
        await store.set('value:d2', '2', 10_000)
        await store.set('value:d3', '3', 10_000)
        await store.delete(['value:d1', 'value:d2', 'value:nope'])
        await store.delete([])
        assert.equal(await store.get('value:d1'), undefined)
        assert.equal(await store.get('value:d2'), undefined)
        assert.equal(await store.get('value:d3'), '3')
      })

      test('expire resets the TTL of existing keys and ignores missing ones', async () => {
        await store.set('value:e', 'kept', WINDOW)
        await store.listPush('list:e', 'item', 10, WINDOW)
        await store.expire(['value:e', 'list:e', 'value:absent'], WINDOW * 3)
        await advance(PAST_WINDOW)
        assert.equal(await store.get('value:e'), 'kept')
        assert.deepEqual(await store.listRange('list:e'), ['item'])
        assert.equal(await store.get('value:absent'), undefined)
        await advance(WINDOW * 2 + 60)
        assert.equal(await store.get('value:e'), undefined)
        assert.deepEqual(await store.listRange('list:e'), [])
      })
    })

    describe('lists', () => {
      test('listPush keeps order and only the last maxLength items', async () => {
        assert.deepEqual(await store.listRange('list:a'), [])
        for (const item of ['1', '2', '3', '4', '5']) await store.listPush('list:a', item, 3, 10_000)
        assert.deepEqual(await store.listRange('list:a'), ['3', '4', '5'])
      })

      test('a list capped at one item keeps the last; listRange returns a copy', async () => {
        await store.listPush('list:c', 'one', 1, 10_000)
        const first = await store.listRange('list:c')
        assert.deepEqual(first, ['one'])
        first.push('not stored')
        await store.listPush('list:c', 'two', 1, 10_000)
        assert.deepEqual(await store.listRange('list:c'), ['two'])
        await store.listPush('list:c', 'three', 5, 10_000)
        const both = await store.listRange('list:c')
        assert.deepEqual(both, ['two', 'three'])
        both.length = 0
        assert.deepEqual(await store.listRange('list:c'), ['two', 'three'])
        await store.listPush('list:d', 'nothing kept', 0, 10_000)
        assert.deepEqual(await store.listRange('list:d'), [])
      })

      test('a list expires after its TTL, and every push renews it', async () => {
        await store.listPush('list:b', 'first', 10, WINDOW)
        await advance(WINDOW - 50)
        await store.listPush('list:b', 'second', 10, WINDOW)
        await advance(WINDOW - 50)
        assert.deepEqual(await store.listRange('list:b'), ['first', 'second'])
        await advance(PAST_WINDOW)
        assert.deepEqual(await store.listRange('list:b'), [])
      })
    })

    describe('conditional writes', () => {
      // A write and its condition name keys of one subject (`<kind>:<subject>`), as the
      // gateway's do: a cluster store keeps the keys of one subject in one hash slot.
      test('set, listPush and appendEvents write only while the condition key exists', async () => {
        const exists = { key: 'meta:cond' }
        assert.equal(await store.set('value:cond', 'no', 10_000, exists), false)
        assert.equal(await store.listPush('list:cond', 'no', 10, 10_000, exists), false)
        assert.equal(await store.appendEvents?.('log:cond', ['no'], 10_000, exists), 0)
        assert.equal(await store.appendEvent('log:cond', 'no', 10_000, exists), 0)
        assert.equal(await store.get('value:cond'), undefined)
        assert.deepEqual(await store.listRange('list:cond'), [])
        assert.deepEqual(await store.readEvents('log:cond', 0), [])

        await store.set('meta:cond', 'here', 10_000)
        assert.equal(await store.set('value:cond', 'yes', 10_000, exists), true)
        assert.equal(await store.listPush('list:cond', 'yes', 10, 10_000, exists), true)
        assert.equal(await store.appendEvent('log:cond', 'yes', 10_000, exists), 1)
        assert.equal(await store.get('value:cond'), 'yes')
        assert.deepEqual(await store.listRange('list:cond'), ['yes'])

        await store.delete(['meta:cond'])
        assert.equal(await store.set('value:cond', 'after', 10_000, exists), false)
        assert.equal(await store.appendEvent('log:cond', 'after', 10_000, exists), 0)
        assert.equal(await store.get('value:cond'), 'yes')
        assert.deepEqual((await store.readEvents('log:cond', 0)).map((event) => event.data), ['yes'])
      })

      test('a condition with a value needs exactly that value; an expired condition key does not hold', async () => {
        await store.set('token:owned', 'mine', WINDOW)
        const mine = { key: 'token:owned', equals: 'mine' }
        assert.equal(await store.appendEvents?.('log:owned', ['a', 'b'], 10_000, mine), 1)
        assert.equal(await store.appendEvent('log:owned', 'c', 10_000, { key: 'token:owned', equals: 'theirs' }), 0)
        assert.equal(await store.set('token:owned', 'mine', WINDOW, mine), true, 'a renewal under its own token')
        await advance(PAST_WINDOW)
        assert.equal(await store.appendEvent('log:owned', 'd', 10_000, mine), 0)
        assert.deepEqual((await store.readEvents('log:owned', 0)).map((event) => event.data), ['a', 'b'])
      })

      test('replace writes and returns the value it replaced, under its condition', async () => {
        assert.deepEqual(await store.replace('lease:c3', 'one', 10_000), { applied: true, previous: undefined })
        assert.deepEqual(await store.replace('lease:c3', 'two', 10_000), { applied: true, previous: 'one' })
        assert.deepEqual(await store.replace('lease:c3', 'three', 10_000, { key: 'none:c3' }), { applied: false, previous: undefined })
        assert.equal(await store.get('lease:c3'), 'two')
        await store.set('session:c3', '{}', 10_000)
        assert.deepEqual(await store.replace('lease:c3', 'four', WINDOW, { key: 'session:c3' }), { applied: true, previous: 'two' })
        await advance(PAST_WINDOW)
        assert.equal(await store.get('lease:c3'), undefined, 'replace sets the TTL')
      })

      test('clearEvents under a condition clears only while it holds, and keeps the sequence', async () => {
        await store.set('token:clear', 'mine', 10_000)
        await store.appendEvents?.('log:clear', ['a', 'b'], 10_000)
        assert.equal(await store.clearEvents('log:clear', { key: 'token:clear', equals: 'theirs' }), false)
        assert.equal((await store.readEvents('log:clear', 0)).length, 2)
        assert.equal(await store.clearEvents('log:clear', { key: 'token:clear', equals: 'mine' }), true)
        assert.deepEqual(await store.readEvents('log:clear', 0), [])
        assert.equal(await store.appendEvent('log:clear', 'c', 10_000), 3)
      })

      test('a deleted event log goes with its sequence: ids start again at 1', async () => {
        await store.appendEvents?.('cond:gone', ['a', 'b'], 10_000)
        await store.delete(['cond:gone'])
        assert.equal(await store.appendEvent('cond:gone', 'c', 10_000), 1)
      })
    })

    describe('event logs', () => {
      function appendMany (key: string, data: string[], ttlMs: number): Promise<number> {
        assert.ok(store.appendEvents, 'the built-in stores append several events at once')
        return store.appendEvents(key, data, ttlMs)
      }

      test('ids are 1, 2, 3… per log and readEvents returns what comes after an id', async () => {
        assert.equal(await store.appendEvent('events:a', '{"n":1}', 10_000), 1)
        assert.equal(await store.appendEvent('events:a', 'two | ✓\nlines', 10_000), 2)
        assert.equal(await store.appendEvent('events:a', '3', 10_000), 3)
        assert.equal(await store.appendEvent('events:other', 'x', 10_000), 1)
        assert.deepEqual(await store.readEvents('events:a', 0), [
          { id: 1, data: '{"n":1}' }, { id: 2, data: 'two | ✓\nlines' }, { id: 3, data: '3' }
        ])
        assert.deepEqual(await store.readEvents('events:a', 2), [{ id: 3, data: '3' }])
        assert.deepEqual(await store.readEvents('events:a', 3), [])
        assert.deepEqual(await store.readEvents('events:missing', 0), [])
      })

      test('appendEvents stores several events under consecutive ids and returns the first', async () => {
        assert.equal(await store.appendEvent('events:g', 'one', 10_000), 1)
        assert.equal(await appendMany('events:g', ['two', 'three | ✓', '"four"'], 10_000), 2)
        assert.equal(await appendMany('events:g', [], 10_000), 5, 'nothing appended: the next id')
        assert.equal(await store.appendEvent('events:g', 'five', 10_000), 5)
        assert.deepEqual(await store.readEvents('events:g', 1), [
          { id: 2, data: 'two' }, { id: 3, data: 'three | ✓' }, { id: 4, data: '"four"' }, { id: 5, data: 'five' }
        ])
        assert.equal(await appendMany('events:h', ['a', 'b'], 10_000), 1, 'a new log starts at 1')
        await store.clearEvents('events:h')
        assert.equal(await appendMany('events:h', ['c'], 10_000), 3)
        assert.deepEqual(await store.readEvents('events:h', 0), [{ id: 3, data: 'c' }])
      })

      test('a follower is told of every event of appendEvents, in order', async () => {
        const seen: StoredEvent[] = []
        const unfollow = await store.followEvents('events:i', (event) => seen.push(event))
        await appendMany('events:i', ['a', 'b', 'c'], 10_000)
        await store.appendEvent('events:i', 'd', 10_000)
        await waitFor('four events', () => seen.length >= 4)
        assert.deepEqual(seen, [{ id: 1, data: 'a' }, { id: 2, data: 'b' }, { id: 3, data: 'c' }, { id: 4, data: 'd' }])
        await unfollow()
      })

      test('events of appendEvents expire with the log', async () => {
        await appendMany('events:j', ['a', 'b'], WINDOW)
        await advance(PAST_WINDOW)
        assert.deepEqual(await store.readEvents('events:j', 0), [])
      })

      test('clearEvents drops the events but keeps the sequence', async () => {
        await store.appendEvent('events:b', 'a', 10_000)
        await store.appendEvent('events:b', 'b', 10_000)
        await store.clearEvents('events:b')
        assert.deepEqual(await store.readEvents('events:b', 0), [])
        assert.equal(await store.appendEvent('events:b', 'c', 10_000), 3)
        assert.deepEqual(await store.readEvents('events:b', 0), [{ id: 3, data: 'c' }])
      })

      test('a log expires after its TTL', async () => {
        await store.appendEvent('events:c', 'a', WINDOW)
        await advance(PAST_WINDOW)
        assert.deepEqual(await store.readEvents('events:c', 0), [])
      })

      test('followEvents is told of appended events in order until it unsubscribes', async () => {
        const seen: StoredEvent[] = []
        const unfollow = await store.followEvents('events:d', (event) => seen.push(event))
        await store.appendEvent('events:d', 'one', 10_000)
        await store.appendEvent('events:d', 'two', 10_000)
        await store.appendEvent('events:elsewhere', 'not for us', 10_000)
        await waitFor('two events', () => seen.length >= 2)
        assert.deepEqual(seen, [{ id: 1, data: 'one' }, { id: 2, data: 'two' }])

        await unfollow()
        await store.appendEvent('events:d', 'three', 10_000)
        await sleep(50)
        assert.equal(seen.length, 2)
        assert.equal((await store.readEvents('events:d', 0)).length, 3)
      })

      test('several followers of one log each get every event; one leaving keeps the others', async () => {
        const first: number[] = []
        const second: number[] = []
        const unfollowFirst = await store.followEvents('events:e', (event) => first.push(event.id))
        const unfollowSecond = await store.followEvents('events:e', (event) => second.push(event.id))
        await store.appendEvent('events:e', 'a', 10_000)
        await waitFor('both followers', () => first.length === 1 && second.length === 1)
        await unfollowFirst()
        await store.appendEvent('events:e', 'b', 10_000)
        await waitFor('the remaining follower', () => second.length === 2)
        assert.deepEqual(first, [1])
        assert.deepEqual(second, [1, 2])
        await unfollowSecond()
      })

      test('events appended by another instance reach followers', async (t) => {
        if (subject.second === undefined) {
          t.skip('this backend is not shared between instances')
          return
        }
        const other = await subject.second()
        const seenHere: StoredEvent[] = []
        const seenThere: StoredEvent[] = []
        const unfollowHere = await store.followEvents('events:f', (event) => seenHere.push(event))
        const unfollowThere = await other.followEvents('events:f', (event) => seenThere.push(event))
        await other.appendEvent('events:f', 'from the other', 10_000)
        await store.appendEvent('events:f', 'from this one', 10_000)
        await waitFor('events on both instances', () => seenHere.length === 2 && seenThere.length === 2)
        const expected = [{ id: 1, data: 'from the other' }, { id: 2, data: 'from this one' }]
        assert.deepEqual(seenHere, expected)
        assert.deepEqual(seenThere, expected)
        assert.deepEqual(await other.readEvents('events:f', 1), [{ id: 2, data: 'from this one' }])
        await unfollowHere()
        await unfollowThere()
      })
    })

    test('ping resolves while the backend is up', async () => {
      await store.ping()
    })
  })
}
