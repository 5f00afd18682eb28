const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const TIME_WINDOW = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/

/**
 * Milliseconds of a TimeWindow already checked by the schema: milliseconds, or `<n>ms|s|m|h|d`.
 */
export function timeWindowToMs (value: number | string): number {
  if (typeof value === 'number') return value
  const match = TIME_WINDOW.exec(value.trim())
  /* c8 ignore next */
  if (match === null) throw new TypeError(`Not a time window: ${value}`)
  return Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 'ms'])
}
