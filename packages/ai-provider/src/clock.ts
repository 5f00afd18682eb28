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
