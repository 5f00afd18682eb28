// The in-process store. A Map finds every key and a linked list keeps the keys in write order,
// so the oldest write is the first to go when `maxKeys` is reached; expiry follows the injected
// clock, checked lazily on read and by a periodic (unref'd) sweep, so memory stays bounded
// under load.
//
// Why a list and not the Map's own order (delete + set on every write): V8 keeps deleted Map
// entries in their hash chain until the next rehash, so deleting and re-adding one hot key (the
// rate counter, written by every request) makes its chain, and each write, O(writes since the
// last rehash) — tens of microseconds per write with 50k keys.

import type { AiStore, ConsumeResult, StoredEvent } from '../store.ts'
import type { Clock } from '../types.ts'
import { systemClock } from '../clock.ts'

/** Options of the memory store. */
export interface MemoryStoreOptions {
  /** Drives expiry. Default: the wall clock. */
  clock?: Clock
  /** Most keys kept at once; the least recently written is evicted beyond it. Default 500000. */
  maxKeys?: number
  /** Milliseconds between sweeps of expired keys. Default 30000. */
  sweepInterval?: number
}

type Entry =
  | { kind: 'value', value: string, expiresAt: number }
  | { kind: 'counter', count: number, expiresAt: number }
  | { kind: 'list', items: string[], expiresAt: number }
  // The sequence lives beside the events so clearEvents can keep it.
  | { kind: 'log', events: StoredEvent[], sequence: number, expiresAt: number }

type EventListener = (event: StoredEvent) => void

/** A key's place in the write order: the list runs from the oldest write to the newest. */
interface Slot {
  key: string
  entry: Entry
  older: Slot | undefined
  newer: Slot | undefined
}

/** Entries without TTL never expire. */
const FOREVER = Number.POSITIVE_INFINITY

export function createMemoryStore (options: MemoryStoreOptions = {}): AiStore {
  const clock = options.clock ?? systemClock
  const maxKeys = options.maxKeys ?? 500_000
  const slots = new Map<string, Slot>()
  let oldest: Slot | undefined
  let newest: Slot | undefined
  const listeners = new Map<string, Set<EventListener>>()

  const sweeper = setInterval(function sweepExpired () {
    const now = clock.now()
    for (const slot of slots.values()) {
      if (slot.entry.expiresAt <= now) remove(slot)
    }
  }, options.sweepInterval ?? 30_000)
  sweeper.unref()

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
    unlink(slot)
    slots.delete(slot.key)
  }

  function read<K extends Entry['kind']> (key: string, kind: K): Extract<Entry, { kind: K }> | undefined {
    const slot = slots.get(key)
    if (slot === undefined) return undefined
    const entry = slot.entry
    if (entry.expiresAt <= clock.now()) {
      remove(slot)
      return undefined
    }
    return entry.kind === kind ? entry as Extract<Entry, { kind: K }> : undefined
  }

  // A write makes the key the newest; beyond maxKeys the oldest writes go.
  function write (key: string, entry: Entry): void {
    const slot = slots.get(key)
    if (slot === undefined) {
      const created: Slot = { key, entry, older: undefined, newer: undefined }
      slots.set(key, created)
      append(created)
    } else {
      slot.entry = entry
      if (slot !== newest) {
        unlink(slot)
        append(slot)
      }
    }
    // A non-empty list has an oldest slot.
    while (slots.size > maxKeys) remove(oldest as Slot)
  }

  function expiry (ttlMs: number | undefined): number {
    return ttlMs === undefined ? FOREVER : clock.now() + ttlMs
  }

  return {
    async consume (key: string, max: number, windowMs: number): Promise<ConsumeResult> {
      const now = clock.now()
      const counter = read(key, 'counter')
      if (counter === undefined) {
        write(key, { kind: 'counter', count: 1, expiresAt: now + windowMs })
        return { allowed: max >= 1, count: 1, resetInMs: windowMs }
      }
      const resetInMs = counter.expiresAt - now
      if (counter.count >= max) return { allowed: false, count: counter.count, resetInMs }
      counter.count++
      write(key, counter)
      return { allowed: true, count: counter.count, resetInMs }
    },

    async get (key: string): Promise<string | undefined> {
      return read(key, 'value')?.value
    },

    async set (key: string, value: string, ttlMs?: number): Promise<void> {
      write(key, { kind: 'value', value, expiresAt: expiry(ttlMs) })
    },

    async delete (keys: string[]): Promise<void> {
      for (const key of keys) {
        const slot = slots.get(key)
        if (slot !== undefined) remove(slot)
      }
    },

    async expire (keys: string[], ttlMs: number): Promise<void> {
      for (const key of keys) {
        const entry = slots.get(key)?.entry
        if (entry !== undefined && entry.expiresAt > clock.now()) {
          entry.expiresAt = clock.now() + ttlMs
          write(key, entry)
        }
      }
    },

    async listPush (key: string, value: string, maxLength: number, ttlMs: number): Promise<void> {
      const list = read(key, 'list') ?? { kind: 'list', items: [], expiresAt: 0 }
      list.items.push(value)
      if (list.items.length > maxLength) list.items.splice(0, list.items.length - maxLength)
      list.expiresAt = clock.now() + ttlMs
      write(key, list)
    },

    async listRange (key: string): Promise<string[]> {
      return read(key, 'list')?.items.slice() ?? []
    },

    async appendEvent (key: string, data: string, ttlMs: number): Promise<number> {
      const log = read(key, 'log') ?? { kind: 'log', events: [], sequence: 0, expiresAt: 0 }
      const event = { id: ++log.sequence, data }
      log.events.push(event)
      log.expiresAt = clock.now() + ttlMs
      write(key, log)
      const followers = listeners.get(key)
      if (followers !== undefined) {
        for (const listener of followers) listener(event)
      }
      return event.id
    },

    async readEvents (key: string, afterId: number): Promise<StoredEvent[]> {
      const events = read(key, 'log')?.events
      if (events === undefined) return []
      // Ids grow along the array: find the first one after `afterId` by bisection.
      let low = 0
      let high = events.length
      while (low < high) {
        const middle = (low + high) >>> 1
        if (events[middle].id <= afterId) low = middle + 1
        else high = middle
      }
      return events.slice(low)
    },

    async clearEvents (key: string): Promise<void> {
      const log = read(key, 'log')
      if (log !== undefined) log.events = []
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
      clearInterval(sweeper)
      slots.clear()
      oldest = undefined
      newest = undefined
      listeners.clear()
    }
  }
}
