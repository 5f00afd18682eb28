// Latency summaries. Samples are milliseconds; arrays are sorted in place.

/** The value below which `fraction` of the sorted samples fall (nearest rank). */
export function percentile (sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))
  return sorted[rank]
}

export interface LatencySummary {
  count: number
  p50: number
  p90: number
  p99: number
  max: number
}

export function summarize (samples: number[]): LatencySummary {
  samples.sort(function ascending (a, b) { return a - b })
  return {
    count: samples.length,
    p50: percentile(samples, 0.5),
    p90: percentile(samples, 0.9),
    p99: percentile(samples, 0.99),
    max: samples.length === 0 ? Number.NaN : samples[samples.length - 1]
  }
}
