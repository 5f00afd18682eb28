import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gemini } from '../../src/providers/gemini.ts'

// Regression: Gemini's 429 says how long to wait in the body (google.rpc.RetryInfo `retryDelay`),
// not in a Retry-After header; it was ignored, so a longer provider pause did not lengthen the
// cool-down as SPEC §3 asks ("or the provider's Retry-After when longer").
const body = JSON.stringify({
  error: {
    code: 429,
    message: 'You exceeded your current quota, please check your plan and billing details.',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests' }] },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }
    ]
  }
})

test('a Gemini 429 carries the RetryInfo retryDelay as retryAfterMs', () => {
  const error = gemini.readError(429, body, 'gemini:gemini-2.5-flash', undefined) as Error & { code: string, retryAfterMs?: number }
  assert.equal(error.code, 'AI_PROVIDER_EXCEEDED')
  assert.equal(error.retryAfterMs, 37000)
})

test('a Retry-After header wins over the body\'s retryDelay', () => {
  const error = gemini.readError(429, body, 'gemini:gemini-2.5-flash', 5000) as Error & { retryAfterMs?: number }
  assert.equal(error.retryAfterMs, 5000)
})

test('fractional and missing retryDelay', () => {
  const fractional = body.replace('"37s"', '"1.5s"')
  assert.equal((gemini.readError(429, fractional, 'g', undefined) as Error & { retryAfterMs?: number }).retryAfterMs, 1500)
  const none = JSON.stringify({ error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } })
  assert.equal((gemini.readError(429, none, 'g', undefined) as Error & { retryAfterMs?: number }).retryAfterMs, undefined)
})
