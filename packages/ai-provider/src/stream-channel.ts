// The consumer side of a stream: a queue the generation pushes into and one consumer pulls
// from. Written by hand (not an async generator) so that `return()` works even while a
// `next()` is pending, which is exactly when an HTTP client goes away.

import type { AiStreamEvent } from './types.ts'

export interface EventChannel {
  /** Queue an event for the consumer (ignored once the channel is closed). */
  push (event: AiStreamEvent): void
  /** No more events: the consumer drains the queue, then its loop ends. */
  close (): void
  /** True once the consumer stopped (return(), or `abandon()`). */
  readonly abandoned: boolean
  /** Stop delivering, as if the consumer had called return(). */
  abandon (): void
  /** The consumer's view; iterate it once. */
  readonly events: AsyncIterable<AiStreamEvent>
}

/** `onAbandoned` runs once when the consumer stops before the channel was closed. */
export function createEventChannel (onAbandoned: () => void): EventChannel {
  const queue: AiStreamEvent[] = []
  let closed = false
  let abandoned = false
  let waiting: ((result: IteratorResult<AiStreamEvent>) => void) | undefined

  function release (): void {
    if (waiting === undefined) return
    const resolve = waiting
    waiting = undefined
    if (queue.length > 0) resolve({ value: queue.shift() as AiStreamEvent, done: false })
    else resolve({ value: undefined, done: true })
  }

  function abandon (): void {
    if (abandoned) return
    abandoned = true
    queue.length = 0
    const wasClosed = closed
    closed = true
    release()
    if (!wasClosed) onAbandoned()
  }

  const iterator: AsyncIterableIterator<AiStreamEvent> = {
    next (): Promise<IteratorResult<AiStreamEvent>> {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift() as AiStreamEvent, done: false })
      if (closed) return Promise.resolve({ value: undefined, done: true })
      return new Promise(function waitForEvent (resolve) { waiting = resolve })
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
    close (): void {
      if (closed) return
      closed = true
      release()
    },
    get abandoned () {
      return abandoned
    },
    abandon,
    events: iterator
  }
}
