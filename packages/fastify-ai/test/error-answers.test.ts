// Every answer of the gateway, including Fastify's own 404, 414, 415 and bad-URL paths, is the
// API's error shape with an AI_ code (OpenAI's shape under /v1), over real HTTP.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fastifyAiServerOptions } from '../src/index.ts'
import { postJson, startGateway } from './helpers/gateway.ts'
import { rawExchange } from './helpers/raw-http.ts'
import type { Gateway } from './helpers/gateway.ts'

async function answer (response: Response): Promise<{ status: number, body: any }> {
  return { status: response.status, body: await response.json() }
}

function assertAiError (result: { status: number, body: any }, status: number, code: string): void {
  assert.equal(result.status, status)
  assert.equal(result.body.code, code)
  assert.equal(result.body.statusCode, status)
  assert.equal(typeof result.body.message, 'string')
  assert.deepEqual(Object.keys(result.body).filter((key) => key !== 'details').sort(), ['code', 'message', 'statusCode'])
}

function assertOpenAiError (result: { status: number, body: any }, status: number, code: string): void {
  assert.equal(result.status, status)
  assert.deepEqual(Object.keys(result.body), ['error'])
  assert.equal(result.body.error.code, code)
  assert.equal(typeof result.body.error.message, 'string')
}

async function gateway (t: Parameters<typeof startGateway>[0]): Promise<Gateway> {
  const plugin = { routes: true }
  return startGateway(t, { plugin, server: fastifyAiServerOptions(plugin) })
}

test('unknown routes and wrong methods are 404 AI_ROUTE_NOT_FOUND', async (t) => {
  const { url } = await gateway(t)
  assertAiError(await answer(await fetch(`${url}/nope`)), 404, 'AI_ROUTE_NOT_FOUND')
  assertAiError(await answer(await fetch(`${url}/api/v1/prompt`)), 404, 'AI_ROUTE_NOT_FOUND')
  assertAiError(await answer(await fetch(`${url}/api/v1/prompt`, { method: 'PUT', body: '{}' })), 404, 'AI_ROUTE_NOT_FOUND')
  assertAiError(await answer(await fetch(`${url}/api/v1/sessions`)), 404, 'AI_ROUTE_NOT_FOUND')
  const notFound = await answer(await fetch(`${url}/api/v2/prompt?x=1`, { method: 'POST' }))
  assertAiError(notFound, 404, 'AI_ROUTE_NOT_FOUND')
  assert.equal(notFound.body.message, 'Route POST /api/v2/prompt not found')
})

test('a body never turns an unknown route into a 400 or 415', async (t) => {
  const { url } = await gateway(t)
  assertAiError(await answer(await fetch(`${url}/nope`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken' })), 404, 'AI_ROUTE_NOT_FOUND')
  assertAiError(await answer(await fetch(`${url}/nope`, { method: 'POST', headers: { 'content-type': 'application/x-unknown' }, body: 'x' })), 404, 'AI_ROUTE_NOT_FOUND')
  assertAiError(await answer(await fetch(`${url}/nope`, { method: 'POST', headers: { 'content-type': 'not a media type' }, body: 'x' })), 404, 'AI_ROUTE_NOT_FOUND')
})

test('a very long unknown path is named in the message, cut to 200 characters', async (t) => {
  const { url } = await gateway(t)
  const long = await answer(await fetch(`${url}/${'x'.repeat(10000)}`))
  assertAiError(long, 404, 'AI_ROUTE_NOT_FOUND')
  assert.ok(long.body.message.length < 300)
})

test('unknown routes under the OpenAI prefix answer in OpenAI\'s shape', async (t) => {
  const { url } = await gateway(t)
  assertOpenAiError(await answer(await fetch(`${url}/v1/nope`)), 404, 'AI_ROUTE_NOT_FOUND')
  assertOpenAiError(await answer(await fetch(`${url}/v1/chat/completions`)), 404, 'AI_ROUTE_NOT_FOUND')
  // `/v1beta` is not below `/v1`.
  assertAiError(await answer(await fetch(`${url}/v1beta/models`)), 404, 'AI_ROUTE_NOT_FOUND')
})

test('bad percent-encoding is 400 AI_BAD_REQUEST (frameworkErrors of fastifyAiServerOptions)', async (t) => {
  const { url } = await gateway(t)
  assertAiError(await answer(await fetch(`${url}/api/v1/sessions/%E0%A4%A`)), 400, 'AI_BAD_REQUEST')
  assertOpenAiError(await answer(await fetch(`${url}/v1/models/%zz`)), 400, 'AI_BAD_REQUEST')
})

test('what Node refuses before a request exists (malformed, oversized headers) is 400 AI_BAD_REQUEST (clientErrorHandler)', async (t) => {
  const { url } = await gateway(t)
  for (const request of ['NOT HTTP AT ALL\r\n\r\n', `GET / HTTP/1.1\r\nhost: localhost\r\nx-big: ${'x'.repeat(20000)}\r\n\r\n`]) {
    const refused = await rawExchange(url, [request], 3000)
    assert.equal(refused.closed, true)
    assert.equal(refused.statusCode, 400)
    assertAiError({ status: refused.statusCode, body: JSON.parse(refused.body) }, 400, 'AI_BAD_REQUEST')
  }
})

test('a path parameter over maxParamLength is 400 AI_BAD_REQUEST (frameworkErrors), not 414 FST_ERR_MAX_PARAM_LENGTH', async (t) => {
  const plugin = { routes: true }
  const { url } = await startGateway(t, {
    plugin,
    server: fastifyAiServerOptions(plugin),
    setup (app) { app.delete('/things/:id', async () => 'deleted') }
  })
  assertAiError(await answer(await fetch(`${url}/things/${'x'.repeat(101)}`, { method: 'DELETE' })), 400, 'AI_BAD_REQUEST')
})

test('session ids: the path takes what the body takes (up to 128 characters), and 400 names the field beyond', async (t) => {
  const { url } = await gateway(t)
  for (const length of [101, 128]) {
    const id = 's'.repeat(length)
    assertAiError(await answer(await fetch(`${url}/api/v1/sessions/${id}`)), 404, 'AI_SESSION_NOT_FOUND')
    assertAiError(await answer(await fetch(`${url}/api/v1/sessions/${id}`, { method: 'DELETE' })), 404, 'AI_SESSION_NOT_FOUND')
    assertAiError(await answer(await postJson(`${url}/api/v1/prompt`, { prompt: 'hi', sessionId: id })), 404, 'AI_SESSION_NOT_FOUND')
  }
  for (const length of [129, 10000]) {
    const id = 's'.repeat(length)
    for (const method of ['GET', 'DELETE']) {
      const tooLong = await answer(await fetch(`${url}/api/v1/sessions/${id}`, { method }))
      assertAiError(tooLong, 400, 'AI_BAD_REQUEST')
      assert.equal(tooLong.body.details.field, 'sessionId')
    }
    const body = await answer(await postJson(`${url}/api/v1/prompt`, { prompt: 'hi', sessionId: id }))
    assertAiError(body, 400, 'AI_BAD_REQUEST')
    assert.equal(body.body.details.field, 'sessionId')
  }
  assertAiError(await answer(await fetch(`${url}/api/v1/sessions/`)), 400, 'AI_BAD_REQUEST')
})

test('a wrong content type is the same 400 AI_BAD_REQUEST on /api/v1 and /v1/chat/completions', async (t) => {
  const { url } = await gateway(t)
  // text/plain has a parser in Fastify (the OpenAI route then read a string body as `invalid_type`).
  for (const contentType of ['text/xml', 'text/plain']) {
    const init = { method: 'POST', headers: { 'content-type': contentType }, body: '<prompt/>' }
    const api = await answer(await fetch(`${url}/api/v1/prompt`, init))
    assertAiError(api, 400, 'AI_BAD_REQUEST')
    assert.equal(api.body.details.field, 'content-type')
    const openai = await answer(await fetch(`${url}/v1/chat/completions`, init))
    assertOpenAiError(openai, 400, 'AI_BAD_REQUEST')
    assert.equal(openai.body.error.type, 'invalid_request_error')
    assert.equal(openai.body.error.message, api.body.message)
  }
})

test('parser errors are AI_BAD_REQUEST in both shapes', async (t) => {
  const { url } = await gateway(t)
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt"' }
  assertAiError(await answer(await fetch(`${url}/api/v1/prompt`, init)), 400, 'AI_BAD_REQUEST')
  assertOpenAiError(await answer(await fetch(`${url}/v1/chat/completions`, init)), 400, 'AI_BAD_REQUEST')
  const empty = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }
  assertAiError(await answer(await fetch(`${url}/api/v1/prompt`, empty)), 400, 'AI_BAD_REQUEST')
})

test('the application\'s own routes keep their errors; notFoundHandler: false and routes: false keep its 404', async (t) => {
  const { url } = await startGateway(t, {
    plugin: { notFoundHandler: false },
    setup (app) {
      app.get('/mine', async (_request, reply) => reply.code(418).send({ mine: true }))
      app.setNotFoundHandler(function mine (_request, reply) { reply.code(404).send({ mine: 'not found' }) })
    }
  })
  assert.deepEqual(await answer(await fetch(`${url}/mine`)), { status: 418, body: { mine: true } })
  assert.deepEqual(await answer(await fetch(`${url}/nope`)), { status: 404, body: { mine: 'not found' } })

  const off = await startGateway(t, { plugin: { routes: false } })
  const fastify404 = await answer(await fetch(`${off.url}/api/v1/prompt`))
  assert.equal(fastify404.status, 404)
  assert.equal(fastify404.body.code, undefined)
})
