// Failures map to typed errors: HTTP statuses, network failures, stalls (timeout) and aborts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import {
  buildClient,
  AiClientAbortError,
  AiClientError,
  AiClientHttpError,
  AiClientNetworkError,
  AiClientTimeoutError
} from '../src/index.ts'
import { parseRetryAfter } from '../src/exchange.ts'
import { collect, delay, frame, startScriptedServer, startSse } from './helpers/scripted-server.ts'

test('an error answer becomes AiClientHttpError with the server code, message, details and Retry-After', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '12' })
    response.end(JSON.stringify({
      code: 'AI_NO_MODELS_AVAILABLE',
      message: 'No model is available',
      statusCode: 503,
      details: { attempts: [{ model: 'openai:m', code: 'AI_PROVIDER_RATE_LIMITED' }] }
    }))
  })
  const client = buildClient({ url: server.url })
  for (const stream of [true, false]) {
    const error = await client.ask({ prompt: 'Hi', stream }).then(() => undefined, (error: unknown) => error)
    assert.ok(error instanceof AiClientHttpError)
    assert.ok(error instanceof AiClientError)
    assert.equal(error.name, 'AiClientHttpError')
    assert.equal(error.statusCode, 503)
    assert.equal(error.code, 'AI_NO_MODELS_AVAILABLE')
    assert.equal(error.message, 'No model is available')
    assert.equal(error.retryAfter, 12)
    assert.deepEqual(error.details, { attempts: [{ model: 'openai:m', code: 'AI_PROVIDER_RATE_LIMITED' }] })
  }
})

test('a non-JSON error answer keeps its status and an excerpt of the body', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    response.writeHead(502, { 'content-type': 'text/html' })
    response.end('<h1>Bad gateway</h1>')
  })
  const client = buildClient({ url: server.url, resume: false })
  await assert.rejects(client.models(), (error: unknown) =>
    error instanceof AiClientHttpError && error.statusCode === 502 && error.code === 'AI_CLIENT_HTTP_ERROR' &&
    error.message === 'HTTP 502: <h1>Bad gateway</h1>' && error.retryAfter === undefined)
})

test('Retry-After as an HTTP date is read as seconds', () => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  assert.equal(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now), 30)
  assert.equal(parseRetryAfter('soon', now), undefined)
  assert.equal(parseRetryAfter(null, now), undefined)
})

test('a refused connection is AiClientNetworkError with its cause', async () => {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  const client = buildClient({ url: `http://127.0.0.1:${port}` })
  await assert.rejects(client.ask({ prompt: 'Hi' }), (error: unknown) =>
    error instanceof AiClientNetworkError && error.code === 'AI_CLIENT_NETWORK_ERROR' && error.cause !== undefined)
})

test('no headers within timeout: AiClientTimeoutError and the request is aborted', async (t) => {
  const server = await startScriptedServer(t, () => { /* never answers */ })
  const client = buildClient({ url: server.url, timeout: 100 })
  await assert.rejects(client.ask({ prompt: 'Hi', stream: false }), (error: unknown) =>
    error instanceof AiClientTimeoutError && error.code === 'AI_CLIENT_TIMEOUT' && error.timeout === 100)
  await server.requests[0].closed
})

test('a slow stream whose events come faster than timeout is never cut, however long it lasts', async (t) => {
  const server = await startScriptedServer(t, async (request, response) => {
    startSse(response)
    for (let i = 0; i < 6; i++) {
      await delay(60)
      // Heartbeats count as data too.
      response.write(i % 2 === 0 ? ': ping\n\n' : frame(i, 'content', { response: String(i) }))
    }
    response.end(frame(9, 'end', { response: 'COMPLETE', sessionId: 'session-1', model: 'm' }))
  })
  const client = buildClient({ url: server.url, timeout: 100 })
  const started = Date.now()
  const { stream } = await client.ask({ prompt: 'Hi' })
  const messages = await collect(stream)
  assert.ok(Date.now() - started > 300, 'the stream lasted longer than timeout')
  assert.deepEqual(messages.map((message) => message.type === 'content' ? message.content : message.type), ['1', '3', '5', 'done'])
})

test('a stream that stalls is cut with AiClientTimeoutError from the iterator, and not resumed', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    startSse(response)
    response.write(frame(1, 'content', { response: 'a' }))
  })
  const client = buildClient({ url: server.url, timeout: 100 })
  const { stream } = await client.ask({ prompt: 'Hi' })
  const seen: string[] = []
  await assert.rejects(async () => {
    for await (const message of stream) seen.push(message.type)
  }, AiClientTimeoutError)
  assert.deepEqual(seen, ['content'])
  await server.requests[0].closed
  assert.equal(server.requests.length, 1)
})

test('signal aborts before the headers, during the stream (and cancels the answer on the server), and before the call', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    if (request.method === 'DELETE') {
      response.writeHead(204)
      response.end()
      return
    }
    if (request.body.prompt === 'hang') return
    startSse(response)
    response.write(frame(1, 'content', { response: 'a' }))
  })
  const client = buildClient({ url: server.url })

  const early = new AbortController()
  const pending = client.ask({ prompt: 'hang', signal: early.signal })
  setTimeout(() => early.abort(new Error('user left')), 20)
  await assert.rejects(pending, (error: unknown) =>
    error instanceof AiClientAbortError && error.code === 'AI_CLIENT_ABORTED' && (error.cause as Error).message === 'user left')

  const controller = new AbortController()
  const { stream } = await client.ask({ prompt: 'Hi', signal: controller.signal })
  const seen: string[] = []
  await assert.rejects(async () => {
    for await (const message of stream) {
      seen.push(message.type)
      controller.abort()
    }
  }, AiClientAbortError)
  assert.deepEqual(seen, ['content'])
  await server.requests[1].closed
  for (let waited = 0; server.requests.length < 3 && waited < 2000; waited += 10) await delay(10)
  assert.equal(server.requests[2].method, 'DELETE')
  assert.equal(server.requests[2].url, '/api/v1/sessions/session-1/stream')

  await assert.rejects(client.ask({ prompt: 'Hi', signal: AbortSignal.abort() }), AiClientAbortError)
  assert.equal(server.requests.length, 3)
})

test('breaking out of the loop closes the connection', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    startSse(response)
    response.write(frame(1, 'content', { response: 'a' }))
  })
  const client = buildClient({ url: server.url })
  const { stream } = await client.ask({ prompt: 'Hi' })
  const iterator = stream[Symbol.asyncIterator]()
  const first = await iterator.next()
  assert.deepEqual(first.value, { type: 'content', content: 'a' })
  await iterator.return?.()
  await server.requests[0].closed
})

test('a 204 answer (deleteSession) leaves no abort listener on a long-lived signal', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    if (request.method === 'DELETE') {
      response.writeHead(204).end()
      return
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ models: [] }))
  })
  const client = buildClient({ url: server.url })
  const { signal } = new AbortController()
  for (let i = 0; i < 3; i++) {
    await client.deleteSession('session-1', { signal })
    await client.models({ signal })
  }
  assert.equal(server.requests.length, 6)
  assert.equal(getEventListeners(signal, 'abort').length, 0)
})

test('abort during the backoff before a reconnection rejects at once and sends nothing more', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    startSse(response)
    response.write(frame(1, 'content', { response: 'a' }), () => response.destroy())
  })
  const client = buildClient({ url: server.url, resume: { initialDelay: 60_000, maxDelay: 60_000 } })
  const controller = new AbortController()
  const { stream } = await client.ask({ prompt: 'Hi', signal: controller.signal })
  const started = Date.now()
  await assert.rejects(async () => {
    for await (const message of stream) {
      assert.equal(message.type, 'content')
      // The cut comes next; abort once the client is waiting to reconnect.
      server.requests[0].closed.then(() => setTimeout(() => controller.abort(), 20), () => {})
    }
  }, AiClientAbortError)
  assert.ok(Date.now() - started < 5000, 'the backoff did not run to its end')
  assert.equal(server.requests.length, 1)
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0)
})
