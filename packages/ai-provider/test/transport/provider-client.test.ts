import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Agent, MockAgent } from 'undici'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { createProviderClient } from '../../src/transport/provider-client.ts'
import { retryAfterMs } from '../../src/transport/transport.ts'
import { collect, input, providerOptions, readError, silentLogger } from '../providers/provider-suite.ts'

/** A bare HTTP server on port 0 for the answers the mock does not give. */
async function startServer (handler: (request: IncomingMessage, response: ServerResponse, body: string) => void): Promise<{ server: Server, url: string, connections: () => number }> {
  let connections = 0
  const server = createServer(function onRequest (request, response) {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', function collectBody (chunk: string) { body += chunk })
    request.on('end', function answer () { handler(request, response, body) })
  })
  server.on('connection', function countConnection () { connections++ })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { server, url: `http://127.0.0.1:${port}`, connections: () => connections }
}

function stopServer (server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

test('successful calls never abort their exchange', async function (t) {
  const mock = await createMockProvider()
  const client = createProviderClient(providerOptions('openai', mock.url, { connections: 1 }), { logger: silentLogger })
  t.after(async () => { await client.close(); await mock.close() })
  for (let i = 0; i < 5; i++) {
    const events = await collect(client.stream('m', input, { timeout: 5000 }))
    assert.equal(events.at(-1)?.type, 'end')
    await client.complete('m', input, { timeout: 5000 })
  }
  assert.equal(mock.requests.length, 10)
  for (const request of mock.requests) assert.equal(await request.closed, false)
})

test('consecutive streams reuse sockets (none is lost after [DONE])', async function (t) {
  const body = 'data: {"choices":[{"delta":{"content":"hi"},"finish_reason":null}]}\n\n' +
    'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
  const { server, url, connections } = await startServer(function answer (_request, response) {
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    response.end(body)
  })
  const client = createProviderClient(providerOptions('openai', url), { logger: silentLogger })
  t.after(async () => { await client.close(); await stopServer(server) })
  for (let i = 0; i < 10; i++) {
    assert.deepEqual(await collect(client.stream('m', input, { timeout: 5000 })), [
      { type: 'delta', text: 'hi' },
      { type: 'end', result: 'COMPLETE' }
    ])
  }
  // undici may open a second socket for the second request (the first one's drain is
  // processed a tick later, plain pool.request does the same); after that they are reused.
  assert.ok(connections() <= 2, 'connections: ' + connections())
})

test('a consumer slower than the timeout is not taken for upstream silence', async function (t) {
  const mock = await createMockProvider()
  const client = createProviderClient(providerOptions('openai', mock.url), { logger: silentLogger })
  t.after(async () => { await client.close(); await mock.close() })
  mock.enqueue('m', { deltas: ['a', 'b', 'c'] })
  const texts: string[] = []
  for await (const event of client.stream('m', input, { timeout: 100 })) {
    if (event.type === 'delta') texts.push(event.text)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  assert.deepEqual(texts, ['a', 'b', 'c'])
})

test('close() aborts calls in flight with AI_SHUTTING_DOWN and refuses new ones', async function (t) {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const client = createProviderClient(providerOptions('openai', mock.url), { logger: silentLogger })
  mock.enqueue('m', { deltas: ['a', 'b'], stallAfter: 1 }, { headersDelayMs: 5000 })
  const stream = client.stream('m', input, { timeout: 10_000 })[Symbol.asyncIterator]()
  assert.deepEqual((await stream.next()).value, { type: 'delta', text: 'a' })
  const pendingStream = stream.next()
  const pendingComplete = client.complete('m', input, { timeout: 10_000 })
  await mock.waitForRequests(2)
  const outcomes = Promise.all([
    assert.rejects(pendingStream, { code: 'AI_SHUTTING_DOWN' }),
    assert.rejects(pendingComplete, { code: 'AI_SHUTTING_DOWN' })
  ])
  await client.close()
  await outcomes
  await assert.rejects(client.complete('m', input, { timeout: 1000 }), { code: 'AI_SHUTTING_DOWN' })
  assert.equal(await mock.requests[0].closed, true)
  assert.equal(await mock.requests[1].closed, true)
})

test('a refused connection is AI_PROVIDER_NETWORK_ERROR', async function (t) {
  const { server, url } = await startServer(() => {})
  await stopServer(server)
  const client = createProviderClient(providerOptions('deepseek', url), { logger: silentLogger })
  t.after(() => client.close())
  const error = await readError(() => client.complete('m', input, { timeout: 5000 }))
  assert.equal(error.code, 'AI_PROVIDER_NETWORK_ERROR')
  assert.match(error.message, /ECONNREFUSED/)
  await assert.rejects(collect(client.stream('m', input, { timeout: 5000 })), { code: 'AI_PROVIDER_NETWORK_ERROR' })
})

test('a 2xx stream answer that is not an event stream is malformed, or a stream error when it is an error object', async function (t) {
  const answers = [
    { type: 'application/json', body: '{"error":{"message":"model overloaded"}}' },
    { type: 'text/html', body: '<html>gateway</html>' }
  ]
  const { server, url } = await startServer(function answer (_request, response) {
    const next = answers.shift()
    response.writeHead(200, { 'content-type': next?.type })
    response.end(next?.body)
  })
  const client = createProviderClient(providerOptions('openai', url), { logger: silentLogger })
  t.after(async () => { await client.close(); await stopServer(server) })
  await assert.rejects(collect(client.stream('m', input, { timeout: 5000 })), { code: 'AI_PROVIDER_STREAM_ERROR', message: /model overloaded/ })
  await assert.rejects(collect(client.stream('m', input, { timeout: 5000 })), { code: 'AI_PROVIDER_MALFORMED_RESPONSE', message: /text\/html/ })
})

test('an `event: error` frame is AI_PROVIDER_STREAM_ERROR; a huge error body is read only in part', async function (t) {
  const huge = JSON.stringify({ error: { message: 'x'.repeat(200_000) } })
  const answers = [
    function eventError (response: ServerResponse) {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.end('data: {"choices":[{"delta":{"content":"a"}}]}\n\nevent: error\ndata: {"error":{"message":"upstream exploded"}}\n\n')
    },
    function hugeError (response: ServerResponse) {
      response.writeHead(500, { 'content-type': 'application/json' })
      response.end(huge)
    }
  ]
  const { server, url } = await startServer(function answer (_request, response) { answers.shift()?.(response) })
  const client = createProviderClient(providerOptions('openai-compatible', url + '/api'), { logger: silentLogger })
  t.after(async () => { await client.close(); await stopServer(server) })
  // The frame before the error, in the same network chunk, is not lost: it comes, then the failure.
  const seen: string[] = []
  await assert.rejects(async () => {
    for await (const event of client.stream('m', input, { timeout: 5000 })) seen.push(event.type === 'delta' ? event.text : event.type)
  }, { code: 'AI_PROVIDER_STREAM_ERROR', message: /upstream exploded/ })
  assert.deepEqual(seen, ['a'])
  const error = await readError(() => client.complete('m', input, { timeout: 5000 }))
  assert.equal(error.code, 'AI_PROVIDER_RESPONSE_ERROR')
  assert.ok(error.message.length < 1000)
})

test('the base URL path prefix and extra headers reach the server', async function (t) {
  const seen: Array<{ url?: string, headers: IncomingMessage['headers'] }> = []
  const { server, url } = await startServer(function answer (request, response) {
    seen.push({ url: request.url, headers: request.headers })
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end('{"choices":[{"message":{"content":"ok"},"finish_reason":"stop"}]}')
  })
  const client = createProviderClient(providerOptions('openai-compatible', url + '/proxy/v1/', { headers: { 'x-tenant': 'acme' } }), { logger: silentLogger })
  t.after(async () => { await client.close(); await stopServer(server) })
  assert.deepEqual(await client.complete('llama3', input, { timeout: 5000 }), { text: 'ok', result: 'COMPLETE' })
  assert.equal(seen[0].url, '/proxy/v1/chat/completions')
  assert.equal(seen[0].headers['x-tenant'], 'acme')
  assert.equal(seen[0].headers.authorization, 'Bearer sk-test')
  assert.equal(client.name, 'test-openai-compatible')
})

test('retryAfterMs reads seconds, HTTP dates and retry-after-ms', function () {
  const now = Date.parse('2025-01-01T00:00:00Z')
  assert.equal(retryAfterMs({ 'retry-after': '30' }, now), 30_000)
  assert.equal(retryAfterMs({ 'retry-after': '1.5' }, now), 1500)
  assert.equal(retryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:01:00 GMT' }, now), 60_000)
  // Anthropic's rate-limit headers stand in for a missing Retry-After: the latest reset of a spent limit.
  const anthropic = {
    'anthropic-ratelimit-requests-remaining': '0',
    'anthropic-ratelimit-requests-reset': '2025-01-01T00:00:20Z',
    'anthropic-ratelimit-tokens-remaining': '0',
    'anthropic-ratelimit-tokens-reset': '2025-01-01T00:00:45Z',
    'anthropic-ratelimit-output-tokens-remaining': '12000',
    'anthropic-ratelimit-output-tokens-reset': '2025-01-01T00:05:00Z'
  }
  assert.equal(retryAfterMs(anthropic, now), 45_000)
  assert.equal(retryAfterMs({ ...anthropic, 'retry-after': '5' }, now), 5_000)
  assert.equal(retryAfterMs({ 'anthropic-ratelimit-tokens-remaining': '10', 'anthropic-ratelimit-tokens-reset': '2025-01-01T00:00:45Z' }, now), undefined)
  assert.equal(retryAfterMs({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }, now), 0)
  assert.equal(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, now), 250)
  assert.equal(retryAfterMs({ 'retry-after': 'soon' }, now), undefined)
  assert.equal(retryAfterMs({}, now), undefined)
})

test('an HTTP-date Retry-After reaches retryAfterMs over HTTP', async function (t) {
  const mock = await createMockProvider()
  const client = createProviderClient(providerOptions('gemini', mock.url), { logger: silentLogger })
  t.after(async () => { await client.close(); await mock.close() })
  mock.enqueue('gemini-2.5-flash', { status: 429, retryAfter: new Date(Date.now() + 120_000).toUTCString() })
  const error = await readError(() => client.complete('gemini-2.5-flash', input, { timeout: 5000 }))
  assert.equal(error.code, 'AI_PROVIDER_EXCEEDED')
  assert.ok(error.retryAfterMs !== undefined && error.retryAfterMs > 100_000 && error.retryAfterMs <= 120_000, String(error.retryAfterMs))
})

test('streamUsage: false leaves stream_options out, for servers that reject it (Mistral), and still reads their usage', async function (t) {
  const bodies: Array<Record<string, unknown>> = []
  // Answers as Mistral does: 422 for an unknown body field, else usage in the finish chunk.
  const { server, url } = await startServer(function answer (_request, response, text) {
    const body = JSON.parse(text) as Record<string, unknown>
    bodies.push(body)
    if ('stream_options' in body) {
      response.writeHead(422, { 'content-type': 'application/json' })
      response.end('{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options","include_usage"],"msg":"Extra inputs are not permitted","input":true}]},"type":"invalid_request_error","param":null,"code":null}')
      return
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    response.end('data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Bonjour"},"finish_reason":null}]}\n\n' +
      'data: {"choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":4,"total_tokens":5,"completion_tokens":1}}\n\n' +
      'data: [DONE]\n\n')
  })
  const asked = createProviderClient(providerOptions('openai-compatible', url + '/v1'), { logger: silentLogger })
  const notAsked = createProviderClient(providerOptions('openai-compatible', url + '/v1', { streamUsage: false }), { logger: silentLogger })
  t.after(async () => { await asked.close(); await notAsked.close(); await stopServer(server) })

  await assert.rejects(collect(asked.stream('mistral-small-latest', input, { timeout: 5000 })), { code: 'AI_PROVIDER_REQUEST_REJECTED', message: /Extra inputs are not permitted/ })
  assert.deepEqual(bodies[0].stream_options, { include_usage: true })
  assert.deepEqual(await collect(notAsked.stream('mistral-small-latest', input, { timeout: 5000 })), [
    { type: 'delta', text: 'Bonjour' },
    { type: 'end', result: 'COMPLETE', usage: { promptTokens: 4, completionTokens: 1, totalTokens: 5 } }
  ])
  assert.equal(bodies[1].stream, true)
  assert.equal('stream_options' in bodies[1], false)
})

test('a base URL that already ends with the API version (http://host/v1, as the OpenAI SDK writes it) does not get it twice', async function (t) {
  const mock = await createMockProvider()
  const openai = createProviderClient(providerOptions('openai', mock.url + '/v1/'), { logger: silentLogger })
  const gemini = createProviderClient(providerOptions('gemini', mock.url + '/v1beta'), { logger: silentLogger })
  t.after(async () => { await openai.close(); await gemini.close(); await mock.close() })
  assert.equal((await openai.complete('gpt-4o-mini', input, { timeout: 5000 })).result, 'COMPLETE')
  assert.equal((await gemini.complete('gemini-2.5-flash', input, { timeout: 5000 })).result, 'COMPLETE')
  assert.deepEqual(mock.requests.map((request) => request.path), ['/v1/chat/completions', '/v1beta/models/gemini-2.5-flash:generateContent'])
})

test('a complete answer is read whole: chunks split inside a character, 1xx before it, one socket reused, the abort and the cut mid-body', async function (t) {
  const answer = JSON.stringify({ choices: [{ message: { content: 'café ☕ naïve' }, finish_reason: 'stop' }] })
  const bytes = Buffer.from(answer)
  const cut = bytes.indexOf(Buffer.from('☕')) + 1
  const closed: Array<Promise<boolean>> = []
  const arrivals: Array<() => void> = []
  let mode = 'split'
  const { server, url, connections } = await startServer(function answer (_request, response) {
    closed.push(new Promise((resolve) => response.on('close', () => resolve(!response.writableFinished))))
    arrivals.shift()?.()
    response.writeEarlyHints({ link: '</style.css>; rel=preload' })
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write(bytes.subarray(0, cut))
    if (mode === 'split') setTimeout(() => response.end(bytes.subarray(cut)), 20)
    if (mode === 'cut') setTimeout(() => response.socket?.destroy(), 20)
    // 'stall': the rest never comes.
  })
  function arrival (): Promise<void> {
    return new Promise((resolve) => arrivals.push(resolve))
  }
  const client = createProviderClient(providerOptions('openai', url, { connections: 1 }), { logger: silentLogger })
  t.after(async () => { await client.close(); await stopServer(server) })

  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await client.complete('m', input, { timeout: 5000 }), { text: 'café ☕ naïve', result: 'COMPLETE' })
  }
  assert.equal(connections(), 1)
  assert.deepEqual(await Promise.all(closed), [false, false, false])

  mode = 'stall'
  const controller = new AbortController()
  const arrived = arrival()
  const pending = client.complete('m', input, { timeout: 5000, signal: controller.signal })
  await arrived
  controller.abort()
  await assert.rejects(pending, { code: 'AI_ABORTED' })
  assert.equal(await closed[3], true, 'the half-sent answer was dropped with its socket')

  const timedOut = arrival()
  await assert.rejects(client.complete('m', input, { timeout: 300 }), { code: 'AI_PROVIDER_TIMEOUT' })
  await timedOut
  assert.equal(await closed[4], true)

  mode = 'cut'
  await assert.rejects(client.complete('m', input, { timeout: 5000 }), { code: 'AI_PROVIDER_NETWORK_ERROR' })
})

test('an error answer is read whole below 64 KB (its socket kept), cut at 64 KB when it never ends (its socket dropped)', async function (t) {
  const closed: Array<Promise<boolean>> = []
  let endless = false
  const { server, url, connections } = await startServer(function answer (_request, response) {
    closed.push(new Promise((resolve) => response.on('close', () => resolve(!response.writableFinished))))
    response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' })
    if (endless) response.write('{"error":{"message":"' + 'y'.repeat(70_000))
    else response.end('{"error":{"message":"slow down"}}')
  })
  const client = createProviderClient(providerOptions('openai', url, { connections: 1 }), { logger: silentLogger })
  t.after(async () => { await client.close(); await stopServer(server) })
  for (let i = 0; i < 2; i++) {
    const error = await readError(() => client.complete('m', input, { timeout: 5000 }))
    assert.equal(error.code, 'AI_PROVIDER_EXCEEDED')
    assert.match(error.message, /slow down/)
    assert.equal(error.retryAfterMs, 7000)
  }
  assert.equal(connections(), 1)

  endless = true
  const error = await readError(() => client.complete('m', input, { timeout: 5000 }))
  assert.equal(error.code, 'AI_PROVIDER_EXCEEDED', 'answered from the first 64 KB, not timed out')
  assert.equal(error.retryAfterMs, 7000)
  assert.ok(error.message.length < 1000)
  assert.equal(await closed[2], true, 'the rest of the body was dropped with its socket')
})

test('a complete call waiting for a connection of the pool times out and aborts there', async function (t) {
  const { server, url } = await startServer(function stall (_request, response) {
    response.writeHead(200, { 'content-type': 'application/json' })
  })
  const client = createProviderClient(providerOptions('openai', url, { connections: 1 }), { logger: silentLogger })
  t.after(async () => { await client.close(); await stopServer(server) })
  const first = client.complete('m', input, { timeout: 2000 })
  const controller = new AbortController()
  const queued = client.complete('m', input, { timeout: 5000, signal: controller.signal })
  // The one connection is busy with the first call: these two wait in the pool's queue.
  await assert.rejects(client.complete('m', input, { timeout: 100 }), { code: 'AI_PROVIDER_TIMEOUT' })
  controller.abort()
  await assert.rejects(queued, { code: 'AI_ABORTED' })
  await assert.rejects(first, { code: 'AI_PROVIDER_TIMEOUT' })
})

test("undici's MockPool as a provider's dispatcher answers complete calls and their errors", async function (t) {
  const agent = new MockAgent()
  agent.disableNetConnect()
  const origin = 'http://upstream.test'
  const pool = agent.get(origin)
  t.after(() => agent.close())
  pool.intercept({ path: '/v1/chat/completions', method: 'POST' })
    .reply(200, { choices: [{ message: { content: 'mocked' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } })
  pool.intercept({ path: '/v1/chat/completions', method: 'POST' })
    .reply(429, { error: { message: 'quota' } }, { headers: { 'retry-after': '2' } })
  pool.intercept({ path: '/v1/chat/completions', method: 'POST' })
    .replyWithError(new Error('mocked network failure'))
  const client = createProviderClient(providerOptions('openai', origin), { logger: silentLogger, dispatcher: pool })
  t.after(() => client.close())
  assert.deepEqual(await client.complete('m', input, { timeout: 5000 }), {
    text: 'mocked', result: 'COMPLETE', usage: { promptTokens: 3, completionTokens: 1, totalTokens: 4 }
  })
  const exceeded = await readError(() => client.complete('m', input, { timeout: 5000 }))
  assert.equal(exceeded.code, 'AI_PROVIDER_EXCEEDED')
  assert.equal(exceeded.retryAfterMs, 2000)
  const failed = await readError(() => client.complete('m', input, { timeout: 5000 }))
  assert.equal(failed.code, 'AI_PROVIDER_NETWORK_ERROR')
  assert.match(failed.message, /mocked network failure/)
})

test('an Agent given as the dispatcher (it routes by origin, as a ProxyAgent does) reaches the provider for complete calls and streams', async function (t) {
  const mock = await createMockProvider()
  const agent = new Agent()
  const client = createProviderClient(providerOptions('openai', mock.url), { logger: silentLogger, dispatcher: agent })
  t.after(async () => { await client.close(); await agent.close(); await mock.close() })
  mock.enqueue('m', { text: 'through the agent' }, { deltas: ['a', 'b'] })
  assert.equal((await client.complete('m', input, { timeout: 5000 })).text, 'through the agent')
  const events = await collect(client.stream('m', input, { timeout: 5000 }))
  assert.deepEqual(events.filter((event) => event.type === 'delta').map((event) => event.type === 'delta' && event.text), ['a', 'b'])
})

test('a frame that gives several events (tool calls completed together, then the end) yields them in order, in one batch', async function (t) {
  const call = (index: number, id: string) => `data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":${index},"id":"${id}","type":"function","function":{"name":"f${index}","arguments":"{}"}}]},"finish_reason":null}]}\n\n`
  const { server, url } = await startServer(function answer (_request, response) {
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    // One network write: no finish reason, so [DONE] completes the last call and ends the stream.
    response.end(call(0, 'a') + call(1, 'b') + 'data: [DONE]\n\n')
  })
  const client = createProviderClient(providerOptions('openai-compatible', url), { logger: silentLogger })
  t.after(async () => { await client.close(); await stopServer(server) })
  const stream = client.stream('m', input, { timeout: 5000 }) as AsyncIterable<unknown> & { nextBatch (): Promise<unknown[] | undefined> }
  assert.deepEqual(await stream.nextBatch(), [
    { type: 'tool_call', index: 0, toolCall: { id: 'a', name: 'f0', arguments: '{}' } },
    { type: 'tool_call', index: 1, toolCall: { id: 'b', name: 'f1', arguments: '{}' } },
    { type: 'end', result: 'TOOL_CALLS' }
  ])
  assert.equal(await stream.nextBatch(), undefined)
})

test('an upstream that sends an endless answer or stream frame is refused, not buffered', async function (t) {
  const megabyte = 'x'.repeat(1024 * 1024)
  const { server, url } = await startServer(function answer (request, response, body) {
    const stream = JSON.parse(body).stream === true
    response.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' })
    // 40 MiB without a frame's end (stream) or of one JSON answer: more than the transport holds.
    if (stream) response.write('data: {"choices":[{"delta":{"content":"')
    else response.write('{"choices":[{"message":{"content":"')
    let sent = 0
    function more (): void {
      while (sent < 40 && response.write(megabyte)) sent++
      if (sent < 40 && !response.destroyed) response.once('drain', more)
    }
    response.on('close', () => { sent = 40 })
    more()
  })
  const client = createProviderClient(providerOptions('openai', url), { logger: silentLogger })
  t.after(async () => { await client.close(); await stopServer(server) })
  const whole = await readError(() => client.complete('m', input, { timeout: 20_000 }))
  assert.equal(whole.code, 'AI_PROVIDER_MALFORMED_RESPONSE')
  assert.match(whole.message, /larger than 33554432 bytes/)
  await assert.rejects(collect(client.stream('m', input, { timeout: 20_000 })), { code: 'AI_PROVIDER_MALFORMED_RESPONSE', message: /frame is larger than 16777216 bytes/ })
})
