// End to end through the real `wattpm start`: a Watt project whose `metrics` and `telemetry`
// sections are the only observability configuration. The AI metrics appear on Watt's own
// metrics endpoint beside the runtime's, and the spans reach the OTLP receiver the telemetry
// exporter is pointed at (a local one started by the test), under the HTTP span of the request
// and the caller's trace.

import assert from 'node:assert'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { startOtlpReceiver } from './helpers/otlp-receiver.ts'
import type { ReceivedSpan } from './helpers/otlp-receiver.ts'
import { parseSamples, valueOf } from '../../fastify-ai/test/helpers/prometheus.ts'

const packageRoot = resolve(import.meta.dirname, '..')
const dashboardPath = resolve(packageRoot, '..', '..', 'examples', 'observability', 'grafana-dashboard.json')
/** How a panel names the data source picked at import (Grafana's variable syntax). */
const DATASOURCE_VARIABLE = '$' + '{datasource}'
const wattpm = join(packageRoot, 'node_modules', '.bin', 'wattpm')
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN_ID = '00f067aa0ba902b7'

/**
 * The Grafana dashboard of examples/observability against what Watt serves: every metric a panel
 * queries is one the service emits, every AI metric it emits has a panel, and the JSON has what
 * Grafana's import needs (a datasource variable every target uses, unique panel ids, positions).
 */
function checkDashboard (metricsText: string): void {
  const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8'))
  const families = new Map<string, string>()
  for (const match of metricsText.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(match[1], match[2])
  const emitted = [...families.keys()].filter((name) => /^(ai_warp|gen_ai)_/.test(name))
  assert.ok(emitted.length >= 15, `the AI metric families are served: ${emitted.join(', ')}`)
  const queried = new Set<string>()
  const ids = new Set<number>()
  assert.ok(dashboard.templating.list.some((variable: { name: string, type: string }) => variable.name === 'datasource' && variable.type === 'datasource'))
  for (const panel of dashboard.panels) {
    assert.ok(!ids.has(panel.id), `panel id ${panel.id} is unique`)
    ids.add(panel.id)
    assert.ok(panel.gridPos.w > 0 && panel.gridPos.h > 0, `${panel.title} has a position`)
    for (const target of panel.targets) {
      assert.strictEqual(target.datasource.uid, DATASOURCE_VARIABLE, `${panel.title} uses the datasource variable`)
      // Label names (in `by (…)` and selectors) are not metrics.
      const metricsOnly = target.expr.replace(/\bby\s*\([^)]*\)/g, '').replace(/\{[^}]*\}/g, '')
      for (const [name] of metricsOnly.matchAll(/\b(?:ai_warp|gen_ai)_[a-z_]+\b/g)) {
        const family = families.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '')
        assert.ok(families.has(family), `${panel.title}: ${name} is a metric the service emits`)
        if (family !== name) assert.strictEqual(families.get(family), 'histogram', `${name} is a series of the histogram ${family}`)
        queried.add(family)
      }
    }
  }
  assert.deepStrictEqual(emitted.filter((name) => !queried.has(name)), [], 'every AI metric has a panel')
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function until<T> (what: string, read: () => T | undefined | Promise<T | undefined>, output: () => string): Promise<T> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const value = await read()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${what} never came:\n${output()}`)
}

/** Write the project, start it with wattpm; resolves once the AI routes answer. */
async function startProject (t: TestContext, mockUrl: string, receiverUrl: string): Promise<{ url: string, metricsUrl: string, output: () => string }> {
  const dir = await mkdtemp(join(tmpdir(), 'ai-warp-observability-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'node_modules', '@platformatic'), { recursive: true })
  await symlink(packageRoot, join(dir, 'node_modules', '@platformatic', 'ai-warp'), 'dir')
  await mkdir(join(dir, 'web', 'ai'), { recursive: true })
  const [port, metricsPort] = [await freePort(), await freePort()]
  await writeFile(join(dir, 'watt.json'), JSON.stringify({
    $schema: 'https://schemas.platformatic.dev/wattpm/3.67.0.json',
    autoload: { path: 'web' },
    logger: { level: 'warn' },
    server: { hostname: '127.0.0.1', port },
    metrics: { hostname: '127.0.0.1', port: metricsPort },
    // `processor: simple` exports each span as it ends (the batch processor waits up to 5 s).
    telemetry: { applicationName: 'ai-warp-e2e', exporter: { type: 'otlp', processor: 'simple', options: { url: receiverUrl } } }
  }))
  await writeFile(join(dir, 'web', 'ai', 'watt.json'), JSON.stringify({
    $schema: '../../node_modules/@platformatic/ai-warp/schema.json',
    module: '@platformatic/ai-warp',
    ai: {
      providers: { openai: { apiKey: 'sk-e2e', baseUrl: mockUrl } },
      models: ['openai:gpt-4o-mini', 'openai:gpt-4o'],
      limits: { retry: { max: 0 } }
    }
  }))
  const child = spawn(wattpm, ['start'], { cwd: dir, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => { output += chunk })
  child.stderr.on('data', (chunk) => { output += chunk })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGINT')
    await exited
  })
  const url = `http://127.0.0.1:${port}`
  await until('the service', async () => {
    if (child.exitCode !== null) throw new Error(`wattpm exited:\n${output}`)
    return await fetch(`${url}/api/v1/models`).then((response) => response.ok ? true : undefined, () => undefined)
  }, () => output)
  return { url, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, output: () => output }
}

test('Watt serves the AI metrics on its metrics endpoint and exports the AI spans with its telemetry', { timeout: 90000 }, async (t) => {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const receiver = await startOtlpReceiver()
  t.after(() => receiver.close())
  const { url, metricsUrl, output } = await startProject(t, mock.url, receiver.url)

  mock.enqueue('gpt-4o-mini', { status: 500 })
  const prompt = await fetch(`${url}/api/v1/prompt`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` },
    body: JSON.stringify({ prompt: 'Hello' })
  })
  assert.strictEqual(prompt.status, 200)
  assert.strictEqual((await prompt.json() as { model: string }).model, 'openai:gpt-4o')
  const stream = await fetch(`${url}/api/v1/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'a b c' }) })
  assert.match(await stream.text(), /event: end\n/)

  // Metrics: the AI ones beside the runtime's, on the one endpoint Watt serves.
  const metricsText = await (await fetch(metricsUrl)).text()
  const samples = parseSamples(metricsText)
  assert.strictEqual(valueOf(samples, 'ai_warp_requests_total', { applicationId: 'ai', route: '/api/v1/prompt', model: 'openai:gpt-4o', outcome: 'ok' }), 1)
  assert.strictEqual(valueOf(samples, 'ai_warp_fallbacks_total', { from_model: 'openai:gpt-4o-mini', to_model: 'openai:gpt-4o' }), 1)
  assert.strictEqual(valueOf(samples, 'gen_ai_server_time_to_first_token_seconds_count', { applicationId: 'ai' }), 1)
  assert.ok(samples.some((sample) => sample.name.startsWith('nodejs_') || sample.name.startsWith('process_')), 'the runtime\'s own metrics are there too')
  checkDashboard(metricsText)

  // Spans: the chat span under Watt's HTTP span of the request, which is under the caller's.
  const traceSpans = (): ReceivedSpan[] => receiver.spans.filter((span) => span.traceId === TRACE_ID)
  await until('the spans of the prompt', () => traceSpans().length >= 4 ? true : undefined, () => `${output()}\nreceived: ${JSON.stringify(receiver.spans.map((span) => span.name))}`)
  const spans = traceSpans()
  const http = spans.find((span) => span.parentSpanId === CALLER_SPAN_ID) as ReceivedSpan
  assert.match(http.name, /^POST \/api\/v1\/prompt$/)
  const chat = spans.find((span) => span.parentSpanId === http.spanId) as ReceivedSpan
  assert.strictEqual(chat.name, 'chat gpt-4o-mini')
  assert.strictEqual(chat.attributes['gen_ai.operation.name'], 'chat')
  assert.strictEqual(chat.attributes['gen_ai.request.model'], 'gpt-4o-mini')
  assert.strictEqual(chat.attributes['gen_ai.response.model'], 'gpt-4o')
  assert.strictEqual(chat.attributes['gen_ai.provider.name'], 'openai')
  assert.strictEqual(typeof chat.attributes['gen_ai.usage.output_tokens'], 'number')
  const attempts = spans.filter((span) => span.parentSpanId === chat.spanId && span.name.startsWith('chat '))
  assert.ok(spans.some((span) => span.parentSpanId === chat.spanId && span.name.startsWith('store ')), 'the store calls are children of the chat span')
  assert.deepStrictEqual(attempts.map((span) => [span.name, span.attributes['error.type'] ?? 'ok']).sort(), [['chat gpt-4o', 'ok'], ['chat gpt-4o-mini', 'AI_PROVIDER_RESPONSE_ERROR']])
  assert.ok(!JSON.stringify(spans).includes('Hello'), 'no prompt in the spans by default')
  assert.ok(receiver.contentTypes.every((type) => type === 'application/x-protobuf'), `Watt's otlp exporter sends protobuf (${receiver.contentTypes.join(', ')})`)
})
