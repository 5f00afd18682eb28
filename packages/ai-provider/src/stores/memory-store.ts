// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.
//
// The in-process store. A Map finds every key and a linked list keeps the keys in write order,
// so the oldest write is the first to go when `maxKeys` is reached. Expiry follows the injected
// clock: checked on read, and expired keys are reclaimed by an expiry wheel (expiry-wheel.ts)
// within `sweepInterval` of their expiry, with work proportional to what expires, so memory
// stays flat under a steady load of short-lived sessions.
//
// A key evicted, deleted or expired is freed at once: `remove` takes its slot out of the Map,
// the write order and its expiry bucket, each in O(1), and nothing else refers to it, so the
// heap is bounded by `maxKeys` whatever the traffic (test/stores/memory-store-heap.test.ts).
// Followers of a log are the one thing kept by key beyond it: they are the caller's, and are
// told of appends after a delete as on Valkey, until they unfollow.
//
// Why a list and not the Map's own order (delete + set on every write): V8 keeps deleted Map
// entries in their hash chain until the next rehash, so deleting and re-adding one hot key (the
// rate counter, written by every request) makes its chain, and each write, O(writes since the
// last rehash) — tens of microseconds per write with 50k keys.
//
// Memory of a session (bench/store-bench.ts): about 1.3 KB for a prompt's two keys and 2.7 KB
// for a stream of 16 deltas, most of it the stored strings themselves.

import type {
  AiStore, ConsumeResult, CounterIncrement, GuardedConsumeResult, ReserveResult, SpendAdjustment, SpendCounter, StoredEvent, WriteCondition
} from '../store.ts'
import type { Clock } from '../types.ts'
import { systemClock } from '../clock.ts'
import { createExpiryWheel, NOT_QUEUED } from './expiry-wheel.ts'

/** Options of the memory store. */
export interface MemoryStoreOptions {
  /** Drives expiry. Default: the wall clock. */
  clock?: Clock
  /**
   * Most keys kept at once; the least recently written is evicted beyond it. Default 600000:
   * 100000 sessions of six keys (the default `storage.maxSessions`), a few hundred MB at most
   * for short answers (about 1.3 KB per prompt session, 2.7 KB per 16-delta stream, ~50 B per
   * further word-sized delta).
   */
  maxKeys?: number
  /**
   * Most characters of stored data at once (values, turns, event logs, with a small overhead per
   * key); the least recently written keys are evicted beyond it, as beyond `maxKeys`. What bounds
   * memory when sessions are large (whole conversations, images as base64). Default: no bound
   * but `maxKeys`.
   */
  maxBytes?: number
  /** Milliseconds between sweeps of expired keys: how late an expired key can be reclaimed. Default 1000. */
  sweepInterval?: number
  /**
   * Most counters one counter hash holds; an increment of a new counter beyond it is dropped. What
   * bounds the one hash that grows with traffic, the day's list of callers of the usage report.
   * Default 100000.
   */
  maxHashFields?: number
}

/**
 * An event log. Ids are consecutive (one sequence per log), so only the data is kept: the event
 * at index i has id firstId + i. The sequence lives here so clearEvents can keep it.
 */
interface EventLog {
  data: string[]
  firstId: number
  sequence: number
  /** Characters of `data`, kept as events are appended (a log is never summed again). */
  chars: number
}

/** A counter hash: a spend window (with the id it was opened with) or a day's usage (id ''). */
interface CounterHash {
  id: string
  counters: Map<string, number>
}

/**
 * What a key holds, by kind: a value, a counter, a list, an event log or a counter hash. A list of one item is
 * kept as the item itself: most sessions hold one turn until they expire, and every object a
 * kept session adds is one more for the GC to copy and mark.
 */
interface Held {
  value: string
  counter: number
  list: string | string[]
  log: EventLog
  hash: CounterHash
}

type Kind = keyof Held

type EventListener = (event: StoredEvent) => void

/**
 * A key: what it holds, its expiry and its place in the write order (oldest write to newest).
 * The held data sits on the slot itself (one object per key, not a slot and an entry): a
 * session keeps several keys until it expires, and each object kept is one more for the GC.
 */
interface Slot {
  key: string
  kind: Kind
  data: Held[Kind]
  expiresAt: number
  /** What the key counts for in `maxBytes`: its data's characters and a fixed overhead. */
  bytes: number
  /** Owned by the expiry wheel. */
  bucket: number
  /** Owned by the expiry wheel. */
  previousInBucket: Slot | undefined
  /** Owned by the expiry wheel. */
  nextInBucket: Slot | undefined
  older: Slot | undefined
  newer: Slot | undefined
}

/** Entries without TTL never expire. */
const FOREVER = Number.POSITIVE_INFINITY
/** What a key weighs beyond its data (its slot and Map entry), counted in `maxBytes`. */
const KEY_OVERHEAD = 200

/** The characters a key's data holds (a list has at most `historyLength` items; a log keeps its own count). */
function charsOf (kind: Kind, data: Held[Kind]): number {
  switch (kind) {
    case 'value': return (data as string).length
    case 'counter': return 8
    case 'log': return (data as EventLog).chars
    case 'hash': return (data as CounterHash).counters.size * 48
    case 'list': {
      if (typeof data === 'string') return data.length
      let chars = 0
      for (const item of data as string[]) chars += item.length
      return chars
    }
  }
}

export function createMemoryStore (options: MemoryStoreOptions = {}): AiStore {
  const clock = options.clock ?? systemClock
  const maxKeys = options.maxKeys ?? 600_000
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY
  /** The `bytes` of every slot. */
  let bytes = 0
  const maxHashFields = options.maxHashFields ?? 100_000
  let windowIds = 0
  const slots = new Map<string, Slot>()
  let oldest: Slot | undefined
  let newest: Slot | undefined
  const listeners = new Map<string, Set<EventListener>>()
  const wheel = createExpiryWheel<Slot>({ resolution: options.sweepInterval ?? 1000, clock, onExpired: remove })

  function unlink (slot: Slot): void {
    if (slot.older === undefined) oldest = slot.newer
    else slot.older.newer = slot.newer
    if (slot.newer === undefined) newest = slot.older
    else slot.newer.older = slot.older
    slot.older = undefined
    slot.newer = undefined
  }

  function append (slot: Slot): void {
    slot.older = newest
    if (newest === undefined) oldest = slot
    else newest.newer = slot
    newest = slot
  }

  function remove (slot: Slot): void {
    bytes -= slot.bytes
    unlink(slot)
    wheel.unschedule(slot)
    slots.delete(slot.key)
  }

  /** The key's slot, or undefined when missing or expired (an expired one is removed). */
  function live (key: string, now: number): Slot | undefined {
    const slot = slots.get(key)
    if (slot === undefined) return undefined
    if (slot.expiresAt <= now) {
      remove(slot)
      return undefined
    }
    return slot
  }

  /** What the live `key` holds when it is of the wanted kind. */
  function read<K extends Kind> (key: string, kind: K): Held[K] | undefined {
    const slot = live(key, clock.now())
    return slot?.kind === kind ? slot.data as Held[K] : undefined
  }

  // Writes take the slot their caller already looked up (or undefined for a new key): one Map
  // lookup per operation. A write makes the key the newest; beyond maxKeys the oldest go.
  function write<K extends Kind> (slot: Slot | undefined, key: string, kind: K, data: Held[K], expiresAt: number): void {
    const weight = KEY_OVERHEAD + key.length + charsOf(kind, data)
    if (slot === undefined) {
      const created: Slot = {
        key,
        kind,
        data,
        expiresAt,
        bytes: weight,
        bucket: NOT_QUEUED,
        previousInBucket: undefined,
        nextInBucket: undefined,
        older: undefined,
        newer: undefined
      }
      slots.set(key, created)
      append(created)
      wheel.schedule(created)
      bytes += weight
      evictBeyondBounds(created)
      return
    }
    slot.kind = kind
    slot.data = data
    slot.expiresAt = expiresAt
    bytes += weight - slot.bytes
    slot.bytes = weight
    wheel.schedule(slot)
    if (slot !== newest) {
      unlink(slot)
      append(slot)
    }
    if (bytes > maxBytes) evictBeyondBounds(slot)
  }

  /** Evict the least recently written keys while over a bound; never `written`, the newest. */
  function evictBeyondBounds (written: Slot): void {
    while (slots.size > maxKeys || bytes > maxBytes) {
      const candidate = oldest
      if (candidate === undefined || candidate === written) return
      remove(candidate)
    }
  }

  /** Append to a log and tell its followers; returns the first id. */
  function appendToLog (key: string, data: readonly string[], ttlMs: number): number {
    const now = clock.now()
    const slot = live(key, now)
    const log = slot?.kind === 'log' ? slot.data as EventLog : { data: [], firstId: 1, sequence: 0, chars: 0 }
    const first = log.sequence + 1
    if (data.length === 0) return first
    if (log.data.length === 0) log.firstId = first
    for (let i = 0; i < data.length; i++) {
      log.data.push(data[i])
      log.chars += data[i].length
    }
    log.sequence += data.length
    write(slot, key, 'log', log, now + ttlMs)
    const followers = listeners.get(key)
    if (followers !== undefined) {
      for (let i = 0; i < data.length; i++) {
        const event = { id: first + i, data: data[i] }
        for (const listener of followers) listener(event)
      }
    }
    return first
  }

  /** True when there is no condition or it holds: its key is live and, when asked, holds `equals`. */
  function holds (condition: WriteCondition | undefined): boolean {
    if (condition === undefined) return true
    const slot = live(condition.key, clock.now())
    if (slot === undefined) return false
    return condition.equals === undefined || (slot.kind === 'value' && slot.data === condition.equals)
  }

  function expiry (ttlMs: number | undefined): number {
    return ttlMs === undefined ? FOREVER : clock.now() + ttlMs
  }

  function consumeUnit (key: string, max: number, windowMs: number): ConsumeResult {
    const now = clock.now()
    const slot = live(key, now)
    if (slot === undefined || slot.kind !== 'counter') {
      write(slot, key, 'counter', 1, now + windowMs)
      return { allowed: max >= 1, count: 1, resetInMs: windowMs }
    }
    const resetInMs = slot.expiresAt - now
    const count = slot.data as number
    if (count >= max) return { allowed: false, count, resetInMs }
    write(slot, key, 'counter', count + 1, slot.expiresAt)
    return { allowed: true, count: count + 1, resetInMs }
  }

  function reserveIn (key: string, windowMs: number, counters: readonly SpendCounter[]): ReserveResult {
    const now = clock.now()
    const slot = live(key, now)
    // Every window is written with its TTL; `expiresAt` is the window's end.
    const open = slot?.kind === 'hash' ? slot.data as CounterHash : undefined
    const resetInMs = slot === undefined || open === undefined ? windowMs : slot.expiresAt - now
    for (const counter of counters) {
      const used = open?.counters.get(counter.field) ?? 0
      if (counter.max !== undefined && used >= counter.max) return { allowed: false, windowId: '', resetInMs, refusedBy: counter.field }
    }
    const window = open ?? { id: String(++windowIds), counters: new Map<string, number>() }
    for (const counter of counters) window.counters.set(counter.field, (window.counters.get(counter.field) ?? 0) + counter.amount)
    if (open === undefined) write(slot, key, 'hash', window, now + windowMs)
    return { allowed: true, windowId: window.id, resetInMs }
  }

  function adjust (adjustment: SpendAdjustment): void {
    const window = read(adjustment.key, 'hash')
    if (window === undefined || window.id !== adjustment.windowId) return
    for (const [field, delta] of Object.entries(adjustment.deltas)) {
      window.counters.set(field, Math.max(0, (window.counters.get(field) ?? 0) + delta))
    }
  }

  function increment (change: CounterIncrement): void {
    const now = clock.now()
    const slot = live(change.key, now)
    const hash = slot?.kind === 'hash' ? slot.data as CounterHash : { id: '', counters: new Map<string, number>() }
    for (const [field, amount] of Object.entries(change.increments)) {
      const current = hash.counters.get(field)
      if (current === undefined && hash.counters.size >= maxHashFields) continue
      hash.counters.set(field, (current ?? 0) + amount)
    }
    write(slot, change.key, 'hash', hash, now + change.ttlMs)
  }

  return {
    async reserve (key: string, windowMs: number, counters: readonly SpendCounter[]): Promise<ReserveResult> {
      return reserveIn(key, windowMs, counters)
    },

    async settle (adjustments: readonly SpendAdjustment[], increments: readonly CounterIncrement[]): Promise<void> {
      for (const adjustment of adjustments) adjust(adjustment)
      for (const change of increments) increment(change)
    },

    async readCounters (key: string): Promise<Record<string, number>> {
      const hash = read(key, 'hash')
      return hash === undefined ? {} : Object.fromEntries(hash.counters)
    },

    async consume (key: string, max: number, windowMs: number): Promise<ConsumeResult> {
      return consumeUnit(key, max, windowMs)
    },

    async consumeUnless (guardKey: string, key: string, max: number, windowMs: number): Promise<GuardedConsumeResult> {
      const guard = read(guardKey, 'value')
      return guard === undefined ? { unit: consumeUnit(key, max, windowMs) } : { guard }
    },

    async get (key: string): Promise<string | undefined> {
      return read(key, 'value')
    },

    async set (key: string, value: string, ttlMs?: number, condition?: WriteCondition): Promise<boolean> {
      if (!holds(condition)) return false
      // Overwritten whatever it held, expired or not: no need to check.
      write(slots.get(key), key, 'value', value, expiry(ttlMs))
      return true
    },

    async replace (key: string, value: string, ttlMs: number, condition?: WriteCondition): Promise<{ applied: boolean, previous: string | undefined }> {
      if (!holds(condition)) return { applied: false, previous: undefined }
      const previous = read(key, 'value')
      write(slots.get(key), key, 'value', value, expiry(ttlMs))
      return { applied: true, previous }
    },

    async delete (keys: string[]): Promise<void> {
      for (const key of keys) {
        const slot = slots.get(key)
        if (slot !== undefined) remove(slot)
      }
    },

    async expire (keys: string[], ttlMs: number): Promise<void> {
      const now = clock.now()
      for (const key of keys) {
        const slot = live(key, now)
        if (slot !== undefined) write(slot, key, slot.kind, slot.data, now + ttlMs)
      }
    },

    async listPush (key: string, value: string, maxLength: number, ttlMs: number, condition?: WriteCondition): Promise<boolean> {
      if (!holds(condition)) return false
      const now = clock.now()
      const slot = live(key, now)
      if (slot?.kind !== 'list') {
        write(slot, key, 'list', maxLength >= 1 ? value : [], now + ttlMs)
        return true
      }
      const held = slot.data as Held['list']
      let items: string[]
      if (typeof held === 'string') {
        items = [held, value]
      } else {
        items = held
        items.push(value)
      }
      if (items.length > maxLength) items.splice(0, items.length - maxLength)
      write(slot, key, 'list', items.length === 1 ? items[0] : items, now + ttlMs)
      return true
    },

    async listRange (key: string): Promise<string[]> {
      const held = read(key, 'list')
      if (held === undefined) return []
      return typeof held === 'string' ? [held] : held.slice()
    },

    async appendEvent (key: string, data: string, ttlMs: number, condition?: WriteCondition): Promise<number> {
      return holds(condition) ? appendToLog(key, [data], ttlMs) : 0
    },

    async appendEvents (key: string, data: readonly string[], ttlMs: number, condition?: WriteCondition): Promise<number> {
      return holds(condition) ? appendToLog(key, data, ttlMs) : 0
    },

    async readEvents (key: string, afterId: number): Promise<StoredEvent[]> {
      const log = read(key, 'log')
      if (log === undefined) return []
      const events: StoredEvent[] = []
      // The first id after `afterId` (any number) is floor(afterId) + 1.
      let index = Math.floor(afterId) + 1 - log.firstId
      if (!(index > 0)) index = 0
      for (; index < log.data.length; index++) {
        events.push({ id: log.firstId + index, data: log.data[index] })
      }
      return events
    },

    async clearEvents (key: string, condition?: WriteCondition): Promise<boolean> {
      if (!holds(condition)) return false
      const slot = live(key, clock.now())
      if (slot?.kind !== 'log') return true
      const log = slot.data as EventLog
      log.data = []
      log.chars = 0
      bytes -= slot.bytes - KEY_OVERHEAD - key.length
      slot.bytes = KEY_OVERHEAD + key.length
      return true
    },

    async followEvents (key: string, listener: EventListener): Promise<() => Promise<void>> {
      let followers = listeners.get(key)
      if (followers === undefined) {
        followers = new Set()
        listeners.set(key, followers)
      }
      followers.add(listener)
      return async function unfollowEvents () {
        const current = listeners.get(key)
        if (current === undefined) return
        current.delete(listener)
        if (current.size === 0) listeners.delete(key)
      }
    },

    async ping (): Promise<void> {},

    async close (): Promise<void> {
      wheel.close()
      slots.clear()
      oldest = undefined
      newest = undefined
      listeners.clear()
    }
  }
}
