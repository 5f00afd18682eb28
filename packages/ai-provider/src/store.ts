// The storage interface: only the operations the gateway needs. The memory store and the
// Valkey store implement it, and one contract suite (test/store-contract.ts) runs against both.
// Keys given to a store are logical ("session:<id>"); a store may prefix them (Valkey: `aiwarp:`).
// A logical key is `<kind>:<subject>`, and the keys of one operation (a write and its condition,
// consumeUnless's guard and counter) share their subject: a Valkey Cluster store keeps the keys
// of one subject in one hash slot, so one script can touch them all.
// Every operation that fails because the backend cannot be reached rejects with
// AiStorageUnavailableError (AI_STORAGE_UNAVAILABLE, 503), promptly, never hangs.

/** One entry of an event log. */
export interface StoredEvent {
  /** Position in the log: 1, 2, 3… per key, never reused while the key's sequence lives. */
  id: number
  /** The event, serialized by the caller. */
  data: string
}

/** Result of taking one unit of a fixed-window counter. */
export interface ConsumeResult {
  /** True when a unit was taken. */
  allowed: boolean
  /** Units taken in the current window, including this one when allowed. */
  count: number
  /** Milliseconds until the current window ends. */
  resetInMs: number
}

/** Result of `consumeUnless`: the guard's value when it was set (nothing taken), else the unit. */
export type GuardedConsumeResult =
  | {
    /** The guard key's value: it was set, so no unit was taken. */
    guard: string
    unit?: undefined
  }
  | {
    guard?: undefined
    /** The guard key was not set: the outcome of taking the unit. */
    unit: ConsumeResult
  }

/**
 * A condition on a write, checked atomically with it: the write happens only while `key` exists
 * and, when `equals` is given, holds exactly that value. What makes a deleted session stay
 * deleted (writes of a known session require its meta) and keeps a superseded or expired
 * generation out of the event log (appends require the generation's own token).
 */
export interface WriteCondition {
  /** The key that must exist. */
  key: string
  /** The value it must hold; any value when omitted. */
  equals?: string
}

/** One counter of a spend window: what a reservation adds to it, and the most it admits. */
export interface SpendCounter {
  /** The counter's name in the window (`tokens`, `cost`; never `id`). */
  field: string
  /** The integer a reservation adds. */
  amount: number
  /** The window refuses reservations while this counter holds `max` or more; unlimited when omitted. */
  max?: number
}

/** Result of `reserve`. */
export interface ReserveResult {
  /** True when every counter took its amount; false when one refused and nothing was taken. */
  allowed: boolean
  /** The id of the window the amounts went to (`settle` adjusts that window only). Empty when refused. */
  windowId: string
  /** Milliseconds until the window ends. */
  resetInMs: number
  /** When refused: the counter at or over its `max`. */
  refusedBy?: string
}

/**
 * A change to what `reserve` took from a window: applied only while the window it was reserved
 * in (`windowId`) lives, so nothing lands in a later window; a counter never goes below 0.
 */
export interface SpendAdjustment {
  key: string
  windowId: string
  /** Integers to add to counters (negative: given back). */
  deltas: Record<string, number>
}

/** Integer increments of a counter hash, which then expires `ttlMs` after this write. */
export interface CounterIncrement {
  key: string
  increments: Record<string, number>
  ttlMs: number
}

export interface AiStore {
  /**
   * Atomically take one unit of the fixed window `key` of `windowMs`: allowed while fewer than
   * `max` were taken in the window. A refused call takes nothing. One round trip on Valkey.
   */
  consume (key: string, max: number, windowMs: number): Promise<ConsumeResult>
  /**
   * `consume`, unless the value `guardKey` is set: then nothing is taken and the value is
   * returned. One atomic step (one round trip on Valkey) for what a request does before calling
   * a model: skip it while it cools down, else take a unit of its rate limit. Both built-in
   * stores have it; a store of your own without it gets a `get` and then a `consume`.
   */
  consumeUnless? (guardKey: string, key: string, max: number, windowMs: number): Promise<GuardedConsumeResult>

  /**
   * Add `counters`' amounts to the fixed window `key` of `windowMs`, atomically: only when every
   * counter with a `max` holds less than it (then all are added; otherwise none). The first
   * reservation opens the window (with a new id) and its TTL; a window that somehow lost its TTL
   * starts again. One round trip on Valkey. Budgets (tokens, cost) per caller and per model.
   */
  reserve (key: string, windowMs: number, counters: readonly SpendCounter[]): Promise<ReserveResult>
  /**
   * Apply each adjustment to its window (when that window still lives) and add each increment to
   * its counter hash, renewing its TTL; each window and each hash is changed atomically. What a
   * request does after its call: settle its reservations to the real usage and record the usage.
   * One script and one round trip on a Valkey server (one per key on a cluster, whose slots they
   * span).
   */
  settle (adjustments: readonly SpendAdjustment[], increments: readonly CounterIncrement[]): Promise<void>
  /** Every counter of a counter hash ({} when missing or expired). */
  readCounters (key: string): Promise<Record<string, number>>

  /** A small value, or undefined when missing or expired. */
  get (key: string): Promise<string | undefined>
  /**
   * Write a value, expiring after `ttlMs` (no expiry when omitted: only for state that lives as
   * long as the configuration). With a `condition`, only when it holds; resolves true when written.
   */
  set (key: string, value: string, ttlMs?: number, condition?: WriteCondition): Promise<boolean>
  /**
   * Write a value expiring after `ttlMs` and return the one it replaces, atomically (`applied`
   * false and nothing written when `condition` does not hold).
   */
  replace (key: string, value: string, ttlMs: number, condition?: WriteCondition): Promise<{ applied: boolean, previous: string | undefined }>
  /** Remove keys (missing ones are ignored). */
  delete (keys: string[]): Promise<void>
  /** Reset the TTL of existing keys (missing ones are ignored). */
  expire (keys: string[], ttlMs: number): Promise<void>

  /**
   * Append to a list, keep only its last `maxLength` items and set its TTL, atomically. With a
   * `condition`, only when it holds; resolves true when written.
   */
  listPush (key: string, value: string, maxLength: number, ttlMs: number, condition?: WriteCondition): Promise<boolean>
  /** Every item of a list, oldest first ([] when missing). */
  listRange (key: string): Promise<string[]>

  /**
   * Append an event to the log `key`, atomically: take the next id of the log's sequence,
   * store the event, set the TTL of log and sequence, and publish `{id, data}` to the log's
   * followers (on every instance sharing the store). Returns the id; with a `condition` that
   * does not hold, 0 and nothing is stored or published.
   */
  appendEvent (key: string, data: string, ttlMs: number, condition?: WriteCondition): Promise<number>
  /**
   * Append several events to the log `key` in one atomic step, as `appendEvent` does for one:
   * they get consecutive ids, in order, and are published in that order. Returns the id of the
   * first (with no events: the id the next one will get, and nothing is stored; with a
   * `condition` that does not hold, 0 and nothing is stored). Both built-in stores have it; a
   * store of your own without it gets one `appendEvent` per event.
   */
  appendEvents? (key: string, data: readonly string[], ttlMs: number, condition?: WriteCondition): Promise<number>
  /** Events of the log with an id greater than `afterId`, in order ([] when missing). */
  readEvents (key: string, afterId: number): Promise<StoredEvent[]>
  /**
   * Drop the events of a log but keep its sequence, so later ids keep growing. With a
   * `condition`, only when it holds; resolves true when cleared.
   */
  clearEvents (key: string, condition?: WriteCondition): Promise<boolean>
  /**
   * Be told of every event appended to the log `key` from now on, by any instance.
   * Resolves once the subscription is active; the returned function unsubscribes.
   */
  followEvents (key: string, listener: (event: StoredEvent) => void): Promise<() => Promise<void>>

  /** Resolves when the backend answers; rejects with AiStorageUnavailableError otherwise. */
  ping (): Promise<void>
  /** Release connections and timers. */
  close (): Promise<void>
}
