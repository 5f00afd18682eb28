// Layer transport/ (one upstream call: pools, deadlines, retries, whole responses, SSE parsing).
// May import providers/, stores/ and the base files; see docs/architecture.md.
//
// How long a provider asks to be left alone after a refusal, read from its answer's headers.

/** Anthropic's rate limits: each says how much is left and when it resets (RFC 3339). */
const ANTHROPIC_LIMITS = ['requests', 'tokens', 'input-tokens', 'output-tokens']

/** The latest reset of Anthropic's rate limits that are spent (`anthropic-ratelimit-<limit>-remaining: 0`). */
function anthropicResetMs (headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  let latest: number | undefined
  for (const limit of ANTHROPIC_LIMITS) {
    if (headerValue(headers[`anthropic-ratelimit-${limit}-remaining`]) !== '0') continue
    const reset = Date.parse(headerValue(headers[`anthropic-ratelimit-${limit}-reset`]) ?? '')
    if (!Number.isNaN(reset)) latest = Math.max(latest ?? 0, reset - now, 0)
  }
  return latest
}

/**
 * Retry-After (seconds or HTTP date) or OpenAI's retry-after-ms, in milliseconds; without them,
 * when Anthropic's rate-limit headers say a limit is spent, until it resets.
 */
export function retryAfterMs (headers: Record<string, string | string[] | undefined>, now: number = Date.now()): number | undefined {
  const milliseconds = headerValue(headers['retry-after-ms'])
  if (milliseconds !== undefined) {
    const value = Number(milliseconds)
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value)
  }
  const retryAfter = headerValue(headers['retry-after'])
  if (retryAfter === undefined) return anthropicResetMs(headers, now)
  const trimmed = retryAfter.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000)
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now)
}

function headerValue (value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
