import type { AiStore } from '../store.ts'
import type { Clock, Logger, StorageOptions } from '../types.ts'
import { createMemoryStore } from './memory-store.ts'
import { createValkeyStore } from './valkey-store.ts'

/** Keys one session can hold: session, turns, events, stream state, attach marker. */
const KEYS_PER_SESSION = 5
const DEFAULT_MAX_SESSIONS = 100_000

/** Build the store that `storage` describes. */
export async function createStore (storage: StorageOptions, deps: { logger: Logger, clock: Clock }): Promise<AiStore> {
  if (storage.type === 'valkey') {
    return createValkeyStore(storage, { logger: deps.logger })
  }
  return createMemoryStore({
    clock: deps.clock,
    maxKeys: (storage.maxSessions ?? DEFAULT_MAX_SESSIONS) * KEYS_PER_SESSION
  })
}
