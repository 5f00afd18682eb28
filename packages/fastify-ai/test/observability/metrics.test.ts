import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import { AiStorageUnavailableError, createAi, createMemoryStore } from '@platformatic/ai-provider'
import type { AiStore } from '@platformatic/ai-provider'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import fastifyAi from '../../src/index.ts'
import { defaultOptions, postJson, startGateway } from '../helpers/gateway.ts'
import { parseSamples, valueOf } from '../helpers/prometheus.ts'
import type { Sample } from '../helpers/prometheus.ts'

async function scrape (registry: Registry): Promise<Sample[]> {
  return parseSamples(await registry.metrics())
}

test('requests, fallbacks, GenAI durations and tokens, cool-downs and model state after a fallback', async (t) => {
  const registry = new Registry()
  const { url, mock } = await startGateway(t, { plugin: { metrics: { registry } } })
  mock.enqueue('model-a', { status: 500 })
  mock.setBehaviour('model-b', { usage: { promptTokens: 7, completionTokens: 3 } })
  assert.equal((await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })).status, 200)

  const samples = await scrape(registry)
  assert.equal(valueOf(samples, 'ai_warp_requests_total', { route: '/api/v1/prompt', model: 'openai:model-b', provider: 'openai', outcome: 'ok' }), 1)
  assert.equal(valueOf(samples, 'ai_warp_fallbacks_total', { from_model: 'openai:model-a', to_model: 'openai:model-b', reason: 'AI_PROVIDER_RESPONSE_ERROR' }), 1)
  const genAi = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'openai', gen_ai_request_model: 'model-a', gen_ai_response_model: 'model-b' }
  assert.equal(valueOf(samples, 'gen_ai_client_operation_duration_seconds_count', genAi), 1)
  assert.equal(valueOf(samples, 'gen_ai_client_token_usage_sum', { ...genAi, gen_ai_token_type: 'input' }), 7)
  assert.equal(valueOf(samples, 'gen_ai_client_token_usage_sum', { ...genAi, gen_ai_token_type: 'output' }), 3)
  assert.equal(valueOf(samples, 'ai_warp_upstream_attempt_duration_seconds_count', { model: 'openai:model-a', outcome: 'AI_PROVIDER_RESPONSE_ERROR' }), 1)
  assert.equal(valueOf(samples, 'ai_warp_upstream_attempt_duration_seconds_count', { model: 'openai:model-b', outcome: 'ok' }), 1)
  assert.equal(valueOf(samples, 'ai_warp_model_cool_downs_total', { model: 'openai:model-a', reason: 'AI_PROVIDER_RESPONSE_ERROR' }), 1)
  assert.equal(valueOf(samples, 'ai_warp_model_state', { model: 'openai:model-a', state: 'cooling-down' }), 1)
  assert.equal(valueOf(samples, 'ai_warp_model_state', { model: 'openai:model-a', state: 'ready' }), 0)
  assert.equal(valueOf(samples, 'ai_warp_model_state', { model: 'openai:model-b', state: 'ready' }), 1)

  // Both models cooling: the chain fails, labelled with the requested model and the code.
  assert.equal((await postJson(`${url}/api/v1/prompt`, { prompt: 'hi', models: ['openai:model-a'] })).status, 503)
  const failed = await scrape(registry)
  assert.equal(valueOf(failed, 'ai_warp_requests_total', { route: '/api/v1/prompt', model: 'none', provider: 'none', outcome: 'AI_NO_MODELS_AVAILABLE' }), 1)
  assert.equal(valueOf(failed, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_request_model: 'model-a', error_type: 'AI_NO_MODELS_AVAILABLE' }), 1)
})

test('a stream: time to first token, time per output token, open streams back to 0, a resume counted', async (t) => {
  const registry = new Registry()
  const { url, mock } = await startGateway(t, { plugin: { metrics: { registry } } })
  mock.setBehaviour('model-a', { deltas: ['one ', 'two ', 'three'], usage: { promptTokens: 2, completionTokens: 3 } })
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'count' })
  const text = await response.text()
  const sessionId = response.headers.get('x-session-id') as string
  const lastId = [...text.matchAll(/^id: (\d+)$/gm)].at(-1)?.[1] as string
  // The resume of a finished answer replays what follows lastEventId (nothing) and its end.
  const resumed = await postJson(`${url}/api/v1/stream`, { prompt: 'count', sessionId, lastEventId: String(Number(lastId) - 1) })
  await resumed.text()

  const samples = await scrape(registry)
  const genAi = { gen_ai_request_model: 'model-a', gen_ai_response_model: 'model-a' }
  assert.equal(valueOf(samples, 'gen_ai_server_time_to_first_token_seconds_count', genAi), 1)
  assert.equal(valueOf(samples, 'gen_ai_server_time_per_output_token_seconds_count', genAi), 1)
  assert.equal(valueOf(samples, 'ai_warp_requests_total', { route: '/api/v1/stream', model: 'openai:model-a', outcome: 'ok' }), 1)
  assert.equal(valueOf(samples, 'ai_warp_stream_resumes_total'), 1)
  assert.equal(valueOf(samples, 'ai_warp_open_streams', { route: '/api/v1/stream' }), 0)
})

test('the series are bounded: many callers, sessions and prompts add no series', async (t) => {
  const registry = new Registry()
  const { url, mock } = await startGateway(t, {
    plugin: {
      metrics: { registry },
      routes: { openai: true },
      // Far from the rate limits: a model refused on its limit is a state of its own (other series).
      limits: { retry: { max: 0, interval: 0 }, rate: { max: 100000, timeWindow: '1m' } },
      getOwner: (request) => request.headers['x-user'] as string | undefined
    }
  })
  const secrets: string[] = []
  let round = 0
  /** Every kind of request, from a new caller with a new prompt each time. */
  async function traffic (): Promise<void> {
    round++
    const user = `user-${round}-${Math.random()}`
    const prompt = `prompt ${round} ${Math.random()}`
    const headers = { 'x-user': user }
    mock.enqueue('model-a', { status: 500 })
    const first = await (await postJson(`${url}/api/v1/prompt`, { prompt }, { headers })).json()
    secrets.push(user, prompt, first.sessionId)
    await (await postJson(`${url}/api/v1/prompt`, { prompt: `${prompt} again`, sessionId: first.sessionId }, { headers })).arrayBuffer()
    const stream = await postJson(`${url}/api/v1/stream`, { prompt }, { headers })
    secrets.push(stream.headers.get('x-session-id') as string)
    await stream.arrayBuffer()
    await (await postJson(`${url}/v1/chat/completions`, { model: 'openai:model-b', messages: [{ role: 'user', content: prompt }] }, { headers })).arrayBuffer()
    await (await postJson(`${url}/api/v1/prompt`, { prompt, sessionId: `unknown-${round}` }, { headers })).arrayBuffer()
    await (await fetch(`${url}/api/v1/sessions/${first.sessionId}`, { headers })).arrayBuffer()
    await (await postJson(`${url}/api/v1/prompt`, { prompt: '' }, { headers })).arrayBuffer()
  }
  // The first rounds see every state (and a sample of each store operation).
  for (let i = 0; i < 10; i++) await traffic()
  const warm = await scrape(registry)
  for (let i = 0; i < 40; i++) await traffic()
  const after = await scrape(registry)
  const series = (samples: Sample[]) => samples.map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`).sort()
  assert.deepEqual(series(after), series(warm), 'the same series after 40 more callers')
  const labelValues = after.flatMap((sample) => Object.values(sample.labels))
  for (const secret of secrets) assert.ok(!labelValues.some((value) => value.includes(secret)), `no label holds ${secret}`)
  assert.ok(valueOf(after, 'ai_warp_requests_total', { route: '/api/v1/prompt', outcome: 'AI_SESSION_NOT_FOUND' }) === 50)
})

test('store latency is sampled (one call in 8 of each operation), store failures are all counted', async (t) => {
  const registry = new Registry()
  const { url } = await startGateway(t, { plugin: { metrics: { registry } } })
  // One consumeUnless per new conversation's prompt.
  for (let i = 0; i < 16; i++) await (await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })).arrayBuffer()
  const samples = await scrape(registry)
  assert.equal(valueOf(samples, 'ai_warp_store_operation_duration_seconds_count', { operation: 'consumeUnless' }), 2)
  assert.equal(samples.filter((sample) => sample.name === 'ai_warp_store_errors_total').length, 0)
})

test('a store that fails: every failed call is counted by operation and code, and the request by its outcome', async (t) => {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const memory = createMemoryStore()
  const store: AiStore = { ...memory, consumeUnless () { return Promise.reject(new AiStorageUnavailableError('connection refused')) } }
  const ai = await createAi({ providers: { openai: { apiKey: 'k', baseUrl: mock.url } }, models: ['openai:model-a'] }, { store })
  t.after(() => ai.close())
  const registry = new Registry()
  const { url } = await startGateway(t, { mock, plugin: { ai, metrics: { registry } } })
  for (let i = 0; i < 3; i++) assert.equal((await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })).status, 503)
  const samples = await scrape(registry)
  assert.equal(valueOf(samples, 'ai_warp_store_errors_total', { operation: 'consumeUnless', code: 'AI_STORAGE_UNAVAILABLE' }), 3)
  assert.equal(valueOf(samples, 'ai_warp_requests_total', { outcome: 'AI_STORAGE_UNAVAILABLE' }), 3)
})

test('cost by model from its price; a caller over its budget counted as a budget rejection', async (t) => {
  const registry = new Registry()
  const { url, mock } = await startGateway(t, {
    plugin: {
      metrics: { registry },
      models: [{ provider: 'openai', model: 'model-a', price: { input: 1, output: 2 } }],
      callerBudget: { tokens: 10, timeWindow: '1h' }
    }
  })
  mock.setBehaviour('model-a', { usage: { promptTokens: 3, completionTokens: 2 } })
  assert.equal((await postJson(`${url}/api/v1/prompt`, { prompt: 'hi', maxTokens: 4 })).status, 200)
  let refused = 0
  for (let i = 0; i < 5; i++) if ((await postJson(`${url}/api/v1/prompt`, { prompt: 'hi', maxTokens: 4 })).status === 429) refused++
  assert.ok(refused > 0, 'the budget refused some')
  const samples = await scrape(registry)
  // 3 input tokens at 1 and 2 output tokens at 2 per million, per answer.
  const answered = valueOf(samples, 'ai_warp_requests_total', { outcome: 'ok' }) as number
  assert.ok(Math.abs((valueOf(samples, 'ai_warp_cost_total', { model: 'openai:model-a', provider: 'openai' }) as number) - answered * 7e-6) < 1e-12)
  assert.equal(valueOf(samples, 'ai_warp_rate_limit_rejections_total', { limit: 'budget' }), refused)
})

test('closing the gateway removes its metrics, so another one can use the registry', async (t) => {
  const registry = new Registry()
  for (let i = 0; i < 2; i++) {
    const app = Fastify()
    await app.register(fastifyAi, { ...defaultOptions('http://127.0.0.1:9'), metrics: { registry } })
    await app.ready()
    assert.ok(registry.getSingleMetric('ai_warp_requests_total') !== undefined)
    await app.close()
    assert.equal(registry.getSingleMetric('ai_warp_requests_total'), undefined)
  }
  // Without metrics nothing is registered anywhere, and a wrong registry is refused at once.
  const wrong = Fastify()
  t.after(() => wrong.close())
  await assert.rejects(async () => {
    await wrong.register(fastifyAi, { ...defaultOptions('http://127.0.0.1:9'), metrics: { registry: {} as Registry } })
  }, { code: 'AI_OPTIONS_INVALID', message: /metrics\.registry/ })
})

test('an embedding request is a GenAI embeddings operation: its metrics and its spans', async (t) => {
  const registry = new Registry()
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base')
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  t.after(() => provider.shutdown())
  const { url, mock } = await startGateway(t, {
    plugin: {
      models: ['openai:model-a', { provider: 'openai', model: 'text-embedding-3-small', type: 'embedding' }],
      metrics: { registry },
      tracing: { tracer: provider.getTracer('test') }
    }
  })
  const response = await postJson(`${url}/api/v1/embeddings`, { input: ['sky', 'grass'] })
  assert.equal(response.status, 200, await response.clone().text())
  assert.equal(mock.requests[0].path, '/v1/embeddings')

  const samples = await scrape(registry)
  const genAi = { gen_ai_operation_name: 'embeddings', gen_ai_provider_name: 'openai', gen_ai_request_model: 'text-embedding-3-small', gen_ai_response_model: 'text-embedding-3-small' }
  assert.equal(valueOf(samples, 'gen_ai_client_operation_duration_seconds_count', genAi), 1)
  assert.ok((valueOf(samples, 'gen_ai_client_token_usage_sum', { ...genAi, gen_ai_token_type: 'input' }) ?? 0) > 0)
  assert.equal(valueOf(samples, 'ai_warp_requests_total', { model: 'openai:text-embedding-3-small', outcome: 'ok' }), 1)
  const spans = exporter.getFinishedSpans().filter((span) => !span.name.startsWith('store '))
  assert.deepEqual(spans.map((span) => span.name).sort(), ['embeddings text-embedding-3-small', 'embeddings text-embedding-3-small'])
  assert.ok(spans.every((span) => span.attributes['gen_ai.operation.name'] === 'embeddings'))
})
