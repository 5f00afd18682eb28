// A client that declares a body and sends part of it used to hold its socket for ever (Fastify's
// requestTimeout is 0). Real listening gateways and bare sockets: fetch cannot send half a body.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fastifyAiServerOptions } from '../src/index.ts'
import { normalizeHttpOptions } from '../src/options.ts'
import { startGateway } from './helpers/gateway.ts'
import { postHead, rawExchange } from './helpers/raw-http.ts'

const HALF_BODY = '{"prompt": '

test('bodyTimeout defaults to 30 s and is checked like any option', () => {
  assert.equal(normalizeHttpOptions({}).bodyTimeout, 30000)
  assert.throws(() => normalizeHttpOptions({ bodyTimeout: 0 }), /bodyTimeout must be a positive integer, got 0/)
  assert.throws(() => normalizeHttpOptions({ bodyTimeout: 2 ** 31 }), /bodyTimeout must be at most 2147483647 ms/)
})

test('a half-sent body gets 408 AI_REQUEST_TIMEOUT as JSON and the socket is closed', async (t) => {
  const { url, mock } = await startGateway(t, { plugin: { bodyTimeout: 300 } })
  const answer = await rawExchange(url, [postHead('/api/v1/prompt', 100), HALF_BODY], 5000)
  assert.equal(answer.closed, true, 'the server closed the connection')
  assert.ok(answer.elapsed >= 250 && answer.elapsed < 3000, `closed after ${answer.elapsed} ms`)
  assert.equal(answer.statusCode, 408)
  assert.equal(answer.headers.connection, 'close')
  assert.match(answer.headers['content-type'], /^application\/json/)
  assert.deepEqual(JSON.parse(answer.body), {
    code: 'AI_REQUEST_TIMEOUT',
    message: 'The request body was not received within 300 ms',
    statusCode: 408
  })
  assert.equal(mock.requests.length, 0)
})

test('a half-sent body on the OpenAI route gets 408 in OpenAI\'s shape, and the socket is closed', async (t) => {
  const { url } = await startGateway(t, { plugin: { bodyTimeout: 300, routes: true } })
  const answer = await rawExchange(url, [postHead('/v1/chat/completions', 100), '{"model": "default"'], 5000)
  assert.equal(answer.closed, true)
  assert.equal(answer.statusCode, 408)
  assert.deepEqual(JSON.parse(answer.body), {
    error: { message: 'The request body was not received within 300 ms', type: 'invalid_request_error', param: null, code: 'AI_REQUEST_TIMEOUT' }
  })
})

test('a body that arrives in pieces within bodyTimeout is answered, on a connection kept alive', async (t) => {
  const { url } = await startGateway(t, { plugin: { bodyTimeout: 1000 } })
  const body = '{"prompt": "slow but in time"}'
  const answer = await rawExchange(url, [postHead('/api/v1/prompt', Buffer.byteLength(body)), body.slice(0, 5), 200, body.slice(5)], 1500)
  assert.equal(answer.statusCode, 200)
  assert.equal(JSON.parse(answer.body).text, 'Echo: slow but in time')
  assert.equal(answer.closed, false, 'keep-alive: the server did not close')
})

test('the deadline counts from the request\'s start, not from each piece', async (t) => {
  const { url } = await startGateway(t, { plugin: { bodyTimeout: 400 } })
  const body = '{"prompt": "drip"}'
  const answer = await rawExchange(url, [postHead('/api/v1/prompt', Buffer.byteLength(body)), ...[...body].flatMap((char) => [char, 60])], 5000)
  assert.equal(answer.statusCode, 408)
  assert.ok(answer.elapsed < 1000, `answered after ${answer.elapsed} ms`)
})

test('an unknown route does not wait for a half-sent body: 404 at once, then the socket is closed', async (t) => {
  const { url } = await startGateway(t, { plugin: { bodyTimeout: 60000 } })
  const answer = await rawExchange(url, [postHead('/api/v1/nope', 100), HALF_BODY], 3000)
  assert.equal(answer.closed, true)
  assert.equal(answer.statusCode, 404)
  assert.equal(answer.headers.connection, 'close')
  assert.equal(JSON.parse(answer.body).code, 'AI_ROUTE_NOT_FOUND')
})

test('with fastifyAiServerOptions, partial headers get 408 AI_REQUEST_TIMEOUT within bodyTimeout and the socket is closed', async (t) => {
  const plugin = { bodyTimeout: 500 }
  const { url } = await startGateway(t, { plugin, server: fastifyAiServerOptions(plugin) })
  const answer = await rawExchange(url, ['POST /api/v1/prompt HTTP/1.1\r\nhost: localhost\r\ncontent-ty'], 5000)
  assert.equal(answer.closed, true)
  assert.ok(answer.elapsed >= 450 && answer.elapsed < 2000, `closed after ${answer.elapsed} ms`)
  assert.equal(answer.statusCode, 408)
  assert.deepEqual(JSON.parse(answer.body), { code: 'AI_REQUEST_TIMEOUT', message: 'The request was not received in full in time', statusCode: 408 })
})
