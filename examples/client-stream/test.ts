import assert from 'node:assert'
import { test } from 'node:test'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { create } from '@platformatic/ai-warp'
import { streamTo } from './stream.ts'
import { runAgent } from './agent.ts'

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

test('the agent loop runs the tool the model calls and sends its result back', async (t) => {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const app = await create(import.meta.dirname, {
    server: { hostname: '127.0.0.1', port: 0, logger: { level: 'silent' } },
    ai: { providers: { gemini: { apiKey: 'example-key', baseUrl: mock.url } }, models: ['gemini:gemini-2.5-flash'] }
  })
  t.after(() => app.stop())
  const url = String(await app.start({ listen: true }))

  // The model calls the tool first; then, given its result, it answers (the mock echoes it).
  mock.enqueue('gemini-2.5-flash', { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', thoughtSignature: 'c2lnbmF0dXJl' }] })
  const lines: string[] = []
  const { text, steps } = await runAgent({ url, question: 'What is the weather in Paris?', log: (line) => lines.push(line) })
  assert.strictEqual(steps, 2)
  assert.strictEqual(text, 'Echo: {"city":"Paris","temperature":21,"sky":"clear"}')
  assert.ok(lines.includes('\n-> get_weather({"city":"Paris"})\n'))
  // The second request carried the result under the call's name, after the call and its signature.
  const contents = mock.requests[1].body.contents
  assert.deepStrictEqual(contents.at(-2).parts[0].thoughtSignature, 'c2lnbmF0dXJl')
  assert.deepStrictEqual(contents.at(-1).parts, [{ functionResponse: { name: 'get_weather', response: { city: 'Paris', temperature: 21, sky: 'clear' } } }])
})
