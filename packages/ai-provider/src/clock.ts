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

// Date#toISOString costs about a microsecond. Under load many requests (and a session and its
// first turn) are stamped within the same millisecond, and nearly all within the same second:
// the date is remembered for the last millisecond asked, and the text up to the seconds for
// the last second, so a new millisecond only appends its three digits.
let lastIsoMs = Number.NaN
let lastIso = ''
let lastSecond = Number.NaN
let lastSecondPrefix = ''

/** `new Date(ms).toISOString()`, for the last millisecond and second asked without a Date. */
export function isoDate (ms: number): string {
  if (ms === lastIsoMs) return lastIso
  const second = Math.floor(ms / 1000)
  const millis = ms - second * 1000
  if (second !== lastSecond || !Number.isInteger(ms)) {
    lastIso = new Date(ms).toISOString()
    // Years 0–9999 format as 24 characters ending in `.mmmZ`; others keep the generic path. A
    // fractional ms is not cached: Date truncates it toward zero, so before 1970 its second is
    // not floor(ms / 1000).
    lastSecond = lastIso.length === 24 && Number.isInteger(ms) ? second : Number.NaN
    lastSecondPrefix = lastIso.slice(0, 20)
  } else {
    lastIso = lastSecondPrefix + (millis < 10 ? '00' : millis < 100 ? '0' : '') + millis + 'Z'
  }
  lastIsoMs = ms
  return lastIso
}
