// The service answers everything in the gateway's shapes: unknown routes (GET goes through the
// service's static files first), @fastify/static's refusals, bad URLs, long session ids, wrong
// content types, and a half-sent body, over real HTTP to the listening service.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { mockAiSection, startAiWarp } from './helpers/ai-warp.ts'

async function answer (response: Response): Promise<{ status: number, body: any }> {
  return { status: response.status, body: await response.json() }
}

function assertAiError (result: { status: number, body: any }, status: number, code: string): void {
  assert.equal(result.status, status, JSON.stringify(result.body))
  assert.equal(result.body.code, code)
  assert.equal(result.body.statusCode, status)
  assert.equal(typeof result.body.message, 'string')
}

async function listening (t: TestContext, extra: Record<string, unknown> = {}): Promise<string> {
  const { url } = await startAiWarp(t, (mock) => ({ ai: mockAiSection(mock, extra) }), { listen: true })
  return url
}

/** Send `head` and `body` over a bare socket; resolve with what came back once the server closed it (or '' after 5 s). */
function halfSent (url: string, text: string): Promise<{ received: string, closed: boolean }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let received = ''
    const deadline = setTimeout(() => { socket.destroy(); resolve({ received, closed: false }) }, 5000)
    socket.setEncoding('utf8')
    socket.on('data', (data: string) => { received += data })
    socket.on('error', reject)
    socket.on('close', () => { clearTimeout(deadline); resolve({ received, closed: true }) })
    socket.on('connect', () => socket.write(text))
  })
}

test('unknown routes, wrong methods and static refusals are 404 AI_ROUTE_NOT_FOUND', async (t) => {
  const url = await listening(t)
  assertAiError(await answer(await fetch(`${url}/nope`)), 404, 'AI_ROUTE_NOT_FOUND')
  assertAiError(await answer(await fetch(`${url}/nope`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<x/>' })), 404, 'AI_ROUTE_NOT_FOUND')
  assertAiError(await answer(await fetch(`${url}/api/v1/prompt`, { method: 'PUT' })), 404, 'AI_ROUTE_NOT_FOUND')
  assertAiError(await answer(await fetch(`${url}/${'x'.repeat(10000)}`)), 404, 'AI_ROUTE_NOT_FOUND')
  const openai = await answer(await fetch(`${url}/v1/nope`))
  assert.equal(openai.status, 404)
  assert.equal(openai.body.error.code, 'AI_ROUTE_NOT_FOUND')
  // What the service serves itself is untouched.
  assert.equal((await fetch(`${url}/`)).status, 200)
})

test('unknown routes are not behind auth', async (t) => {
  const { url } = await startAiWarp(t, (mock) => ({ ai: mockAiSection(mock), auth: { required: true, jwt: { secret: 'a-secret-of-enough-length-for-hs256' } } }), { listen: true })
  assertAiError(await answer(await fetch(`${url}/nope`)), 404, 'AI_ROUTE_NOT_FOUND')
  assertAiError(await answer(await fetch(`${url}/api/v1/models`)), 401, 'AI_UNAUTHORIZED')
})

test('session ids up to 128 characters reach the route; longer ones and bad URLs are 400 AI_BAD_REQUEST', async (t) => {
  const url = await listening(t)
  for (const method of ['GET', 'DELETE']) {
    assertAiError(await answer(await fetch(`${url}/api/v1/sessions/${'s'.repeat(101)}`, { method })), 404, 'AI_SESSION_NOT_FOUND')
    assertAiError(await answer(await fetch(`${url}/api/v1/sessions/${'s'.repeat(128)}`, { method })), 404, 'AI_SESSION_NOT_FOUND')
    const tooLong = await answer(await fetch(`${url}/api/v1/sessions/${'s'.repeat(10000)}`, { method }))
    assertAiError(tooLong, 400, 'AI_BAD_REQUEST')
    assert.equal(tooLong.body.details.field, 'sessionId')
  }
  assertAiError(await answer(await fetch(`${url}/api/v1/sessions/%E0%A4%A`)), 400, 'AI_BAD_REQUEST')
})

test('a wrong content type is 400 AI_BAD_REQUEST on /api/v1 and on /v1/chat/completions', async (t) => {
  const url = await listening(t)
  const init = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }
  assertAiError(await answer(await fetch(`${url}/api/v1/prompt`, init)), 400, 'AI_BAD_REQUEST')
  const openai = await answer(await fetch(`${url}/v1/chat/completions`, init))
  assert.equal(openai.status, 400)
  assert.equal(openai.body.error.code, 'AI_BAD_REQUEST')
})

test('a half-sent body gets 408 AI_REQUEST_TIMEOUT after ai.bodyTimeout, and the socket is closed', async (t) => {
  const url = await listening(t, { bodyTimeout: 300 })
  for (const path of ['/api/v1/prompt', '/nope']) {
    const { received, closed } = await halfSent(url, `POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"prompt": `)
    assert.equal(closed, true, `${path}: the server closed the connection`)
    const [head, body] = received.split('\r\n\r\n')
    if (path === '/nope') {
      assert.match(head, /^HTTP\/1\.1 404/)
      continue
    }
    assert.match(head, /^HTTP\/1\.1 408/)
    assert.match(head, /\r\nconnection: close/i)
    assert.deepEqual(JSON.parse(body), { code: 'AI_REQUEST_TIMEOUT', message: 'The request body was not received within 300 ms', statusCode: 408 })
  }
})

test('partial headers get 408 AI_REQUEST_TIMEOUT within ai.bodyTimeout and the socket is closed', async (t) => {
  const url = await listening(t, { bodyTimeout: 500 })
  const started = Date.now()
  const { received, closed } = await halfSent(url, 'POST /api/v1/prompt HTTP/1.1\r\nhost: localhost\r\ncontent-ty')
  assert.equal(closed, true)
  assert.match(received, /^HTTP\/1\.1 408/)
  assert.equal(JSON.parse(received.split('\r\n\r\n')[1]).code, 'AI_REQUEST_TIMEOUT')
  assert.ok(Date.now() - started < 2500, `closed after ${Date.now() - started} ms`)
})
