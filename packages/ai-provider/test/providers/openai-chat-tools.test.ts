// Tools, images, files and response formats over real HTTP, for every provider of the OpenAI
// Chat Completions format (OpenAI, DeepSeek, openai-compatible), against the mock provider.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider, requestMedia } from '@platformatic/ai-mock-provider'
import type { MockProvider } from '@platformatic/ai-mock-provider'
import { createProviderClient } from '../../src/transport/provider-client.ts'
import type { ProviderClient } from '../../src/provider.ts'
import type { ProviderType } from '../../src/types.ts'
import { collect, providerOptions, silentLogger } from './provider-suite.ts'
import { EMAIL, WEATHER, toolInput } from './tool-fixtures.ts'

const timeout = { timeout: 5000 }
const model = 'tool-model'

const providers: Array<{ type: ProviderType, baseUrl: (url: string) => string, maxTokensField: string }> = [
  { type: 'openai', baseUrl: (url) => url, maxTokensField: 'max_completion_tokens' },
  { type: 'deepseek', baseUrl: (url) => url, maxTokensField: 'max_tokens' },
  { type: 'openai-compatible', baseUrl: (url) => url + '/v1', maxTokensField: 'max_tokens' }
]

for (const provider of providers) {
  let mock: MockProvider
  let client: ProviderClient

  test.before(async function startMock () {
    mock = await createMockProvider()
    client = createProviderClient(providerOptions(provider.type, provider.baseUrl(mock.url)), { logger: silentLogger })
  })
  test.after(async function stopMock () {
    await client.close()
    await mock.close()
  })

  test(`${provider.type}: tools, tool choice, parallel calls, response format, parts and history are sent field by field`, async function () {
    mock.reset()
    const answer = await client.complete(model, { ...toolInput, maxTokens: 50 }, timeout)
    assert.deepEqual(JSON.parse(answer.text), { echo: '22C' }, 'JSON mode answers the tool result')
    const { body } = mock.requests[0]
    assert.deepEqual(body.tools, [
      { type: 'function', function: { name: 'get_weather', description: 'The weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true } },
      { type: 'function', function: { name: 'send_email' } }
    ])
    assert.equal(body.tool_choice, 'required')
    assert.equal(body.parallel_tool_calls, true)
    assert.deepEqual(body.response_format, { type: 'json_schema', json_schema: { name: 'report', schema: { type: 'object' }, strict: true } })
    assert.equal(body[provider.maxTokensField], 50)
    assert.deepEqual(body.messages.slice(2), [
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '22C' }
    ])
    assert.deepEqual(requestMedia(mock.requests[0]), [
      { kind: 'image', message: 1, url: 'data:image/png;base64,iVBORw0KGgo=', mediaType: 'image/png', detail: 'high' },
      { kind: 'file', message: 1, url: 'data:application/pdf;base64,JVBERi0=', mediaType: 'application/pdf', filename: 'report.pdf' }
    ])
  })

  test(`${provider.type}: a tool-call answer without text is an answer: TOOL_CALLS with the calls in order`, async function () {
    mock.reset()
    mock.enqueue(model, { toolCalls: [{ ...WEATHER, id: 'call_w' }, EMAIL], usage: false })
    const answer = await client.complete(model, toolInput, timeout)
    assert.equal(answer.text, '')
    assert.equal(answer.result, 'TOOL_CALLS')
    assert.deepEqual(answer.toolCalls?.[0], { id: 'call_w', ...WEATHER })
    assert.match(answer.toolCalls?.[1].id ?? '', /^call_/)
    assert.deepEqual({ name: answer.toolCalls?.[1].name, arguments: answer.toolCalls?.[1].arguments }, EMAIL)
  })

  test(`${provider.type}: a stream of parallel calls split awkwardly (names, strings, escapes, network chunks) is assembled right`, async function () {
    mock.reset()
    mock.enqueue(model, { text: 'Let me check. ', toolCalls: [{ ...WEATHER, id: 'call_w' }, { ...EMAIL, id: 'call_e' }], awkwardToolDeltas: true, splitFrames: true, usage: { promptTokens: 9, completionTokens: 7 } })
    const events = await collect(client.stream(model, toolInput, timeout))
    assert.deepEqual(events, [
      { type: 'delta', text: 'Let ' },
      { type: 'delta', text: 'me ' },
      { type: 'delta', text: 'check. ' },
      { type: 'tool_call', index: 0, toolCall: { id: 'call_w', ...WEATHER } },
      { type: 'tool_call', index: 1, toolCall: { id: 'call_e', ...EMAIL } },
      { type: 'end', result: 'TOOL_CALLS', usage: { promptTokens: 9, completionTokens: 7, totalTokens: 16 } }
    ])
  })

  test(`${provider.type}: malformed arguments are passed on as they were, complete and streamed`, async function () {
    mock.reset()
    const broken = { id: 'call_b', name: 'get_weather', arguments: '{"city": "Par' }
    mock.enqueue(model, { toolCalls: [broken] }, { toolCalls: [broken] })
    const answer = await client.complete(model, toolInput, timeout)
    assert.deepEqual(answer.toolCalls, [broken])
    const events = await collect(client.stream(model, toolInput, timeout))
    assert.deepEqual(events[0], { type: 'tool_call', index: 0, toolCall: broken })
    assert.equal(events.at(-1)?.type, 'end')
  })

  test(`${provider.type}: usage with cached and reasoning tokens`, async function () {
    mock.reset()
    const usage = { promptTokens: 100, completionTokens: 30, cachedTokens: 64, reasoningTokens: 20 }
    mock.enqueue(model, { text: 'ok', usage }, { text: 'ok', usage })
    const expected = { promptTokens: 100, completionTokens: 30, totalTokens: 130, cachedPromptTokens: 64, reasoningTokens: 20 }
    assert.deepEqual((await client.complete(model, toolInput, timeout)).usage, expected)
    const events = await collect(client.stream(model, toolInput, timeout))
    assert.deepEqual(events.at(-1), { type: 'end', result: 'COMPLETE', usage: expected })
  })
}
