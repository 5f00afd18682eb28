import { setTimeout as sleepTimer } from 'node:timers/promises'
import type { Clock } from './types.ts'
import { AiAbortedError } from './errors.ts'

/** The wall clock, used unless a test injects its own. */
export const systemClock: Clock = Object.freeze({
  now: function systemNow (): number {
    return Date.now()
  }
})

/** Wait `ms` milliseconds; rejects with AiAbortedError as soon as `signal` fires. */
export async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return
  try {
    await sleepTimer(ms, undefined, { signal })
  } catch (error) {
    throw new AiAbortedError({ cause: error })
  }
}

// The last date formatted: Date#toISOString costs about half a microsecond, and under load
// many requests (and a session and its first turn) are stamped within the same millisecond.
let lastIsoMs = Number.NaN
let lastIso = ''

/** `new Date(ms).toISOString()`, remembered for the last millisecond asked. */
export function isoDate (ms: number): string {
  if (ms !== lastIsoMs) {
    lastIso = new Date(ms).toISOString()
    lastIsoMs = ms
  }
  return lastIso
}
