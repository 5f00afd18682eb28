// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.
//
// The store an Ai instance uses, seen by its observers: every call is timed and its failure
// reported (`storeCall`) while an observer wants them; otherwise each call goes straight through.

import type { AiStore } from '../store.ts'
import type { AiObservers } from '../observer.ts'

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

async function timed (observers: AiObservers, operation: string, startedAt: number, pending: unknown): Promise<unknown> {
  try {
    const value = await pending
    observers.storeCall(operation, startedAt)
    return value
  } catch (error) {
    observers.storeCall(operation, startedAt, error)
    throw error
  }
}

/**
 * `store` with every method reported to `observers` (the method's name is the operation). The
 * same methods as `store`, no more: an optional one it lacks stays absent.
 */
export function observeStore (store: AiStore, observers: AiObservers): AiStore {
  const observed: Record<string, Method> = {}
  for (const operation of methodNames(store)) {
    const method = (store as unknown as Record<string, Method>)[operation]
    observed[operation] = function observedStoreCall (...args: unknown[]): unknown {
      if (!observers.storeObserved) return method.apply(store, args)
      const startedAt = performance.now()
      let pending: unknown
      try {
        pending = method.apply(store, args)
      } catch (error) {
        observers.storeCall(operation, startedAt, error)
        throw error
      }
      return timed(observers, operation, startedAt, pending)
    }
  }
  return observed as unknown as AiStore
}
