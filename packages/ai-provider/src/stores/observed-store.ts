// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.
//
// The store an Ai instance uses, seen by its observers (`storeCall`) while one wants it: every
// failure, and the latency of a sample of the calls; otherwise each call goes straight through.

import type { AiStore } from '../store.ts'
import type { AiObservers, ObservedRequest } from '../observer.ts'
import { STORE_SAMPLE } from '../observer.ts'

type Method = (...args: unknown[]) => unknown

/** The methods of `store`, its prototype's included (a store of one's own may be a class). */
function methodNames (store: object): string[] {
  const names = new Set<string>()
  for (let current = store; current !== null && current !== Object.prototype; current = Object.getPrototypeOf(current)) {
    for (const name of Object.getOwnPropertyNames(current)) {
      if (name !== 'constructor' && typeof (store as Record<string, unknown>)[name] === 'function') names.add(name)
    }
  }
  return [...names]
}

async function timed (observers: AiObservers, operation: string, startedAt: number, pending: unknown, request: ObservedRequest | undefined): Promise<unknown> {
  try {
    const value = await pending
    observers.storeCall(operation, startedAt, undefined, request)
    return value
  } catch (error) {
    observers.storeCall(operation, startedAt, error, request)
    throw error
  }
}

/** One operation of the store, observed: every failure, and the latency of one call in STORE_SAMPLE. */
function observeOperation (store: AiStore, observers: AiObservers, operation: string): Method {
  const method = (store as unknown as Record<string, Method>)[operation]
  let calls = 0
  // Bound once: a failure is reported without a closure per call.
  function reportFailure (error: unknown): void {
    observers.storeCall(operation, undefined, error)
  }
  return function observedStoreCall (): unknown {
    // `apply(store, arguments)`: V8 passes them on without building an array (rest parameters would).
    if (!observers.storeObserved) return method.apply(store, arguments as unknown as unknown[])
    // A request that traces its store calls has every one of them timed; the others a sample.
    let request = observers.current()
    if (request?.traceStore !== true) request = undefined
    const sampled = ++calls % STORE_SAMPLE === 0 || request !== undefined
    const startedAt = sampled ? performance.now() : undefined
    let pending: unknown
    try {
      pending = method.apply(store, arguments as unknown as unknown[])
    } catch (error) {
      observers.storeCall(operation, startedAt, error, request)
      throw error
    }
    if (sampled) return timed(observers, operation, startedAt as number, pending, request)
    // The caller keeps the store's own promise; this branch only sees a failure.
    if (pending instanceof Promise) pending.then(undefined, reportFailure)
    return pending
  }
}

/**
 * `store` with every method reported to `observers` (the method's name is the operation). The
 * same methods as `store`, no more: an optional one it lacks stays absent.
 */
export function observeStore (store: AiStore, observers: AiObservers): AiStore {
  const observed: Record<string, Method> = {}
  for (const operation of methodNames(store)) observed[operation] = observeOperation(store, observers, operation)
  return observed as unknown as AiStore
}
