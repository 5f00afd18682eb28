import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import pino from 'pino'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { AiStorageUnavailableError } from '@platformatic/ai-provider'
import type { Ai, AiStreamEvent, AiStreamResponse } from '@platformatic/ai-provider'
import { postJson, startGateway } from '../helpers/gateway.ts'
import type { GatewayOptions } from '../helpers/gateway.ts'

interface LogLine {
  level: number
  msg: string
  [key: string]: unknown
}

const INFO = 30
const WARN = 40

/** A gateway whose log lines (at `level`) are kept, raw and parsed. */
async function logged (t: TestContext, level: string, options: GatewayOptions = {}) {
  const lines: LogLine[] = []
  let raw = ''
  const sink = new Writable({
    write (chunk, _encoding, callback) {
      raw += String(chunk)
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line))
      callback()
    }
  })
  const gateway = await startGateway(t, { ...options, server: { loggerInstance: pino({ level }, sink) } })
  return { ...gateway, lines, raw: () => raw }
}

function requestLines (lines: LogLine[]): LogLine[] {
  return lines.filter((line) => typeof line.route === 'string' && typeof line.caller === 'string')
}

test('one line per request: route, caller, models tried, the answer\'s model, tokens, latency, session', async (t) => {
  const { url, mock, lines } = await logged(t, 'info', { plugin: { getOwner: (request) => request.headers['x-user'] as string | undefined } })
  mock.enqueue('model-a', { status: 500 })
  mock.setBehaviour('model-b', { usage: { promptTokens: 5, completionTokens: 2 } })
  const body = await (await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' }, { headers: { 'x-user': 'ada' } })).json()
  const [line] = requestLines(lines)
  assert.equal(line.level, INFO)
  assert.equal(line.msg, 'AI request')
  assert.equal(line.method, 'POST')
  assert.equal(line.route, '/api/v1/prompt')
  assert.equal(line.statusCode, 200)
  assert.equal(line.caller, 'user:ada')
  assert.equal(line.sessionId, body.sessionId)
  assert.deepEqual(line.models, [{ model: 'openai:model-a', code: 'AI_PROVIDER_RESPONSE_ERROR' }, { model: 'openai:model-b', code: 'OK' }])
  assert.equal(line.model, 'openai:model-b')
  assert.deepEqual(line.tokens, { input: 5, output: 2 })
  assert.equal(typeof line.latencyMs, 'number')
  assert.equal(typeof line.reqId, 'string', 'the request id of Fastify\'s child logger')

  const stream = await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })
  await stream.text()
  const streamLine = requestLines(lines)[1]
  assert.equal(streamLine.route, '/api/v1/stream')
  assert.equal(streamLine.caller, 'ip:127.0.0.1')
  assert.equal(typeof streamLine.timeToFirstTokenMs, 'number')
  assert.equal(streamLine.sessionId, stream.headers.get('x-session-id'))
})

test('a failed request is one line with its code, not one from the error handler and another', async (t) => {
  const { url, mock, lines } = await logged(t, 'info')
  mock.setBehaviour('model-a', { status: 500 })
  mock.setBehaviour('model-b', { status: 503 })
  assert.equal((await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })).status, 503)
  assert.equal((await postJson(`${url}/api/v1/prompt`, { prompt: '' })).status, 400)
  assert.equal((await postJson(`${url}/api/v1/prompt`, { prompt: 'hi', sessionId: 'nope' })).status, 404)
  const failures = requestLines(lines)
  assert.deepEqual(failures.map((line) => [line.level, line.code, line.statusCode]), [
    [WARN, 'AI_NO_MODELS_AVAILABLE', 503],
    [INFO, 'AI_BAD_REQUEST', 400],
    [INFO, 'AI_SESSION_NOT_FOUND', 404]
  ])
  assert.match(failures[0].msg, /^AI request failed: /)
  assert.deepEqual(failures[0].models, [{ model: 'openai:model-a', code: 'AI_PROVIDER_RESPONSE_ERROR' }, { model: 'openai:model-b', code: 'AI_PROVIDER_RESPONSE_ERROR' }])
  assert.match(failures[1].msg, /^AI request refused: /)
  assert.equal(lines.filter((line) => /AI request/.test(line.msg)).length, 3, 'no other line about these requests')
  // Unknown routes are not the gateway's requests: their one line is the error handler's.
  assert.equal((await fetch(`${url}/nowhere`)).status, 404)
  assert.equal(lines.filter((line) => line.code === 'AI_ROUTE_NOT_FOUND').length, 1)
})

test('a client that leaves mid-stream is one line with AI_ABORTED', async (t) => {
  const { url, mock, lines } = await logged(t, 'info')
  mock.setBehaviour('model-a', { deltas: ['a ', 'b ', 'c'], deltaDelayMs: 200 })
  const controller = new AbortController()
  const response = await postJson(`${url}/api/v1/stream`, { prompt: 'hi' }, { signal: controller.signal })
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  await reader.read()
  controller.abort()
  for (let wait = 0; wait < 50 && requestLines(lines).length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 20))
  const [line] = requestLines(lines)
  assert.equal(line.code, 'AI_ABORTED')
  assert.equal(line.route, '/api/v1/stream')
  assert.equal(requestLines(lines).length, 1)
})

test('a stream failing after its headers is one line, with the failure\'s code', async (t) => {
  // A core whose stream fails after its first event, as a store that goes away mid-answer does.
  const ai = {
    async stream (): Promise<AiStreamResponse> {
      async function * events (): AsyncGenerator<AiStreamEvent> {
        yield { type: 'content', id: '1', text: 'half' }
        throw new AiStorageUnavailableError('connection lost')
      }
      return { sessionId: 's1', model: 'openai:model-a', events: events() }
    },
    async models () { return [] },
    observe () { return function unsubscribe () {} },
    async close () {}
  } as unknown as Ai
  const { url, lines } = await logged(t, 'info', { plugin: { ai } })
  const text = await (await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })).text()
  assert.match(text, /event: error\ndata: \{"code":"AI_STORAGE_UNAVAILABLE"/)
  for (let wait = 0; wait < 50 && requestLines(lines).length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 20))
  const about = lines.filter((line) => /stream|AI request/.test(line.msg))
  assert.equal(about.length, 1, `one line: ${JSON.stringify(about.map((line) => line.msg))}`)
  assert.equal(about[0].code, 'AI_STORAGE_UNAVAILABLE')
  assert.equal(about[0].level, WARN)
  assert.equal(about[0].statusCode, 200)
})

test('no API key, authorization, x-api-key or prompt in any log line, at any level', async (t) => {
  const apiKey = 'sk-planted-provider-key-4242'
  const bearer = 'planted-bearer-token-1717'
  const xApiKey = 'planted-x-api-key-9191'
  const prompt = 'planted prompt text 5353'
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const { url, raw } = await logged(t, 'trace', {
    mock,
    plugin: {
      providers: { openai: { apiKey, baseUrl: mock.url } },
      routes: { openai: true }
    }
  })
  const headers = { authorization: `Bearer ${bearer}`, 'x-api-key': xApiKey }
  mock.enqueue('model-a', { status: 401 })
  await (await postJson(`${url}/api/v1/prompt`, { prompt }, { headers })).arrayBuffer()
  await (await postJson(`${url}/api/v1/stream`, { prompt }, { headers })).arrayBuffer()
  await (await postJson(`${url}/v1/chat/completions`, { model: 'openai:model-b', messages: [{ role: 'user', content: prompt }] }, { headers })).arrayBuffer()
  mock.setBehaviour('model-b', { status: 500 })
  await (await postJson(`${url}/api/v1/prompt`, { prompt, models: ['openai:model-b'] }, { headers })).arrayBuffer()
  await (await postJson(`${url}/api/v1/prompt`, { prompt, temperature: 'hot' }, { headers })).arrayBuffer()
  const text = raw()
  assert.ok(text.includes('AI request'), 'the gateway logged')
  for (const planted of [apiKey, bearer, xApiKey, prompt]) assert.ok(!text.includes(planted), `${planted} is not in the log`)
})
