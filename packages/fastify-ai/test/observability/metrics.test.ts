import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import fastifyAi from '../../src/index.ts'
import { defaultOptions, postJson, startGateway } from '../helpers/gateway.ts'

/** One sample of a scrape: its name, labels and value. */
interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** The samples of the text exposition format (enough of it for prom-client's output). */
export function parseSamples (text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (match === null) throw new Error(`not a sample: ${line}`)
    const labels: Record<string, string> = {}
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2]
    samples.push({ name: match[1], labels, value: Number(match[3]) })
  }
  return samples
}

function valueOf (samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
  return found?.value
}

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
  assert.ok((valueOf(samples, 'ai_warp_store_operation_duration_seconds_count', { operation: 'consumeUnless' }) ?? 0) >= 2)

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
  // Cool-downs expire between rounds only with a clock; the first rounds see every state.
  for (let i = 0; i < 3; i++) await traffic()
  const warm = await scrape(registry)
  for (let i = 0; i < 40; i++) await traffic()
  const after = await scrape(registry)
  const series = (samples: Sample[]) => samples.map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`).sort()
  assert.deepEqual(series(after), series(warm), 'the same series after 40 more callers')
  const labelValues = after.flatMap((sample) => Object.values(sample.labels))
  for (const secret of secrets) assert.ok(!labelValues.some((value) => value.includes(secret)), `no label holds ${secret}`)
  assert.ok(valueOf(after, 'ai_warp_requests_total', { route: '/api/v1/prompt', outcome: 'AI_SESSION_NOT_FOUND' }) === 43)
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
