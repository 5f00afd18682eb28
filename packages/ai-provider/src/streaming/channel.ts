// Layer streaming/ (a stream's life: turns, producer, follower, channel, event log). May import
// chain/, transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// The consumer side of a stream: a queue the generation pushes into and one consumer pulls
// from. Written by hand (not an async generator) so that `return()` works even while a
// `next()` is pending, which is exactly when an HTTP client goes away. Besides `next()` the
// consumer may take everything queued at once with `nextBatch()` (one promise per batch).

import type { AiStreamEvent } from '../types.ts'

/** The channel's iterator: `nextBatch()` resolves with every queued event, undefined at the end. */
export interface EventBatchIterator extends AsyncIterableIterator<AiStreamEvent> {
  nextBatch (): Promise<AiStreamEvent[] | undefined>
}

export interface EventChannel {
  /** Queue an event for the consumer (ignored once the channel is closed). */
  push (event: AiStreamEvent): void
  /** Queue several events, handed over together. */
  pushBatch (events: AiStreamEvent[]): void
  /** No more events: the consumer drains the queue, then its loop ends. */
  close (): void
  /** Stop delivering, as if the consumer had called return(). */
  abandon (): void
  /** The consumer's view; iterate it once. */
  readonly events: EventBatchIterator
}

/** `onAbandoned` runs once when the consumer stops before the channel was closed. */
export function createEventChannel (onAbandoned: () => void): EventChannel {
  let queue: AiStreamEvent[] = []
  let closed = false
  let abandoned = false
  // The pending read of the consumer, woken when events arrive or the channel closes.
  let waiting: (() => void) | undefined

  function release (): void {
    if (waiting === undefined) return
    const wake = waiting
    waiting = undefined
    wake()
  }

  function takeAll (): AiStreamEvent[] | undefined {
    if (queue.length === 0) return undefined
    const taken = queue
    queue = []
    return taken
  }

  function abandon (): void {
    if (abandoned) return
    abandoned = true
    queue = []
    const wasClosed = closed
    closed = true
    release()
    if (!wasClosed) onAbandoned()
  }

  const iterator: EventBatchIterator = {
    next (): Promise<IteratorResult<AiStreamEvent>> {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift() as AiStreamEvent, done: false })
      if (closed) return Promise.resolve({ value: undefined, done: true })
      return new Promise(function waitForEvent (resolve) {
        waiting = function wake () {
          if (queue.length > 0) resolve({ value: queue.shift() as AiStreamEvent, done: false })
          else resolve({ value: undefined, done: true })
        }
      })
    },
    nextBatch (): Promise<AiStreamEvent[] | undefined> {
      if (queue.length > 0 || closed) return Promise.resolve(takeAll())
      return new Promise(function waitForEvents (resolve) {
        waiting = function wake () { resolve(takeAll()) }
      })
    },
    return (): Promise<IteratorResult<AiStreamEvent>> {
      abandon()
      return Promise.resolve({ value: undefined, done: true })
    },
    [Symbol.asyncIterator] () {
      return iterator
    }
  }

  return {
    push (event: AiStreamEvent): void {
      if (closed) return
      queue.push(event)
      release()
    },
    pushBatch (events: AiStreamEvent[]): void {
      if (closed) return
      if (queue.length === 0) queue = events
      else queue.push(...events)
      release()
    },
    close (): void {
      if (closed) return
      closed = true
      release()
    },
    abandon,
    events: iterator
  }
}
