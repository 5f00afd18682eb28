// A Valkey outage used to log a full stack trace for every failed request (170-200 lines per 5 s
// outage). An operator should read one line per failed request, with its code, and one warning
// with the cause per outage. A real gateway on a private redis-server, stopped mid-run.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import pino from 'pino'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { startValkeyServer } from '../../ai-provider/test/helpers/valkey-server.ts'
import fastifyAi from '../src/index.ts'
import { defaultOptions, postJson } from './helpers/gateway.ts'

const server = await startValkeyServer()
after(() => server.close())

interface LogLine {
  level: number
  msg: string
  code?: string
  err?: { stack?: string }
  [key: string]: unknown
}

const WARN = 40

test('a Valkey outage logs one line per failed request with its code, no stack, and one warning with the cause', { skip: server.skipControl }, async (t) => {
  const lines: LogLine[] = []
  const sink = new Writable({
    write (chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line))
      callback()
    }
  })
  const mock = await createMockProvider()
  const app = Fastify({ loggerInstance: pino({ level: 'info' }, sink) })
  t.after(async () => {
    await app.close()
    await mock.close()
  })
  await app.register(fastifyAi, {
    ...defaultOptions(mock.url),
    routes: true,
    storage: { type: 'valkey', url: server.url, keyPrefix: `outage-logs-${Date.now()}:`, commandTimeout: 500 }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const url = `http://127.0.0.1:${address.port}`
  const before = await (await postJson(`${url}/api/v1/prompt`, { prompt: 'before' })).json()

  await server.stop()
  const from = lines.length
  const failed = [
    await postJson(`${url}/api/v1/prompt`, { prompt: 'during' }),
    await postJson(`${url}/api/v1/prompt`, { prompt: 'during', sessionId: before.sessionId }),
    await postJson(`${url}/api/v1/stream`, { prompt: 'during' }),
    await fetch(`${url}/api/v1/sessions/${before.sessionId}`),
    await postJson(`${url}/v1/chat/completions`, { model: 'default', messages: [{ role: 'user', content: 'during' }] })
  ]
  for (const response of failed) {
    assert.equal(response.status, 503)
    await response.arrayBuffer()
  }
  // Reconnection attempts go on meanwhile: they must not add a line each.
  await sleep(1500)
  const outage = lines.slice(from)

  const withStack = outage.filter((line) => JSON.stringify(line).includes('\\n    at '))
  assert.deepEqual(withStack.map((line) => line.msg), [], 'no stack trace')
  const perRequest = outage.filter((line) => line.code === 'AI_STORAGE_UNAVAILABLE')
  assert.equal(perRequest.length, failed.length, 'one line per failed request, with the code')
  for (const line of perRequest) {
    assert.equal(line.level, WARN)
    assert.match(line.msg, /Storage is unavailable/)
  }
  const warnings = outage.filter((line) => line.level >= WARN && line.code !== 'AI_STORAGE_UNAVAILABLE')
  assert.equal(warnings.length, 1, `one warning for the outage, got ${JSON.stringify(warnings.map((line) => line.msg))}`)
  assert.equal(warnings[0].level, WARN)
  assert.match(warnings[0].msg, /Valkey connection failed/)
  assert.match(String(warnings[0].cause), /ECONNREFUSED|ECONNRESET|closed/)

  await server.start()
  const deadline = Date.now() + 10000
  while ((await postJson(`${url}/api/v1/prompt`, { prompt: 'after' })).status !== 200) {
    assert.ok(Date.now() < deadline, 'the gateway serves again')
    await sleep(100)
  }
  assert.ok(lines.some((line) => line.msg === 'Valkey connection restored'))
})
