// Both stream routes used to answer `connection: keep-alive` to a request that asked to close,
// and Node obeys the header it is given: the socket stayed open. Bare sockets to see it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sseConnection } from '../../src/sse/sse-connection.ts'
import { startGateway } from '../helpers/gateway.ts'
import { postHead, rawExchange } from '../helpers/raw-http.ts'

const STREAMS = [
  { route: '/api/v1/stream', body: '{"prompt": "hi"}', last: 'event: end' },
  { route: '/v1/chat/completions', body: '{"model": "default", "stream": true, "messages": [{"role": "user", "content": "hi"}]}', last: 'data: [DONE]' }
]

for (const { route, body, last } of STREAMS) {
  test(`${route} honours Connection: close: the answer says close and the socket is closed after the stream`, async (t) => {
    const { url } = await startGateway(t, { plugin: { routes: true } })
    const answer = await rawExchange(url, [postHead(route, Buffer.byteLength(body), 'connection: close\r\n') + body], 3000)
    assert.equal(answer.statusCode, 200)
    assert.match(answer.headers['content-type'], /^text\/event-stream/)
    assert.equal(answer.headers.connection, 'close')
    assert.ok(answer.body.includes(last), 'the stream was complete')
    assert.equal(answer.closed, true, 'the server closed the socket')
  })

  test(`${route} keeps an HTTP/1.1 connection alive when the request did not ask to close`, async (t) => {
    const { url } = await startGateway(t, { plugin: { routes: true } })
    const answer = await rawExchange(url, [postHead(route, Buffer.byteLength(body)) + body], 500)
    assert.equal(answer.statusCode, 200)
    assert.equal(answer.headers.connection, 'keep-alive')
    assert.ok(answer.body.includes(last))
    assert.equal(answer.closed, false)
  })
}

test('sseConnection: close when asked (any case, in a token list), by HTTP/1.0, or by a hook; nothing on HTTP/2', () => {
  const http11 = { httpVersionMajor: 1, httpVersionMinor: 1 }
  assert.equal(sseConnection({ ...http11, headers: {} }, undefined), 'keep-alive')
  assert.equal(sseConnection({ ...http11, headers: { connection: 'Close' } }, undefined), 'close')
  assert.equal(sseConnection({ ...http11, headers: { connection: 'upgrade, close' } }, undefined), 'close')
  assert.equal(sseConnection({ ...http11, headers: {} }, 'close'), 'close')
  assert.equal(sseConnection({ httpVersionMajor: 1, httpVersionMinor: 0, headers: {} }, undefined), 'close')
  assert.equal(sseConnection({ httpVersionMajor: 1, httpVersionMinor: 0, headers: { connection: 'keep-alive' } }, undefined), 'keep-alive')
  assert.equal(sseConnection({ httpVersionMajor: 2, httpVersionMinor: 0, headers: { connection: 'close' } }, undefined), undefined)
})
