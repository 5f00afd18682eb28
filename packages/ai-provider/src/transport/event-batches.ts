// Layer transport/ (one upstream call: pools, deadlines, retries, whole responses, SSE parsing).
// May import providers/, stores/ and the base files; see docs/architecture.md.
//
// A provider stream read a batch at a time: the transport parses every event of one network
// chunk together, and the producer takes them together too (one promise per chunk instead of
// one per event). `next()` keeps the plain AsyncIterator contract on top of the batches.

/** An AsyncIterator that can also hand over everything already parsed at once. */
export interface BatchIterator<T> extends AsyncIterableIterator<T> {
  /** The events available now (at least one), or undefined once the stream is over. */
  nextBatch (): Promise<T[] | undefined>
}

/** True when `iterator` can be read a batch at a time. */
export function isBatchIterator<T> (iterator: AsyncIterator<T>): iterator is BatchIterator<T> {
  return typeof (iterator as Partial<BatchIterator<T>>).nextBatch === 'function'
}

/** Wraps a generator of non-empty batches; iterate the result once. */
export function eventBatches<T> (batches: AsyncGenerator<T[], void, undefined>): BatchIterator<T> {
  let buffered: T[] = []
  let position = 0

  const iterator: BatchIterator<T> = {
    async next (): Promise<IteratorResult<T>> {
      while (position >= buffered.length) {
        const step = await batches.next()
        if (step.done === true) return { value: undefined, done: true }
        buffered = step.value
        position = 0
      }
      return { value: buffered[position++], done: false }
    },
    async nextBatch (): Promise<T[] | undefined> {
      if (position < buffered.length) {
        const rest = position === 0 ? buffered : buffered.slice(position)
        buffered = []
        position = 0
        return rest
      }
      const step = await batches.next()
      return step.done === true ? undefined : step.value
    },
    async return (): Promise<IteratorResult<T>> {
      buffered = []
      position = 0
      await batches.return(undefined)
      return { value: undefined, done: true }
    },
    [Symbol.asyncIterator] () {
      return iterator
    }
  }
  return iterator
}
