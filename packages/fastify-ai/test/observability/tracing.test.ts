import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { ROOT_CONTEXT, SpanStatusCode, context, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { postJson, startGateway } from '../helpers/gateway.ts'
import { remoteParent } from '../../src/observability/tracing.ts'

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c'
const CALLER_SPAN_ID = 'b7ad6b7169203331'

function memoryTracer (t: TestContext) {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  t.after(() => provider.shutdown())
  return { exporter, tracer: provider.getTracer('test') }
}

/** The request and attempt spans (not the store calls'), in the order they ended. */
function chatSpans (exporter: InMemorySpanExporter): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.name.startsWith('chat '))
}

function parentOf (span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId
}

async function traced (t: TestContext, recordContent = false) {
  const { exporter, tracer } = memoryTracer(t)
  const gateway = await startGateway(t, { plugin: { tracing: { tracer, recordContent } } })
  return { ...gateway, exporter }
}

test('a fallback is one request span with two attempt children, under the caller\'s trace', async (t) => {
  const { url, mock, exporter } = await traced(t)
  mock.enqueue('model-a', { status: 500 })
  mock.setBehaviour('model-b', { usage: { promptTokens: 4, completionTokens: 2 } })
  const response = await postJson(`${url}/api/v1/prompt`, { prompt: 'secret prompt words', maxTokens: 50, temperature: 0.2 }, {
    headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` }
  })
  const body = await response.json()
  assert.equal(body.model, 'openai:model-b')

  const spans = chatSpans(exporter)
  assert.deepEqual(spans.map((span) => span.name).sort(), ['chat model-a', 'chat model-a', 'chat model-b'])
  const request = spans.find((span) => parentOf(span) === CALLER_SPAN_ID) as ReadableSpan
  assert.ok(request !== undefined, 'the request span is a child of the caller\'s span')
  assert.equal(request.spanContext().traceId, TRACE_ID)
  const attempts = spans.filter((span) => parentOf(span) === request.spanContext().spanId)
  assert.deepEqual(attempts.map((span) => span.name), ['chat model-a', 'chat model-b'])
  for (const span of spans) assert.equal(span.spanContext().traceId, TRACE_ID)

  assert.deepEqual(request.attributes, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'model-a',
    'gen_ai.request.max_tokens': 50,
    'gen_ai.request.temperature': 0.2,
    'ai_warp.stream': false,
    'gen_ai.response.model': 'model-b',
    'ai_warp.model': 'openai:model-b',
    'gen_ai.conversation.id': body.sessionId,
    'gen_ai.usage.input_tokens': 4,
    'gen_ai.usage.output_tokens': 2,
    'gen_ai.response.finish_reasons': ['stop'],
    'ai_warp.models_missed': ['openai:model-a AI_PROVIDER_RESPONSE_ERROR']
  })
  assert.equal(request.status.code, SpanStatusCode.UNSET)
  assert.equal(attempts[0].attributes['error.type'], 'AI_PROVIDER_RESPONSE_ERROR')
  assert.equal(attempts[0].status.code, SpanStatusCode.ERROR)
  assert.deepEqual(attempts[1].attributes, {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.system': 'openai',
    'gen_ai.request.model': 'model-b',
    'ai_warp.model': 'openai:model-b',
    'ai_warp.retry': 0
  })
  assert.ok(!JSON.stringify(spans.map((span) => span.attributes)).includes('secret prompt words'), 'no content by default')
})

test('a stream\'s span lasts until its end, with its first token; a failure has its error type', async (t) => {
  const { url, mock, exporter } = await traced(t)
  mock.setBehaviour('model-a', { deltas: ['a ', 'b'], deltaDelayMs: 20 })
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'go' })
  await response.text()
  const [attempt, request] = chatSpans(exporter)
  assert.equal(request.name, 'chat model-a')
  assert.equal(request.attributes['ai_warp.stream'], true)
  assert.deepEqual(request.events.map((event) => event.name), ['gen_ai.first_token'])
  assert.ok(attempt.endTime[0] * 1e9 + attempt.endTime[1] <= request.events[0].time[0] * 1e9 + request.events[0].time[1] + 1e6)
  // The attempt ended with the first event; the request with the last one, 20 ms later at least.
  const duration = (span: ReadableSpan) => span.duration[0] * 1000 + span.duration[1] / 1e6
  assert.ok(duration(request) >= duration(attempt) + 15, `${duration(request)} vs ${duration(attempt)}`)

  exporter.reset()
  mock.setBehaviour('model-a', { status: 500 })
  mock.setBehaviour('model-b', { status: 400 })
  assert.equal((await postJson(`${url}/api/v1/prompt`, { prompt: 'fail' })).status, 503)
  const failed = chatSpans(exporter).find((span) => span.parentSpanContext === undefined) as ReadableSpan
  assert.equal(failed.attributes['error.type'], 'AI_NO_MODELS_AVAILABLE')
  assert.equal(failed.status.code, SpanStatusCode.ERROR)
})

test('recordContent puts the prompt, the instructions and the answer on the request span', async (t) => {
  const { url, mock, exporter } = await traced(t, true)
  mock.setBehaviour('model-a', { text: 'the answer' })
  await (await postJson(`${url}/api/v1/prompt`, { prompt: 'the question', context: 'be kind' })).json()
  const [, request] = chatSpans(exporter)
  assert.equal(request.attributes['gen_ai.system_instructions'], JSON.stringify([{ type: 'text', content: 'be kind' }]))
  assert.equal(request.attributes['gen_ai.input.messages'], JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'the question' }] }]))
  assert.equal(request.attributes['gen_ai.output.messages'], JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'the answer' }], finish_reason: 'stop' }]))
})

test('the parent is the active span when there is one, else parentContext when given', async (t) => {
  // An instrumentation that made the HTTP request's span active (as the OTel HTTP one does).
  const manager = new AsyncLocalStorageContextManager().enable()
  context.setGlobalContextManager(manager)
  t.after(() => context.disable())
  const { exporter, tracer } = memoryTracer(t)
  const server = tracer.startSpan('GET /api/v1/prompt')
  const { url, mock } = await startGateway(t, {
    plugin: { tracing: { tracer } },
    setup (app) {
      app.addHook('onRequest', (_request, _reply, done) => {
        context.with(trace.setSpan(ROOT_CONTEXT, server), done)
      })
    }
  })
  await (await postJson(`${url}/api/v1/prompt`, { prompt: 'x' })).json()
  server.end()
  const request = exporter.getFinishedSpans().find((span) => span.name === 'chat model-a' && parentOf(span) === server.spanContext().spanId)
  assert.ok(request !== undefined, 'a child of the active span')

  const given = tracer.startSpan('given')
  const other = await startGateway(t, { mock, plugin: { tracing: { tracer, parentContext: () => trace.setSpan(ROOT_CONTEXT, given) } } })
  await (await postJson(`${other.url}/api/v1/prompt`, { prompt: 'x' })).json()
  assert.ok(exporter.getFinishedSpans().some((span) => parentOf(span) === given.spanContext().spanId))
})

test('traceparent: only a valid one is a parent', () => {
  assert.equal(trace.getSpanContext(remoteParent(`00-${TRACE_ID}-${CALLER_SPAN_ID}-01`, 'vendor=x') as never)?.traceState?.get('vendor'), 'x')
  for (const invalid of ['', 'nonsense', `ff-${TRACE_ID}-${CALLER_SPAN_ID}-01`, `00-${'0'.repeat(32)}-${CALLER_SPAN_ID}-01`, `00-${TRACE_ID}-${'0'.repeat(16)}-01`, `00-${TRACE_ID}-${CALLER_SPAN_ID}`]) {
    assert.equal(remoteParent(invalid, undefined), undefined, invalid)
  }
})

test('by default the global tracer provider records the spans; tracing: false makes none', async (t) => {
  const exporter = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  trace.setGlobalTracerProvider(provider)
  t.after(() => trace.disable())
  const { url, mock } = await startGateway(t)
  await (await postJson(`${url}/api/v1/prompt`, { prompt: 'x' })).json()
  const recorded = exporter.getFinishedSpans().length
  assert.equal(chatSpans(exporter).length, 2)
  const off = await startGateway(t, { mock, plugin: { tracing: false } })
  await (await postJson(`${off.url}/api/v1/prompt`, { prompt: 'x' })).json()
  assert.equal(exporter.getFinishedSpans().length, recorded)
  await assert.rejects(startGateway(t, { mock, plugin: { tracing: { tracer: {} as never } } }), { code: 'AI_OPTIONS_INVALID', message: /tracing\.tracer/ })
})

test('the store calls of a request are children of its span, a stream\'s until its end', async (t) => {
  const { url, exporter } = await traced(t)
  const first = await (await postJson(`${url}/api/v1/prompt`, { prompt: 'one' })).json()
  exporter.reset()
  // A known session: its meta and turns are read, the turn written, the model's state read.
  await (await postJson(`${url}/api/v1/prompt`, { prompt: 'two', sessionId: first.sessionId })).json()
  const spans = exporter.getFinishedSpans()
  const request = spans.find((span) => span.name === 'chat model-a' && span.parentSpanContext === undefined) as ReadableSpan
  const stores = spans.filter((span) => span.name.startsWith('store '))
  assert.ok(stores.length >= 3, `store spans: ${stores.map((span) => span.name).join(', ')}`)
  for (const store of stores) {
    assert.equal(parentOf(store), request.spanContext().spanId, store.name)
    assert.equal(store.attributes['db.operation.name'], store.name.slice('store '.length))
    // Within the request, in time.
    const start = (time: [number, number]) => time[0] * 1e9 + time[1]
    assert.ok(start(store.startTime) >= start(request.startTime) - 1e6, store.name)
    assert.ok(start(store.endTime) <= start(request.endTime) + 1e6, store.name)
  }
  const names = new Set(stores.map((span) => span.name))
  assert.ok(names.has('store get'), [...names].join(', '))
  assert.ok(names.has('store listPush'), [...names].join(', '))

  exporter.reset()
  await (await postJson(`${url}/api/v1/stream`, { prompt: 'three', sessionId: first.sessionId })).text()
  const streamSpans = exporter.getFinishedSpans()
  const streamRequest = streamSpans.find((span) => span.name === 'chat model-a' && span.parentSpanContext === undefined) as ReadableSpan
  const streamStores = streamSpans.filter((span) => span.name.startsWith('store '))
  // The generation's log appends are its children too, though they run after the route returned.
  assert.ok(streamStores.some((span) => span.name === 'store appendEvents' || span.name === 'store appendEvent'), streamStores.map((span) => span.name).join(', '))
  for (const store of streamStores) assert.equal(parentOf(store), streamRequest.spanContext().spanId, store.name)
})

test('propagateUpstream sends each attempt\'s trace context to its provider; by default nothing is sent', async (t) => {
  const { exporter, tracer } = memoryTracer(t)
  const { url, mock } = await startGateway(t, { plugin: { tracing: { tracer, propagateUpstream: true } } })
  mock.enqueue('model-a', { status: 500 })
  const headers = { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` }
  await (await postJson(`${url}/api/v1/prompt`, { prompt: 'x' }, { headers })).json()
  const attempts = chatSpans(exporter).filter((span) => parentOf(span) !== CALLER_SPAN_ID)
  assert.equal(attempts.length, 2)
  assert.deepEqual(mock.requests.map((request) => request.headers.traceparent), attempts.map((span) => `00-${TRACE_ID}-${span.spanContext().spanId}-01`))

  const plain = await traced(t)
  await (await postJson(`${plain.url}/api/v1/prompt`, { prompt: 'x' }, { headers })).json()
  assert.equal(plain.mock.requests[0].headers.traceparent, undefined, 'not sent on unless asked')
  await assert.rejects(startGateway(t, { mock, plugin: { tracing: { propagateUpstream: 'yes' as never } } }), { code: 'AI_OPTIONS_INVALID', message: /tracing\.propagateUpstream/ })
})
