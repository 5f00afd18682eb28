import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setup } from '../helpers/ai.ts'
import type { ObservedRequest } from '../../src/observer.ts'
import { normalizeOptions } from '../../src/options.ts'
import type { AiOptions } from '../../src/types.ts'
import type { MockProvider } from '@platformatic/ai-mock-provider'

// A chain of a local OpenAI-compatible server (text only by default) and OpenAI.
function localThenOpenAi (capabilities?: Record<string, boolean>) {
  return function build (mock: MockProvider): Partial<AiOptions> {
    return {
      providers: {
        local: { type: 'openai-compatible', apiKey: 'k', baseUrl: mock.url + '/v1' },
        openai: { apiKey: 'k', baseUrl: mock.url }
      },
      models: [capabilities === undefined ? 'local:small' : { provider: 'local', model: 'small', capabilities }, 'openai:big']
    }
  }
}

test('a model that cannot serve the request is skipped, never asked, not cooled down', async function (t) {
  const { ai, mock } = await setup(t, localThenOpenAi())
  const seen: ObservedRequest[] = []
  ai.observe({ requestEnd (request) { seen.push(request) } })
  const response = await ai.request({ prompt: 'JSON please', responseFormat: { type: 'json_object' } })
  assert.equal(response.model, 'openai:big')
  assert.equal(mock.requests.length, 1)
  assert.equal(mock.requests[0].model, 'big')
  assert.deepEqual(mock.requests[0].body.response_format, { type: 'json_object' })
  assert.deepEqual(seen[0].misses, [{ model: 'local:small', code: 'AI_MODEL_UNSUPPORTED' }])
  // The skipped model stays ready: a plain prompt is answered by it.
  const plain = await ai.request({ prompt: 'hello' })
  assert.equal(plain.model, 'local:small')
  const statuses = await ai.models()
  assert.equal(statuses[0].state, 'ready')
  assert.deepEqual(statuses[0].capabilities, { tools: false, streamingTools: false, vision: false, files: false, jsonSchema: false, jsonObject: false })
  assert.equal(statuses[1].capabilities.tools, true)
})

test('no candidate can: 400 AI_UNSUPPORTED_FEATURE naming the feature, before any upstream call', async function (t) {
  const { ai, mock } = await setup(t, localThenOpenAi())
  const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: {} } }]
  await assert.rejects(ai.request({ prompt: 'weather?', tools, models: ['local:small'] }), (error: Error & { code?: string, statusCode?: number }) => {
    assert.equal(error.code, 'AI_UNSUPPORTED_FEATURE')
    assert.equal(error.statusCode, 400)
    assert.match(error.message, /serve tools/)
    assert.match(error.message, /local:small/)
    return true
  })
  await assert.rejects(ai.stream({ messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/a.png' }] }], models: ['local:small'] }), { code: 'AI_UNSUPPORTED_FEATURE' })
  assert.equal(mock.requestCount, 0)
})

test('a model\'s capabilities override its provider\'s defaults', async function (t) {
  const { ai, mock } = await setup(t, localThenOpenAi({ jsonObject: true }))
  const seen: ObservedRequest[] = []
  ai.observe({ requestEnd (request) { seen.push(request) } })
  const response = await ai.request({ prompt: 'JSON please', responseFormat: { type: 'json_object' } })
  assert.deepEqual(seen[0].misses, [])
  assert.equal(response.model, 'local:small')
  assert.equal(mock.requests[0].path, '/v1/chat/completions')
})

test('capabilities in the options are checked', function () {
  const base = { providers: { openai: { apiKey: 'k' } } }
  assert.throws(() => normalizeOptions({ ...base, models: [{ provider: 'openai', model: 'a', capabilities: { vision: 'yes' as never } }] }), /models\[0\]\.capabilities\.vision must be a boolean/)
  assert.throws(() => normalizeOptions({ ...base, models: [{ provider: 'openai', model: 'a', capabilities: { telepathy: true } as never }] }), /telepathy/)
  const options = normalizeOptions({ providers: { deepseek: { apiKey: 'k' } }, models: ['deepseek:deepseek-chat', { provider: 'deepseek', model: 'v', capabilities: { vision: true } }] })
  assert.equal(options.models[0].capabilities.vision, false)
  assert.equal(options.models[0].capabilities.tools, true)
  assert.equal(options.models[1].capabilities.vision, true)
})

test('a session\'s history counts: a plain follow-up of an image turn is not sent to a text-only model', async (t) => {
  const { ai, mock } = await setup(t, localThenOpenAi())
  const image = { type: 'image' as const, url: 'data:image/png;base64,iVBORw0KGgo=' }
  const first = await ai.request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, image] }] })
  assert.equal(first.model, 'openai:big')
  const second = await ai.request({ prompt: 'and its colour?', sessionId: first.sessionId })
  assert.equal(second.model, 'openai:big')
  assert.deepEqual(mock.requests.map((request) => request.model), ['big', 'big'], 'the text-only model never got the image')
  const streamed = await ai.stream({ prompt: 'and its size?', sessionId: first.sessionId })
  assert.equal(streamed.model, 'openai:big')
  for await (const event of streamed.events) if (event.type === 'end' || event.type === 'error') break
  // Only the text-only model left: 400, the session's image needs vision.
  await assert.rejects(ai.request({ prompt: 'again?', sessionId: first.sessionId, models: ['local:small'] }), { code: 'AI_UNSUPPORTED_FEATURE', statusCode: 400 })
  await assert.rejects(ai.stream({ prompt: 'again?', sessionId: first.sessionId, models: ['local:small'] }), { code: 'AI_UNSUPPORTED_FEATURE' })
  assert.equal(mock.requests.filter((request) => request.model === 'small').length, 0)
  // A refused request is not a turn of the session.
  assert.equal((await ai.getSession(first.sessionId)).turns.length, 3)
})
