import assert from 'node:assert'
import { test } from 'node:test'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { create } from '@platformatic/ai-warp'
import { streamTo } from './stream.ts'

test('streams an answer from AI Warp, piece by piece', async (t) => {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const app = await create(import.meta.dirname, {
    server: { hostname: '127.0.0.1', port: 0, logger: { level: 'silent' } },
    ai: { providers: { openai: { apiKey: 'sk-example', baseUrl: mock.url } }, models: ['openai:gpt-4o-mini'] }
  })
  t.after(() => app.stop())
  const url = String(await app.start({ listen: true }))

  mock.setBehaviour('gpt-4o-mini', { deltas: ['Once ', 'upon ', 'a ', 'time.'], deltaDelayMs: 5 })
  const pieces: string[] = []
  const { result } = await streamTo({ url, prompt: 'a story', write: (text) => pieces.push(text) })
  assert.deepStrictEqual(pieces, ['Once ', 'upon ', 'a ', 'time.'])
  assert.strictEqual(result, 'COMPLETE')
})
