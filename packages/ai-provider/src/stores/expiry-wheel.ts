// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.
//
// When keys of the memory store expire, without walking every key: expiring keys are queued in
// buckets of `resolution` ms (by their expiry time), and a sweep every `resolution` ms takes the
// due buckets only, so its work follows the keys that expire rather than the keys that live.
//
// A bucket is a doubly-linked list through its keys (the links sit on the keys themselves), so
// a key leaves its bucket at once, in O(1), when it is removed: an evicted or deleted key, and
// the value it holds, is not kept until its bucket comes due (a day later by default).
//
// A key sits in one bucket at a time. When its expiry moves later (every write of a session
// does), it stays where it is and is moved on when its bucket comes due and it is still alive:
// a key rewritten every second with a 24 h TTL is queued once a day, not once per write. Only a
// move to an earlier bucket takes it out of its bucket and queues it again.

import type { Clock } from '../types.ts'

/** What the wheel needs of a key. */
export interface WheelItem {
  /** Epoch ms when the key expires (Infinity: never). */
  expiresAt: number
  /** The bucket the key is queued in, NOT_QUEUED when none. Owned by the wheel. */
  bucket: number
  /** The key queued before it in its bucket. Owned by the wheel. */
  previousInBucket: this | undefined
  /** The key queued after it in its bucket. Owned by the wheel. */
  nextInBucket: this | undefined
}

export const NOT_QUEUED = -1

/** Most queued keys looked at per event-loop turn, so a large expiry never blocks requests. */
const BATCH = 4096

export interface ExpiryWheelOptions<T extends WheelItem> {
  /** Width of a bucket and period of the sweep, in ms. */
  resolution: number
  clock: Clock
  /** Called by the sweep for every expired key. */
  onExpired: (item: T) => void
}

export interface ExpiryWheel<T extends WheelItem> {
  /** Queue `item` by its current `expiresAt` (call after every change of it). */
  schedule (item: T): void
  /** Forget `item` (it was removed): it leaves its bucket at once. */
  unschedule (item: T): void
  /** Take the due buckets now (the timer does it every `resolution` ms). */
  sweep (): void
  /** Stop the timer and forget everything. */
  close (): void
}

export function createExpiryWheel<T extends WheelItem> (options: ExpiryWheelOptions<T>): ExpiryWheel<T> {
  const { resolution, clock, onExpired } = options
  // Each bucket by its number: the first key queued in it, the others linked from it.
  const buckets = new Map<number, T>()
  // Every bucket up to this one has been taken.
  let swept = Math.floor(clock.now() / resolution)
  let continuation: NodeJS.Immediate | undefined
  const timer = setInterval(sweep, resolution)
  timer.unref()

  function enqueue (item: T, bucket: number): void {
    const first = buckets.get(bucket)
    item.bucket = bucket
    item.previousInBucket = undefined
    item.nextInBucket = first
    if (first !== undefined) first.previousInBucket = item
    buckets.set(bucket, item)
  }

  /** Take a queued `item` out of its bucket, and drop its links so it keeps no neighbour alive. */
  function dequeue (item: T): void {
    const previous = item.previousInBucket
    const next = item.nextInBucket
    if (previous !== undefined) previous.nextInBucket = next
    else if (next !== undefined) buckets.set(item.bucket, next)
    else buckets.delete(item.bucket)
    if (next !== undefined) next.previousInBucket = previous
    item.bucket = NOT_QUEUED
    item.previousInBucket = undefined
    item.nextInBucket = undefined
  }

  function schedule (item: T): void {
    if (item.expiresAt === Number.POSITIVE_INFINITY) return
    // Already due: the next sweep takes it.
    const bucket = Math.max(Math.ceil(item.expiresAt / resolution), swept + 1)
    if (item.bucket === NOT_QUEUED) {
      enqueue(item, bucket)
    } else if (bucket < item.bucket) {
      dequeue(item)
      enqueue(item, bucket)
    }
  }

  /** Look at up to `budget` keys of a due bucket; returns what is left of the budget. */
  function drain (bucket: number, now: number, budget: number): number {
    // The first key again after each one: `onExpired` may remove keys of this bucket.
    let item = buckets.get(bucket)
    while (budget > 0 && item !== undefined) {
      budget--
      dequeue(item)
      if (item.expiresAt <= now) onExpired(item)
      else schedule(item)
      item = buckets.get(bucket)
    }
    return budget
  }

  function sweep (): void {
    continuation = undefined
    const now = clock.now()
    const due = Math.floor(now / resolution)
    let budget = BATCH
    if (due - swept <= buckets.size) {
      // The usual case: one or a few buckets came due since the last sweep.
      for (let bucket = swept + 1; bucket <= due && budget > 0; bucket++) {
        budget = drain(bucket, now, budget)
        if (budget > 0) swept = bucket
      }
    } else {
      // The clock jumped further than there are buckets: look at the buckets instead.
      for (const bucket of buckets.keys()) {
        if (bucket <= due) budget = drain(bucket, now, budget)
        if (budget === 0) break
      }
      if (budget > 0) swept = due
    }
    // More was due than one batch: go on after pending I/O rather than in this turn.
    if (budget === 0 && continuation === undefined) continuation = setImmediate(sweep)
  }

  return {
    schedule,
    unschedule (item: T): void {
      if (item.bucket !== NOT_QUEUED) dequeue(item)
    },
    sweep,
    close (): void {
      clearInterval(timer)
      if (continuation !== undefined) clearImmediate(continuation)
      buckets.clear()
    }
  }
}
