// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.
//
// When keys of the memory store expire, without walking every key: expiring keys are queued in
// buckets of `resolution` ms (by their expiry time), and a sweep every `resolution` ms takes the
// due buckets only, so its work follows the keys that expire rather than the keys that live.
//
// A key sits in one bucket at a time. When its expiry moves later (every write of a session
// does), it stays where it is and is moved on when its bucket comes due and it is still alive:
// a key rewritten every second with a 24 h TTL is queued once a day, not once per write. Only a
// move to an earlier bucket queues it again; the stale place is skipped (its `bucket` differs).

import type { Clock } from '../types.ts'

/** What the wheel needs of a key. */
export interface WheelItem {
  /** Epoch ms when the key expires (Infinity: never). */
  expiresAt: number
  /** The bucket the key is queued in, NOT_QUEUED when none. Owned by the wheel. */
  bucket: number
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
  /** Forget `item` (it was removed). */
  unschedule (item: T): void
  /** Take the due buckets now (the timer does it every `resolution` ms). */
  sweep (): void
  /** Stop the timer and forget everything. */
  close (): void
}

export function createExpiryWheel<T extends WheelItem> (options: ExpiryWheelOptions<T>): ExpiryWheel<T> {
  const { resolution, clock, onExpired } = options
  const buckets = new Map<number, T[]>()
  // Every bucket up to this one has been taken.
  let swept = Math.floor(clock.now() / resolution)
  let continuation: NodeJS.Immediate | undefined
  const timer = setInterval(sweep, resolution)
  timer.unref()

  function enqueue (item: T, bucket: number): void {
    item.bucket = bucket
    const queued = buckets.get(bucket)
    if (queued === undefined) buckets.set(bucket, [item])
    else queued.push(item)
  }

  function schedule (item: T): void {
    if (item.expiresAt === Number.POSITIVE_INFINITY) return
    // Already due: the next sweep takes it.
    const bucket = Math.max(Math.ceil(item.expiresAt / resolution), swept + 1)
    if (item.bucket === NOT_QUEUED || bucket < item.bucket) enqueue(item, bucket)
  }

  /** Look at up to `budget` keys of a due bucket; returns what is left of the budget. */
  function drain (bucket: number, queued: T[], now: number, budget: number): number {
    while (budget > 0 && queued.length > 0) {
      budget--
      const item = queued.pop() as T
      // Moved to an earlier bucket, or removed, since it was queued here.
      if (item.bucket !== bucket) continue
      item.bucket = NOT_QUEUED
      if (item.expiresAt <= now) onExpired(item)
      else schedule(item)
    }
    if (queued.length === 0) buckets.delete(bucket)
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
        const queued = buckets.get(bucket)
        if (queued !== undefined) budget = drain(bucket, queued, now, budget)
        if (budget > 0) swept = bucket
      }
    } else {
      // The clock jumped further than there are buckets: look at the buckets instead.
      for (const [bucket, queued] of buckets) {
        if (bucket <= due) budget = drain(bucket, queued, now, budget)
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
      item.bucket = NOT_QUEUED
    },
    sweep,
    close (): void {
      clearInterval(timer)
      if (continuation !== undefined) clearImmediate(continuation)
      buckets.clear()
    }
  }
}
