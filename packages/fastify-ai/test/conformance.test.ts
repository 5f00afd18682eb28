// Black-box conformance of the HTTP API (shared/SPEC.md §3, §4, §5, §8), checked as an outsider
// would: from the text of the SPEC, over real sockets, against an independent provider server
// (helpers/independent-provider.ts) that speaks the providers' published wire formats with
// their legal variations, and with the real `openai` package on the OpenAI-compatible routes.

import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import fastifyAi from '../src/index.ts'
import type { FastifyAiOptions } from '../src/index.ts'
import {
  chunk, completion, frameOf, geminiStream, json, openAiStream, startIndependentProvider
} from './helpers/independent-provider.ts'
import type { IndependentProvider } from './helpers/independent-provider.ts'

const GPT_A = 'openai:gpt-a'
const GPT_B = 'openai:gpt-b'
const DEEPSEEK = 'deepseek:deepseek-chat'
const GEMINI = 'gemini:gemini-2.5-flash'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

interface Setup {
  url: string
  provider: IndependentProvider
  app: FastifyInstance
}

async function setup (t: TestContext, options: Partial<FastifyAiOptions> = {}, bodyLimit?: number): Promise<Setup> {
  const provider = await startIndependentProvider()
  t.after(() => provider.close())
  const app = Fastify({ bodyLimit })
  await app.register(fastifyAi, {
    providers: {
      openai: { apiKey: 'sk-test', baseUrl: provider.url },
      deepseek: { apiKey: 'ds-test', baseUrl: provider.url },
      gemini: { apiKey: 'g-test', baseUrl: provider.url }
    },
    models: [GPT_A, GPT_B, DEEPSEEK, GEMINI],
    limits: { retry: { max: 0, interval: 0 } },
    ...options
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const { port } = app.server.address() as { port: number }
  return { url: `http://127.0.0.1:${port}`, provider, app }
}

function post (url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body), signal })
}

interface Frame { id?: string, event?: string, data?: any, lines: string[] }

/** Frames of an SSE body, read independently of the project's helpers. */
async function * frames (response: Response): AsyncGenerator<Frame> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  while (true) {
    const { done, value } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let end: number
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const lines = buffer.slice(0, end).split('\n')
      buffer = buffer.slice(end + 2)
      const frame: Frame = { lines }
      for (const line of lines) {
        if (line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = line.slice(0, colon)
        const value = line.slice(colon + 1).replace(/^ /, '')
        if (field === 'id') frame.id = value
        else if (field === 'event') frame.event = value
        else if (field === 'data') frame.data = JSON.parse(value)
      }
      if (frame.event !== undefined || frame.data !== undefined) yield frame
    }
  }
}

async function allFrames (response: Response): Promise<Frame[]> {
  const list: Frame[] = []
  for await (const frame of frames(response)) list.push(frame)
  return list
}

function textOf (list: Frame[]): string {
  return list.filter((frame) => frame.event === 'content').map((frame) => frame.data.response).join('')
}

/** Checks the SPEC §5 frame layout and the end event rules; returns the end frame. */
function assertWellFormed (list: Frame[]): Frame {
  for (const frame of list) {
    if (frame.id !== undefined) {
      assert.deepEqual(frame.lines.map((line) => line.split(':')[0]), ['id', 'event', 'data'], 'frame layout id/event/data')
    }
    assert.ok(['content', 'end', 'error'].includes(frame.event as string), 'event name ' + String(frame.event))
  }
  const ids = list.filter((frame) => frame.id !== undefined).map((frame) => Number(frame.id))
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i] > ids[i - 1], 'ids increase')
  const last = list.at(-1) as Frame
  assert.equal(list.filter((frame) => frame.event === 'end' || frame.event === 'error').length, 1, 'exactly one end/error')
  return last
}

async function stateOf (url: string, name: string): Promise<{ state: string, until?: string, reason?: string }> {
  const body = await (await fetch(url + '/api/v1/models')).json() as { models: Array<{ name: string, state: string }> }
  return body.models.find((model) => model.name === name) as { state: string }
}

// ---- OpenAI wire variations ------------------------------------------------------------

test('OpenAI stream variations: data without space, comments, empty choices, null content, content on the finish chunk, CRLF [DONE]', async (t) => {
  const { url, provider } = await setup(t)
  provider.enqueue('gpt-a', function variations (_request, response) {
    openAiStream(response, [
      ': OPENROUTER PROCESSING\n\n',
      'data:' + JSON.stringify(chunk('gpt-a', { role: 'assistant' })) + '\n\n',
      ': keep-alive\n\n',
      `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [], usage: null })}\n\n`,
      chunk('gpt-a', { content: null }),
      chunk('gpt-a', { content: 'Hel' }),
      'data:' + JSON.stringify(chunk('gpt-a', { content: 'lo ' })) + '\r\n\r\n',
      chunk('gpt-a', { content: 'world' }, 'stop'),
      { id: 'x', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } }
    ], 'data: [DONE]\r\n\r\n')
  })
  const response = await post(url + '/api/v1/stream', { prompt: 'hi', models: [GPT_A] })
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/)
  assert.equal(response.headers.get('cache-control'), 'no-cache')
  assert.equal(response.headers.get('x-accel-buffering'), 'no')
  const sessionId = response.headers.get('x-session-id') ?? ''
  assert.match(sessionId, UUID)
  const list = await allFrames(response)
  const end = assertWellFormed(list)
  assert.equal(textOf(list), 'Hello world')
  assert.equal(end.event, 'end')
  assert.deepEqual(end.data, { response: 'COMPLETE', sessionId, model: GPT_A, usage: { promptTokens: 9, completionTokens: 3, totalTokens: 12 } })
  assert.equal(provider.requests[0].body.stream, true)
})

test('OpenAI non-stream answers with content-length and chunked, leading blank lines (DeepSeek keep-alive)', async (t) => {
  const { url, provider } = await setup(t)
  provider.enqueue('gpt-a', (request, response) => json(response, 200, completion(request.model, 'plain', 'stop')))
  provider.enqueue('gpt-a', (request, response) => json(response, 200, completion(request.model, 'chunked', 'length'), { chunked: true }))
  provider.enqueue('deepseek-chat', (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write('\n\n')
    setImmediate(() => response.end(JSON.stringify(completion(request.model, 'after blank lines', 'stop'))))
  })
  const first = await post(url + '/api/v1/prompt', { prompt: 'a', models: [GPT_A] })
  const firstBody = await first.json()
  assert.equal(first.status, 200)
  assert.deepEqual(Object.keys(firstBody).sort(), ['model', 'result', 'sessionId', 'text', 'usage'])
  assert.deepEqual(firstBody, { text: 'plain', result: 'COMPLETE', sessionId: first.headers.get('x-session-id'), model: GPT_A, usage: { promptTokens: 7, completionTokens: 4, totalTokens: 11 } })
  const second = await (await post(url + '/api/v1/prompt', { prompt: 'b', models: [GPT_A] })).json()
  assert.equal(second.text, 'chunked')
  assert.equal(second.result, 'INCOMPLETE_MAX_TOKENS')
  const third = await (await post(url + '/api/v1/prompt', { prompt: 'c', models: [DEEPSEEK] })).json()
  assert.equal(third.text, 'after blank lines')
  assert.equal(third.model, DEEPSEEK)
  assert.equal(provider.requests[2].path, '/chat/completions')
  assert.equal(provider.requests[2].headers.authorization, 'Bearer ds-test')
})

test('DeepSeek reasoning_content deltas first are not answer text', async (t) => {
  const { url, provider } = await setup(t)
  provider.enqueue('deepseek-chat', (request, response) => openAiStream(response, [
    chunk(request.model, { role: 'assistant', content: null, reasoning_content: '' }),
    chunk(request.model, { content: null, reasoning_content: 'thinking…' }),
    chunk(request.model, { content: 'The answer', reasoning_content: null }),
    chunk(request.model, { content: '' }, 'stop', { prompt_tokens: 4, completion_tokens: 6, total_tokens: 10 })
  ]))
  const response = await post(url + '/api/v1/stream', { prompt: 'q', models: [DEEPSEEK] })
  const list = await allFrames(response)
  const end = assertWellFormed(list)
  assert.equal(textOf(list), 'The answer')
  assert.equal(end.data.model, DEEPSEEK)
  assert.deepEqual(end.data.usage, { promptTokens: 4, completionTokens: 6, totalTokens: 10 })
})

// ---- Gemini wire variations -----------------------------------------------------------

for (const eol of ['\n', '\r\n']) {
  test(`Gemini stream (${JSON.stringify(eol)}): multi-part candidates, finishReason with text, usage in every frame`, async (t) => {
    const { url, provider } = await setup(t)
    provider.enqueue('gemini-2.5-flash', (_request, response) => geminiStream(response, [
      frameOf(['One ', 'two '], undefined, { promptTokenCount: 5, totalTokenCount: 5 }),
      frameOf('three ', undefined, { promptTokenCount: 5, candidatesTokenCount: 3, totalTokenCount: 8 }),
      frameOf('four', 'STOP', { promptTokenCount: 5, candidatesTokenCount: 4, totalTokenCount: 9 })
    ], eol))
    const response = await post(url + '/api/v1/stream', { prompt: 'count', models: [GEMINI] })
    const list = await allFrames(response)
    const end = assertWellFormed(list)
    assert.equal(textOf(list), 'One two three four')
    assert.equal(end.data.response, 'COMPLETE')
    assert.deepEqual(end.data.usage, { promptTokens: 5, completionTokens: 4, totalTokens: 9 })
    assert.equal(provider.requests[0].headers['x-goog-api-key'], 'g-test')
  })
}

test('Gemini non-stream multi-part answer and MAX_TOKENS', async (t) => {
  const { url, provider } = await setup(t)
  provider.enqueue('gemini-2.5-flash', (_request, response) => json(response, 200, frameOf(['part one, ', 'part two'], 'MAX_TOKENS', { promptTokenCount: 2, candidatesTokenCount: 8, totalTokenCount: 10 })))
  const body = await (await post(url + '/api/v1/prompt', { prompt: 'x', models: [GEMINI], maxTokens: 8, temperature: 0 })).json()
  assert.equal(body.text, 'part one, part two')
  assert.equal(body.result, 'INCOMPLETE_MAX_TOKENS')
  assert.deepEqual(body.usage, { promptTokens: 2, completionTokens: 8, totalTokens: 10 })
  assert.equal(provider.requests[0].body.generationConfig.maxOutputTokens, 8)
  assert.equal(provider.requests[0].body.generationConfig.temperature, 0)
})

test('gzip: an answer compressed only when asked for', async (t) => {
  const { url, provider } = await setup(t)
  provider.enqueue('gpt-a', (request, response) => {
    const text = JSON.stringify(completion(request.model, 'zipped', 'stop'))
    if (String(request.headers['accept-encoding'] ?? '').includes('gzip')) {
      const zipped = gzipSync(text)
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(zipped.length) })
      response.end(zipped)
    } else {
      json(response, 200, JSON.parse(text))
    }
  })
  const body = await (await post(url + '/api/v1/prompt', { prompt: 'z', models: [GPT_A] })).json()
  assert.equal(body.text, 'zipped')
})

test('keep-alive: consecutive calls reuse the upstream socket', async (t) => {
  const { url, provider } = await setup(t)
  for (let i = 0; i < 3; i++) assert.equal((await post(url + '/api/v1/prompt', { prompt: 'k' + i, models: [GPT_A] })).status, 200)
  const ports = new Set(provider.requests.map((request) => request.remotePort))
  assert.equal(ports.size, 1)
})

// ---- Errors: JSON shape and statuses (§5) ---------------------------------------------

async function assertError (response: Response, status: number, code?: string | RegExp): Promise<any> {
  assert.equal(response.status, status)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
  const body = await response.json()
  assert.equal(typeof body.code, 'string')
  assert.match(body.code, /^AI_/)
  if (typeof code === 'string') assert.equal(body.code, code)
  else if (code !== undefined) assert.match(body.code, code)
  assert.equal(typeof body.message, 'string')
  assert.equal(body.statusCode, status)
  for (const key of Object.keys(body)) assert.ok(['code', 'message', 'statusCode', 'details'].includes(key), 'unexpected key ' + key)
  return body
}

test('400 for bad input on prompt and stream, naming the field', async (t) => {
  const { url, provider } = await setup(t)
  const cases: Array<[unknown, string | undefined]> = [
    [{ prompt: 'x', unknownField: 1 }, 'unknownField'],
    [{ prompt: 123 }, 'prompt'],
    [{ prompt: '' }, 'prompt'],
    [{}, 'prompt'],
    [{ prompt: 'x', temperature: 3 }, 'temperature'],
    [{ prompt: 'x', temperature: '1' }, 'temperature'],
    [{ prompt: 'x', maxTokens: 0 }, 'maxTokens'],
    [{ prompt: 'x', maxTokens: 1.5 }, 'maxTokens'],
    [{ prompt: 'x', models: ['openai:not-configured'] }, undefined],
    [{ prompt: 'x', models: 'openai:gpt-a' }, 'models'],
    [{ prompt: 'x', history: [{ prompt: 'a', response: 'b' }], sessionId: '7c1f0b56-3f6e-4f3e-9a4f-2f0a8f0f7b11' }, undefined],
    [{ prompt: 'x', resume: 'yes' }, 'resume'],
    [{ prompt: 'x', context: 5 }, 'context'],
    [['prompt'], undefined],
    ['{"prompt": "x",', undefined]
  ]
  for (const path of ['/api/v1/prompt', '/api/v1/stream']) {
    for (const [body, field] of cases) {
      const error = await assertError(await post(url + path, body), 400)
      if (field !== undefined) assert.ok(error.message.includes(field), `${path} ${JSON.stringify(body)}: ${error.message}`)
    }
  }
  assert.equal(provider.requests.length, 0)
})

test('404 for an unknown session on every route, 413 for a body over the limit', async (t) => {
  const { url } = await setup(t, {}, 2048)
  const unknown = '0b7e6c1e-8f3a-4c55-9d0b-6a4f3f1c2d9e'
  await assertError(await post(url + '/api/v1/prompt', { prompt: 'x', sessionId: unknown }), 404, 'AI_SESSION_NOT_FOUND')
  await assertError(await post(url + '/api/v1/stream', { prompt: 'x', sessionId: unknown }), 404, 'AI_SESSION_NOT_FOUND')
  await assertError(await fetch(url + '/api/v1/sessions/' + unknown), 404, 'AI_SESSION_NOT_FOUND')
  await assertError(await fetch(url + '/api/v1/sessions/' + unknown, { method: 'DELETE' }), 404, 'AI_SESSION_NOT_FOUND')
  await assertError(await post(url + '/api/v1/prompt', { prompt: 'x'.repeat(5000) }), 413, 'AI_BODY_TOO_LARGE')
  await assertError(await post(url + '/api/v1/stream', { prompt: 'x'.repeat(5000) }), 413, 'AI_BODY_TOO_LARGE')
})

// ---- Fallback chain (§3) --------------------------------------------------------------

const RESTORE = { rateLimit: '1m', retry: '1m', timeout: 40000, providerCommunicationError: 30000, providerExceededError: 90000 }

function secondsUntil (until: string | undefined): number {
  return (Date.parse(until ?? '') - Date.now()) / 1000
}

type ScriptOf = Parameters<IndependentProvider['enqueue']>[1]
const FAILURES: Array<{ name: string, script: ScriptOf, cooled: [number, number] | null }> = [
  { name: '503 HTML', script: (_r, res) => { res.writeHead(503, { 'content-type': 'text/html' }); res.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>') }, cooled: [25, 31] },
  { name: 'network', script: (_r, res) => { res.socket?.destroy() }, cooled: [25, 31] },
  { name: 'timeout', script: () => {}, cooled: [35, 41] },
  { name: '429 retry-after-ms', script: (_r, res) => json(res, 429, { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, { headers: { 'retry-after-ms': '200000' } }), cooled: [190, 201] },
  { name: '429 Retry-After seconds', script: (_r, res) => json(res, 429, { error: { message: 'Rate limit reached', type: 'requests' } }, { headers: { 'retry-after': '150' } }), cooled: [140, 151] },
  { name: '429 short Retry-After', script: (_r, res) => json(res, 429, { error: { message: 'slow down' } }, { headers: { 'retry-after': '2' } }), cooled: [85, 91] },
  { name: '401', script: (_r, res) => json(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }), cooled: [25, 31] },
  { name: '400 context too long', script: (_r, res) => json(res, 400, { error: { message: "This model's maximum context length is 128000 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' } }), cooled: null },
  { name: '200 empty answer', script: (request, res) => json(res, 200, completion(request.model, '', 'stop')), cooled: [25, 31] },
  { name: '200 not JSON', script: (_r, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('<html>oops</html>') }, cooled: [25, 31] }
]

for (const failure of FAILURES) {
  for (const path of ['/api/v1/prompt', '/api/v1/stream']) {
    test(`fallback on ${failure.name} (${path.slice(8)}): next model answers, ${failure.cooled === null ? 'no cool-down' : 'cool-down'}`, async (t) => {
      const { url, provider } = await setup(t, { restore: RESTORE, limits: { requestTimeout: 300, retry: { max: 0, interval: 0 } } })
      provider.enqueue('gpt-a', failure.script)
      const response = await post(url + path, { prompt: failure.name })
      if (path === '/api/v1/prompt') {
        const body = await response.json()
        assert.equal(response.status, 200, JSON.stringify(body))
        assert.equal(body.model, GPT_B)
      } else {
        assert.equal(response.status, 200)
        assert.equal(assertWellFormed(await allFrames(response)).data.model, GPT_B)
      }
      const state = await stateOf(url, GPT_A)
      if (failure.cooled === null) {
        assert.equal(state.state, 'ready')
        return
      }
      assert.notEqual(state.state, 'ready')
      const seconds = secondsUntil(state.until)
      assert.ok(seconds > failure.cooled[0] && seconds <= failure.cooled[1], `cooled ${seconds}s`)
    })
  }
}

test('503 AI_NO_MODELS_AVAILABLE with Retry-After and the attempts, on prompt and stream', async (t) => {
  const { url, provider } = await setup(t, { restore: RESTORE })
  provider.enqueue('gpt-a', (_r, res) => json(res, 500, { error: { message: 'boom', type: 'server_error' } }))
  provider.enqueue('gpt-b', (_r, res) => json(res, 429, { error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } }))
  const first = await post(url + '/api/v1/prompt', { prompt: 'x', models: [GPT_A, GPT_B] })
  assert.ok(Number(first.headers.get('retry-after')) >= 29 && Number(first.headers.get('retry-after')) <= 30, 'retry-after ' + first.headers.get('retry-after'))
  const body = await assertError(first, 503, 'AI_NO_MODELS_AVAILABLE')
  assert.deepEqual(body.details.attempts.map((attempt: { model: string }) => attempt.model), [GPT_A, GPT_B])
  for (const attempt of body.details.attempts) assert.match(attempt.code, /^AI_/)
  // Now both cool down: the stream answers 503 JSON before any event, naming both again.
  const second = await post(url + '/api/v1/stream', { prompt: 'x', models: [GPT_A, GPT_B] })
  assert.ok(Number(second.headers.get('retry-after')) >= 29 && Number(second.headers.get('retry-after')) <= 30)
  const streamBody = await assertError(second, 503, 'AI_NO_MODELS_AVAILABLE')
  assert.deepEqual(streamBody.details.attempts.map((attempt: { model: string }) => attempt.model), [GPT_A, GPT_B])
  assert.equal(provider.requests.length, 2)
})

test('rate limit per model: an exhausted model is skipped, not cooled down', async (t) => {
  const { url, provider } = await setup(t, {
    models: [{ provider: 'openai', model: 'gpt-a', limits: { rate: { max: 1, timeWindow: '1m' } } }, GPT_B]
  })
  const first = await (await post(url + '/api/v1/prompt', { prompt: '1' })).json()
  const second = await (await post(url + '/api/v1/prompt', { prompt: '2' })).json()
  assert.equal(first.model, GPT_A)
  assert.equal(second.model, GPT_B)
  assert.deepEqual(provider.requests.map((request) => request.model), ['gpt-a', 'gpt-b'])
})

// ---- Sessions (§4) --------------------------------------------------------------------

function messagesOf (request: { body: any }): Array<[string, string]> {
  return request.body.messages.map((message: { role: string, content: string }) => [message.role, message.content])
}

test('sessions: history replay, context kept, historyLength, session routes', async (t) => {
  const { url, provider } = await setup(t, { limits: { historyLength: 2, retry: { max: 0, interval: 0 } } })
  const first = await post(url + '/api/v1/prompt', { prompt: 'p1', context: 'You are terse.', history: [{ prompt: 'h', response: 'H' }], models: [GPT_A] })
  const { sessionId } = await first.json()
  assert.equal(first.headers.get('x-session-id'), sessionId)
  assert.match(sessionId, UUID)
  assert.deepEqual(messagesOf(provider.requests[0]), [['system', 'You are terse.'], ['user', 'h'], ['assistant', 'H'], ['user', 'p1']])
  for (const prompt of ['p2', 'p3']) {
    const response = await post(url + '/api/v1/prompt', { prompt, sessionId, models: [GPT_A] })
    assert.equal(response.headers.get('x-session-id'), sessionId)
    assert.equal((await response.json()).sessionId, sessionId)
  }
  await post(url + '/api/v1/prompt', { prompt: 'p4', sessionId, models: [GPT_A] })
  // The context is kept without being resent; only the last 2 turns are replayed.
  assert.deepEqual(messagesOf(provider.requests[3]), [['system', 'You are terse.'], ['user', 'p2'], ['assistant', 'Echo: p2'], ['user', 'p3'], ['assistant', 'Echo: p3'], ['user', 'p4']])

  const session = await fetch(url + '/api/v1/sessions/' + sessionId)
  assert.equal(session.status, 200)
  const body = await session.json()
  assert.equal(body.turns.length, 2)
  for (const turn of body.turns) {
    assert.deepEqual(['createdAt', 'model', 'prompt', 'response', 'result'].filter((key) => key in turn), ['createdAt', 'model', 'prompt', 'response', 'result'])
    assert.equal(turn.model, GPT_A)
    assert.equal(turn.result, 'COMPLETE')
    assert.ok(!Number.isNaN(Date.parse(turn.createdAt)))
  }
  assert.deepEqual(body.turns.map((turn: { prompt: string }) => turn.prompt), ['p3', 'p4'])
  const deleted = await fetch(url + '/api/v1/sessions/' + sessionId, { method: 'DELETE' })
  assert.ok(deleted.status === 204 || deleted.status === 200)
  assert.equal((await fetch(url + '/api/v1/sessions/' + sessionId)).status, 404)
  assert.equal((await post(url + '/api/v1/prompt', { prompt: 'again', sessionId })).status, 404)
})

test('a stream that fails after content ends with one error event, and its turn is never replayed as an answer', async (t) => {
  const { url, provider } = await setup(t)
  provider.enqueue('gpt-a', (request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    response.write(`data: ${JSON.stringify(chunk(request.model, { content: 'partial ' }))}\n\n`)
    setTimeout(() => response.socket?.destroy(), 20)
  })
  const response = await post(url + '/api/v1/stream', { prompt: 'first', models: [GPT_A] })
  const sessionId = response.headers.get('x-session-id') as string
  const list = await allFrames(response)
  const last = assertWellFormed(list)
  assert.equal(textOf(list), 'partial ')
  assert.equal(last.event, 'error')
  assert.deepEqual(Object.keys(last.data).sort(), ['code', 'message'])
  assert.match(last.data.code, /^AI_/)

  // gpt-a cools down after its failure: the follow-up goes to gpt-b.
  const next = await post(url + '/api/v1/prompt', { prompt: 'second', sessionId })
  assert.equal(next.status, 200)
  const replayed = messagesOf(provider.requests[1])
  assert.deepEqual(replayed.at(-1), ['user', 'second'])
  assert.ok(!replayed.some(([role, content]) => role === 'assistant' && content === 'partial '), JSON.stringify(replayed))
})

// ---- Resume (§5) ----------------------------------------------------------------------

interface Gate { open: () => void, script: ScriptOf }

/** A stream that sends 'one ' then waits for `open()` before 'two ', 'three' and the end. */
function gatedStream (): Gate {
  let open: () => void = () => {}
  const opened = new Promise<void>((resolve) => { open = resolve })
  return {
    open: () => open(),
    script: async (request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.write(`data: ${JSON.stringify(chunk(request.model, { role: 'assistant', content: 'one ' }))}\n\n`)
      await opened
      response.write(`data: ${JSON.stringify(chunk(request.model, { content: 'two ' }))}\n\n`)
      response.write(`data: ${JSON.stringify(chunk(request.model, { content: 'three' }, 'stop'))}\n\n`)
      response.end('data: [DONE]\n\n')
    }
  }
}

/** Starts a gated stream, reads its first content frame, then drops the connection. */
async function startAndDrop (url: string, provider: IndependentProvider, gate: Gate): Promise<{ sessionId: string, firstId: string }> {
  provider.enqueue('gpt-a', gate.script)
  const controller = new AbortController()
  const response = await post(url + '/api/v1/stream', { prompt: 'count', models: [GPT_A] }, {}, controller.signal)
  const sessionId = response.headers.get('x-session-id') as string
  const iterator = frames(response)
  const first = (await iterator.next()).value as Frame
  assert.equal(first.event, 'content')
  assert.equal(first.data.response, 'one ')
  controller.abort()
  await iterator.return(undefined).catch(() => {})
  return { sessionId, firstId: first.id as string }
}

for (const how of ['Last-Event-ID header', 'lastEventId body field']) {
  test(`resume with the ${how}: the rest, once, no second upstream call`, async (t) => {
    const { url, provider } = await setup(t)
    const gate = gatedStream()
    const { sessionId, firstId } = await startAndDrop(url, provider, gate)
    const body: Record<string, unknown> = { prompt: 'count', sessionId, models: [GPT_A] }
    const headers: Record<string, string> = {}
    if (how.startsWith('Last')) headers['last-event-id'] = firstId
    else body.lastEventId = firstId
    const resumed = post(url + '/api/v1/stream', body, headers)
    setTimeout(gate.open, 50)
    const response = await resumed
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('x-session-id'), sessionId)
    const list = await allFrames(response)
    const end = assertWellFormed(list)
    assert.equal(textOf(list), 'two three')
    assert.ok(list.every((frame) => Number(frame.id) > Number(firstId)))
    assert.deepEqual({ response: end.data.response, sessionId: end.data.sessionId, model: end.data.model }, { response: 'COMPLETE', sessionId, model: GPT_A })
    assert.equal(provider.requests.length, 1)
  })
}

test('resume: sessionId without an event id attaches from the start; a complete answer is then a new turn; resume:false starts fresh', async (t) => {
  const { url, provider } = await setup(t)
  const gate = gatedStream()
  const { sessionId } = await startAndDrop(url, provider, gate)
  const attached = post(url + '/api/v1/stream', { prompt: 'count', sessionId, models: [GPT_A] })
  setTimeout(gate.open, 50)
  const list = await allFrames(await attached)
  assert.equal(textOf(list), 'one two three')
  assert.equal(assertWellFormed(list).event, 'end')
  assert.equal(provider.requests.length, 1)

  // The answer is complete: the same request is a new turn, with the finished turn as history.
  const again = await allFrames(await post(url + '/api/v1/stream', { prompt: 'next', sessionId, models: [GPT_A] }))
  assert.equal(textOf(again), 'Echo: next')
  assert.equal(provider.requests.length, 2)
  assert.deepEqual(messagesOf(provider.requests[1]).slice(-3), [['user', 'count'], ['assistant', 'one two three'], ['user', 'next']])

  // Replay of a complete answer after an id it sent, without calling the provider.
  const ids = again.map((frame) => frame.id)
  const replay = await allFrames(await post(url + '/api/v1/stream', { prompt: 'next', sessionId, models: [GPT_A] }, { 'last-event-id': ids[0] as string }))
  assert.deepEqual(replay.map((frame) => frame.id), ids.slice(1))
  assert.equal(provider.requests.length, 2)

  // The id of the end: only the end again, no second answer.
  const afterEnd = await allFrames(await post(url + '/api/v1/stream', { prompt: 'next', sessionId, models: [GPT_A] }, { 'last-event-id': ids.at(-1) as string }))
  assert.deepEqual(afterEnd.map((frame) => [frame.id, frame.event]), [[ids.at(-1), 'end']])
  assert.equal(provider.requests.length, 2)

  // A different prompt with a stale id is a new turn, never a replay.
  const other = await allFrames(await post(url + '/api/v1/stream', { prompt: 'other', sessionId, models: [GPT_A] }, { 'last-event-id': ids[0] as string }))
  assert.equal(textOf(other), 'Echo: other')
  assert.ok(Number(other[0].id) > Number(ids.at(-1)))
  assert.equal(provider.requests.length, 3)

  // resume:false always calls the provider.
  const fresh = await allFrames(await post(url + '/api/v1/stream', { prompt: 'fresh', sessionId, resume: false, models: [GPT_A] }, { 'last-event-id': ids[0] as string }))
  assert.equal(textOf(fresh), 'Echo: fresh')
  assert.equal(provider.requests.length, 4)
})

test('heartbeat: a `: ping` comment while the provider is silent', async (t) => {
  const { url, provider } = await setup(t, { heartbeatInterval: 30 })
  const gate = gatedStream()
  provider.enqueue('gpt-a', gate.script)
  const response = await post(url + '/api/v1/stream', { prompt: 'wait', models: [GPT_A] })
  setTimeout(gate.open, 150)
  const raw = await response.text()
  assert.match(raw, /(^|\n): ?ping\n\n/)
  assert.ok(raw.trimEnd().endsWith('}'))
})

// ---- OpenAI-compatible routes with the real openai package ----------------------------

test('openai package: completion, stream with include_usage, Gemini translated, errors', async (t) => {
  const { url, provider } = await setup(t, { restore: RESTORE })
  const client = new OpenAI({ apiKey: 'unused', baseURL: url + '/v1', maxRetries: 0 })

  const answer = await client.chat.completions.create({ model: GPT_A, messages: [{ role: 'user', content: 'hello' }] })
  assert.equal(answer.choices[0].message.content, 'Echo: hello')
  assert.equal(answer.choices[0].finish_reason, 'stop')

  provider.enqueue('gpt-a', (request, response) => openAiStream(response, [
    ': keep-alive\n\n',
    chunk(request.model, { role: 'assistant', content: '' }),
    'data:' + JSON.stringify(chunk(request.model, { content: 'streamed ' })) + '\n\n',
    chunk(request.model, { content: 'answer' }, 'length'),
    { id: 'x', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 } }
  ]))
  const stream = await client.chat.completions.create({ model: GPT_A, messages: [{ role: 'user', content: 's' }], stream: true, stream_options: { include_usage: true } })
  let text = ''
  let finish: string | null = null
  let usage: unknown
  for await (const part of stream) {
    text += part.choices[0]?.delta?.content ?? ''
    finish = part.choices[0]?.finish_reason ?? finish
    if (part.usage) usage = part.usage
  }
  assert.equal(text, 'streamed answer')
  assert.equal(finish, 'length')
  assert.deepEqual(usage, { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 })

  provider.enqueue('gemini-2.5-flash', (_request, response) => geminiStream(response, [
    frameOf('Gem', undefined, { promptTokenCount: 1, totalTokenCount: 1 }),
    frameOf(['ini', '!'], 'STOP', { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 })
  ], '\r\n'))
  let gemini = ''
  for await (const part of await client.chat.completions.create({ model: GEMINI, messages: [{ role: 'user', content: 'g' }], stream: true })) {
    gemini += part.choices[0]?.delta?.content ?? ''
  }
  assert.equal(gemini, 'Gemini!')

  await assert.rejects(client.chat.completions.create({ model: 'openai:nope', messages: [{ role: 'user', content: 'x' }] }), (error: InstanceType<typeof OpenAI.APIError>) => {
    assert.ok(error instanceof OpenAI.APIError)
    assert.ok(error.status === 400 || error.status === 404)
    return true
  })
  provider.enqueue('gpt-b', (_r, res) => json(res, 500, { error: { message: 'down' } }))
  await assert.rejects(client.chat.completions.create({ model: GPT_B, messages: [{ role: 'user', content: 'x' }] }), (error: InstanceType<typeof OpenAI.APIError>) => {
    assert.ok(error instanceof OpenAI.APIError)
    assert.equal(error.status, 503)
    return true
  })
})

// ---- Odds and ends an outsider would try ----------------------------------------------

test('request fields: stream accepted on prompt, model objects, maxTokens capped, openai-compatible provider', async (t) => {
  const provider = await startIndependentProvider()
  t.after(() => provider.close())
  const { url } = await setup(t, {
    providers: {
      openai: { apiKey: 'sk-test', baseUrl: provider.url },
      local: { type: 'openai-compatible', baseUrl: provider.url + '/v1', apiKey: 'local-key' }
    },
    models: [{ provider: 'openai', model: 'gpt-a', limits: { maxTokens: 100 } }, 'local:llama3:8b']
  })
  const first = await post(url + '/api/v1/prompt', { prompt: 'a', stream: true, maxTokens: 5000, temperature: 2, models: [{ provider: 'openai', model: 'gpt-a' }] })
  assert.equal(first.status, 200)
  assert.equal((await first.json()).model, GPT_A)
  assert.equal(provider.requests[0].body.max_completion_tokens ?? provider.requests[0].body.max_tokens, 100)
  assert.equal(provider.requests[0].body.temperature, 2)
  const local = await (await post(url + '/api/v1/prompt', { prompt: 'b', models: ['local:llama3:8b'], maxTokens: 7 })).json()
  assert.equal(local.model, 'local:llama3:8b')
  assert.equal(provider.requests[1].model, 'llama3:8b')
  assert.equal(provider.requests[1].body.max_tokens, 7)
  assert.equal(provider.requests[1].headers.authorization, 'Bearer local-key')
})

test('the client going away aborts the upstream call (prompt, and a stream with onDisconnect "abort")', async (t) => {
  const { url, provider } = await setup(t)
  for (const path of ['/api/v1/prompt', '/api/v1/stream']) {
    let closed: () => void = () => {}
    const upstreamClosed = new Promise<void>((resolve) => { closed = resolve })
    provider.enqueue('gpt-a', (request, response) => {
      response.on('close', closed)
      if (request.stream) {
        response.writeHead(200, { 'content-type': 'text/event-stream' })
        response.write(`data: ${JSON.stringify(chunk(request.model, { content: 'never ending ' }))}\n\n`)
      }
    })
    const controller = new AbortController()
    const body = path.endsWith('stream') ? { prompt: 'x', models: [GPT_A], onDisconnect: 'abort' } : { prompt: 'x', models: [GPT_A] }
    const pending = post(url + path, body, {}, controller.signal)
    if (path.endsWith('stream')) {
      const iterator = frames(await pending)
      assert.equal((await iterator.next()).value?.event, 'content')
    } else {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    controller.abort()
    pending.catch(() => {})
    const timeout = AbortSignal.timeout(5000)
    await Promise.race([upstreamClosed, new Promise((_resolve, reject) => timeout.addEventListener('abort', () => reject(new Error(path + ': upstream not aborted'))))])
  }
})

test('every model rejecting the request itself', async (t) => {
  const { url, provider } = await setup(t)
  for (const model of ['gpt-a', 'gpt-b']) {
    provider.enqueue(model, (_r, res) => json(res, 400, { error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', code: 'context_length_exceeded' } }))
  }
  const response = await post(url + '/api/v1/prompt', { prompt: 'huge', models: [GPT_A, GPT_B] })
  const body = await assertError(response, response.status)
  assert.ok(response.status === 503 || response.status === 400 || response.status === 502, String(response.status))
  assert.equal((await stateOf(url, GPT_A)).state, 'ready')
  assert.ok(body.code)
})

test('the OpenAI-compatible route refuses a body over the limit with 413', async (t) => {
  const { url } = await setup(t, {}, 2048)
  const response = await post(url + '/v1/chat/completions', { model: GPT_A, messages: [{ role: 'user', content: 'x'.repeat(5000) }] })
  assert.equal(response.status, 413)
  const body = await response.json()
  assert.equal(typeof body.error?.message, 'string')
})

test('prompt longer than maxPromptLength: 413 AI_REQUEST_TOO_LARGE naming prompt', async (t) => {
  const { url } = await setup(t, { maxPromptLength: 10 })
  const body = await assertError(await post(url + '/api/v1/prompt', { prompt: 'x'.repeat(11) }), 413, 'AI_REQUEST_TOO_LARGE')
  assert.ok(body.message.includes('prompt'))
})

test('a provider stalling or sending garbage after content: error event, session still readable', async (t) => {
  const { url, provider } = await setup(t, { limits: { requestTimeout: 300, retry: { max: 0, interval: 0 } } })
  provider.enqueue('gpt-a', (request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    response.write(`data: ${JSON.stringify(chunk(request.model, { content: 'stalled ' }))}\n\n`)
  })
  provider.enqueue('gpt-b', (request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    response.write(`data: ${JSON.stringify(chunk(request.model, { content: 'garbled ' }))}\n\n`)
    response.end('data: {"choices": [{"delta": {"content": "x"\n\n')
  })
  for (const [model, text, code] of [[GPT_A, 'stalled ', 'AI_PROVIDER_TIMEOUT'], [GPT_B, 'garbled ', 'AI_PROVIDER_MALFORMED_RESPONSE']]) {
    const response = await post(url + '/api/v1/stream', { prompt: 'p', models: [model] })
    const sessionId = response.headers.get('x-session-id') as string
    const list = await allFrames(response)
    const last = assertWellFormed(list)
    assert.equal(textOf(list), text)
    assert.equal(last.event, 'error')
    assert.equal(last.data.code, code)
    const session = await fetch(url + '/api/v1/sessions/' + sessionId)
    assert.equal(session.status, 200)
    const turns = (await session.json()).turns
    assert.equal(turns.length, 1)
    assert.notEqual(turns[0].result, 'COMPLETE')
  }
})

test('UTF-8 split across TCP writes, mid-character and mid-line', async (t) => {
  const { url, provider } = await setup(t)
  provider.enqueue('gemini-2.5-flash', async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    response.socket?.setNoDelay(true)
    const bytes = Buffer.from(`data: ${JSON.stringify(frameOf('héllo 🌍 ', undefined))}\r\n\r\ndata: ${JSON.stringify(frameOf('wörld', 'STOP', { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 }))}\r\n\r\n`)
    for (let i = 0; i < bytes.length; i += 7) {
      response.write(bytes.subarray(i, i + 7))
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    response.end()
  })
  const list = await allFrames(await post(url + '/api/v1/stream', { prompt: 'u', models: [GEMINI] }))
  assertWellFormed(list)
  assert.equal(textOf(list), 'héllo 🌍 wörld')
})

test('shutdown ends open streams with an AI_SHUTTING_DOWN error event', async (t) => {
  const { url, provider, app } = await setup(t)
  const gate = gatedStream()
  t.after(gate.open)
  provider.enqueue('gpt-a', gate.script)
  const response = await post(url + '/api/v1/stream', { prompt: 'p', models: [GPT_A] })
  const iterator = frames(response)
  assert.equal((await iterator.next()).value?.event, 'content')
  const closing = app.close()
  const rest: Frame[] = []
  for await (const frame of iterator) rest.push(frame)
  await closing
  assert.equal(rest.at(-1)?.event, 'error')
  assert.equal(rest.at(-1)?.data.code, 'AI_SHUTTING_DOWN')
})

test('Gemini 429 with a RetryInfo retryDelay longer than the restore window cools down for the provider\'s delay', async (t) => {
  const { url, provider } = await setup(t, { restore: RESTORE })
  provider.enqueue('gemini-2.5-flash', (_r, res) => json(res, 429, {
    error: {
      code: 429,
      message: 'You exceeded your current quota.',
      status: 'RESOURCE_EXHAUSTED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '300s' }]
    }
  }))
  const body = await (await post(url + '/api/v1/prompt', { prompt: 'q', models: [GEMINI, GPT_B] })).json()
  assert.equal(body.model, GPT_B)
  const state = await stateOf(url, GEMINI)
  const seconds = secondsUntil(state.until)
  assert.ok(seconds > 290 && seconds <= 301, `cooled ${seconds}s`)
})
