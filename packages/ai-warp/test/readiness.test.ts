import assert from 'node:assert'
import { test } from 'node:test'
import { startValkeyServer, valkeyMissing } from '../../ai-provider/test/helpers/valkey-server.ts'
import { mockAiSection, startAiWarp } from './helpers/ai-warp.ts'

test('memory store: ready', async (t) => {
  const { app } = await startAiWarp(t, (mock) => ({ ai: mockAiSection(mock) }))
  assert.deepStrictEqual(await app.getCustomReadinessCheck(), { status: true })
})

test('valkey store: readiness follows the connection', { skip: valkeyMissing() }, async (t) => {
  const valkey = await startValkeyServer()
  t.after(() => valkey.close())
  const { app, request } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock, { storage: { type: 'valkey', url: valkey.url, keyPrefix: `readiness-${process.pid}:`, commandTimeout: 300, connectTimeout: 300 } })
  }))
  assert.deepStrictEqual(await app.getCustomReadinessCheck(), { status: true })
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'stored in valkey' } })).statusCode, 200)

  if (valkey.skipControl !== undefined) {
    t.diagnostic(`outage not tested: ${valkey.skipControl}`)
    return
  }
  await valkey.stop()
  assert.deepStrictEqual(await app.getCustomReadinessCheck(), { status: false, statusCode: 503, body: 'AI Warp store unavailable' })

  await valkey.start()
  let ready: unknown
  for (let attempt = 0; attempt < 50; attempt++) {
    ready = await app.getCustomReadinessCheck()
    if ((ready as { status: boolean }).status) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.deepStrictEqual(ready, { status: true }, 'ready again once Valkey is back')
})
