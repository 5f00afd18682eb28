// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.

import type { AiStore } from '../store.ts'
import type { Clock, Logger, StorageOptions } from '../types.ts'
import { createMemoryStore } from './memory-store.ts'
import { createValkeyStore } from './valkey-store.ts'

/** Keys one session can hold: session, turns, events, stream state, attach marker, generation lease. */
const KEYS_PER_SESSION = 6
// 100 000 sessions (500 000 keys): measured with bench/store-bench.ts, a live session costs
// about 1.3 KB of heap for a short prompt (2 keys) and 4 KB for a stream of 16 deltas, plus
// ~100 B per further delta, so the cap is a few hundred MB for short answers in one process.
// Sessions of long streamed answers weigh more: lower `maxSessions` (or use Valkey) for those.
const DEFAULT_MAX_SESSIONS = 100_000
// Sessions that hold whole conversations (a stateless client's every request, images as base64)
// are bounded by size as well as by count.
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024

/** Build the store that `storage` describes. */
export async function createStore (storage: StorageOptions, deps: { logger: Logger, clock: Clock }): Promise<AiStore> {
  if (storage.type === 'valkey') {
    return createValkeyStore(storage, { logger: deps.logger })
  }
  return createMemoryStore({
    clock: deps.clock,
    maxKeys: (storage.maxSessions ?? DEFAULT_MAX_SESSIONS) * KEYS_PER_SESSION,
    maxBytes: storage.maxBytes ?? DEFAULT_MAX_BYTES
  })
}
