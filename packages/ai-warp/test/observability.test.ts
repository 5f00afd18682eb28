// The AI metrics on the registry Watt serves, and the request's log line with its caller, through
// the capability's create() (the whole Watt runtime is in watt-observability.test.ts).

import assert from 'node:assert'
import { test } from 'node:test'
import { createSigner } from 'fast-jwt'
import { mockAiSection, startAiWarp } from './helpers/ai-warp.ts'
import { parseSamples, valueOf } from '../../fastify-ai/test/helpers/prometheus.ts'

const secret = 'observability-secret-observability-secret'
const sign = createSigner({ key: secret })

interface PrometheusGlobal {
  registry: { metrics (): Promise<string>, getSingleMetric (name: string): unknown }
}

function wattRegistry (): PrometheusGlobal['registry'] {
  return (globalThis as unknown as { platformatic: { prometheus: PrometheusGlobal } }).platformatic.prometheus.registry
}

test('the AI metrics are on Watt\'s registry: requests by outcome, fallbacks, caller rejections', async (t) => {
  const { request, mock } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock, { models: ['openai:gpt-4o-mini', 'openai:gpt-4o'], limits: { retry: { max: 0 } } }),
    auth: { jwt: { secret } },
    callerRateLimit: { max: 2, timeWindow: '30s' }
  }))
  const alice = { authorization: `Bearer ${sign({ sub: 'alice' })}` }
  mock.enqueue('gpt-4o-mini', { status: 500 })
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: alice })).statusCode, 200)
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: alice })).statusCode, 200)
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: alice })).statusCode, 429)

  const text = await wattRegistry().metrics()
  const samples = parseSamples(text)
  assert.strictEqual(valueOf(samples, 'ai_warp_requests_total', { route: '/api/v1/prompt', model: 'openai:gpt-4o', provider: 'openai', outcome: 'ok' }), 2)
  assert.strictEqual(valueOf(samples, 'ai_warp_requests_total', { route: '/api/v1/prompt', model: 'none', outcome: 'AI_CALLER_RATE_LIMITED' }), 1)
  assert.strictEqual(valueOf(samples, 'ai_warp_rate_limit_rejections_total', { limit: 'caller' }), 1)
  assert.strictEqual(valueOf(samples, 'ai_warp_fallbacks_total', { from_model: 'openai:gpt-4o-mini', to_model: 'openai:gpt-4o', reason: 'AI_PROVIDER_RESPONSE_ERROR' }), 1)
  assert.strictEqual(valueOf(samples, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_request_model: 'gpt-4o-mini', gen_ai_response_model: 'gpt-4o' }), 2)
  assert.ok(samples.some((sample) => sample.name === 'ai_warp_requests_total' && sample.labels.workerId !== undefined), 'Watt\'s own labels are added')
  assert.doesNotMatch(text, /alice/, 'no caller in any label')
})

test('a second AI Warp in the same thread leaves Watt\'s registry to the first', async (t) => {
  const first = await startAiWarp(t, (mock) => ({ ai: mockAiSection(mock) }))
  const second = await startAiWarp(t, (mock) => ({ ai: mockAiSection(mock) }))
  assert.strictEqual((await second.request({ url: '/api/v1/prompt', body: { prompt: 'hi' } })).statusCode, 200)
  assert.strictEqual((await first.request({ url: '/api/v1/prompt', body: { prompt: 'hi' } })).statusCode, 200)
  assert.strictEqual(valueOf(parseSamples(await wattRegistry().metrics()), 'ai_warp_requests_total', { outcome: 'ok' }), 1, 'the first one\'s request only')
  await first.app.stop()
  assert.strictEqual(wattRegistry().getSingleMetric('ai_warp_requests_total'), undefined, 'removed when it stops')
})
