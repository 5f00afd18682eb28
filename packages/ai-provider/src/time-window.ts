import { AiOptionsError } from './errors.ts'

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const TIME_WINDOW = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/

/** A value as it should appear in an error message. */
export function describeValue (value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value)
  try {
    return JSON.stringify(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/**
 * Milliseconds of a TimeWindow: a number of milliseconds, or `<n>ms|s|m|h|d` (a bare
 * number in a string is milliseconds). `path` names the option in the error message.
 */
export function parseTimeWindow (value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    return Math.round(value)
  }
  if (typeof value === 'string') {
    const match = TIME_WINDOW.exec(value.trim())
    if (match !== null) {
      return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 'ms'])
    }
  }
  throw new AiOptionsError(`${path} must be a time window (milliseconds, or "<n>ms|s|m|h|d"), got ${describeValue(value)}`)
}
