import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { once } from 'node:events'
import { setImmediate as tick } from 'node:timers/promises'
import type { SseWriter } from '../../src/sse/sse-writer.ts'
import { formatEvent, openSse } from '../../src/sse/sse-writer.ts'

async function serveOne (t: TestContext, heartbeatInterval: number): Promise<{ writer: SseWriter, client: Socket, closed: Promise<void> }> {
  let markClosed: () => void = () => {}
  const closed = new Promise<void>((resolve) => { markClosed = resolve })
  const server = createServer()
  const opened = new Promise<SseWriter>((resolve) => {
    server.on('request', (request, response) => resolve(openSse(response, { 'content-type': 'text/event-stream' }, heartbeatInterval, markClosed)))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const client = connect((server.address() as { port: number }).port, '127.0.0.1')
  t.after(() => client.destroy())
  client.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n')
  return { writer: await opened, client, closed }
}

test('write waits for drain when the client does not read, and goes on when it does', async (t) => {
  const { writer, client } = await serveOne(t, 60000)
  client.pause()
  const frame = `data: ${'x'.repeat(1024 * 1024)}\n\n`
  let pending: Promise<boolean> | undefined
  for (let i = 0; i < 200 && pending === undefined; i++) {
    let settled = false
    const write = writer.write(frame).then((value) => { settled = true; return value })
    await tick()
    if (!settled) pending = write
  }
  assert.ok(pending, 'a write waited for the socket')
  client.resume()
  assert.equal(await pending, true)
  writer.end()
})

test('a write waiting for drain resolves false when the client goes away, and onClose runs', async (t) => {
  const { writer, client, closed } = await serveOne(t, 60000)
  client.pause()
  const frame = `data: ${'y'.repeat(1024 * 1024)}\n\n`
  let result: Promise<boolean> | undefined
  for (let i = 0; i < 200; i++) {
    result = writer.write(frame)
    let settled = false
    result.then(() => { settled = true }, () => {})
    await tick()
    if (!settled) break
  }
  client.destroy()
  await closed
  assert.equal(await result, false)
  assert.equal(writer.closed, true)
  assert.equal(await writer.write('data: {}\n\n'), false)
})

test('frames put id, event and data in that order; end carries usage only when known', () => {
  assert.equal(formatEvent({ type: 'content', id: '7', text: 'a\nb' }), 'id: 7\nevent: content\ndata: {"response":"a\\nb"}\n\n')
  assert.equal(
    formatEvent({ type: 'end', id: '8', result: 'INCOMPLETE_MAX_TOKENS', sessionId: 's', model: 'openai:m' }),
    'id: 8\nevent: end\ndata: {"response":"INCOMPLETE_MAX_TOKENS","sessionId":"s","model":"openai:m"}\n\n'
  )
  assert.equal(formatEvent({ type: 'error', id: '9', code: 'AI_X', message: 'm' }), 'id: 9\nevent: error\ndata: {"code":"AI_X","message":"m"}\n\n')
})

test('send writes without a promise until the socket is full; ready() waits for drain, and is false once the client left', async (t) => {
  const { writer, client, closed } = await serveOne(t, 60000)
  t.after(() => client.destroy())
  client.pause()
  const frame = `data: ${'z'.repeat(1024 * 1024)}\n\n`
  let pending: Promise<boolean> | undefined
  for (let i = 0; i < 200 && pending === undefined; i++) {
    if (writer.send(frame)) {
      await tick()
      continue
    }
    // Asked at once: by the next turn the kernel may have taken the bytes already.
    let settled = false
    const ready = writer.ready().then((value) => { settled = true; return value })
    await tick()
    if (!settled) pending = ready
  }
  assert.ok(pending, 'ready() waited for a full socket')
  client.resume()
  assert.equal(await pending, true)
  client.destroy()
  await closed
  assert.equal(writer.send('data: {}\n\n'), false)
  assert.equal(await writer.ready(), false)
})
