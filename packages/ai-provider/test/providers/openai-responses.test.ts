// `api: "responses"`: OpenAI and an OpenAI-compatible server reached through the Responses API,
// over real HTTP against the mock provider's /v1/responses: every fault of the shared suite, then
// tools, images, JSON, reasoning across turns, and what options refuse.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider, requestMedia } from '@platformatic/ai-mock-provider'
import type { MockProvider } from '@platformatic/ai-mock-provider'
import { createProviderClient } from '../../src/transport/provider-client.ts'
import type { ProviderClient, ProviderInput } from '../../src/provider.ts'
import { normalizeOptions } from '../../src/options.ts'
import type { ProviderType } from '../../src/types.ts'
import { collect, providerOptions, providerSuite, silentLogger } from './provider-suite.ts'
import { EMAIL, WEATHER, toolInput as chatToolInput } from './tool-fixtures.ts'

providerSuite({
  type: 'openai',
  api: 'responses',
  baseUrl: (mockUrl) => mockUrl,
  completePath: () => '/v1/responses',
  streamPath: () => '/v1/responses',
  maxTokensReason: 'length',
  missingKeyStatus: 401
})

providerSuite({
  type: 'openai-compatible',
  api: 'responses',
  baseUrl: (mockUrl) => mockUrl + '/v1',
  completePath: () => '/v1/responses',
  streamPath: () => '/v1/responses',
  maxTokensReason: 'length',
  missingKeyStatus: 401
})

const timeout = { timeout: 5000 }
const model = 'resp-model'
const toolInput: ProviderInput = { ...chatToolInput, maxTokens: 50, stop: ['END'] }

const providers: Array<{ type: ProviderType, baseUrl: (url: string) => string }> = [
  { type: 'openai', baseUrl: (url) => url },
  { type: 'openai-compatible', baseUrl: (url) => url + '/v1' }
]

for (const provider of providers) {
  let mock: MockProvider
  let client: ProviderClient
  const name = `${provider.type} (responses)`

  test.before(async function startMock () {
    mock = await createMockProvider()
    client = createProviderClient(providerOptions(provider.type, provider.baseUrl(mock.url), { api: 'responses' }), { logger: silentLogger })
  })
  test.after(async function stopMock () {
    await client.close()
    await mock.close()
  })

  test(`${name}: tools, parts, history and JSON go out as Responses fields, accepted by the API's own checks`, async function () {
    mock.reset()
    const answer = await client.complete(model, toolInput, timeout)
    assert.deepEqual(JSON.parse(answer.text), { echo: '22C' }, 'JSON mode answers the tool result')
    const { body, path } = mock.requests[0]
    assert.equal(path, '/v1/responses')
    assert.equal(body.store, false)
    assert.equal(body.max_output_tokens, 50)
    assert.equal(body.stop, undefined, 'the API has no stop sequences (the mock refuses unknown parameters)')
    assert.deepEqual(body.tools, [
      { type: 'function', name: 'get_weather', description: 'The weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true },
      { type: 'function', name: 'send_email', parameters: { type: 'object', properties: {} }, strict: false }
    ])
    assert.equal(body.tool_choice, 'required')
    assert.deepEqual(body.text, { format: { type: 'json_schema', name: 'report', schema: { type: 'object' }, strict: true } })
    assert.deepEqual(body.input.slice(2), [
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { type: 'function_call_output', call_id: 'call_1', output: '22C' }
    ])
    const media = requestMedia(mock.requests[0]).map(({ kind, url }) => ({ kind, url }))
    assert.deepEqual(media, [
      { kind: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
      { kind: 'file', url: 'data:application/pdf;base64,JVBERi0=' }
    ])
  })

  test(`${name}: a tool-call answer, complete and streamed with awkward deltas and split frames`, async function () {
    mock.reset()
    const calls = [{ ...WEATHER, id: 'call_w' }, { ...EMAIL, id: 'call_e' }]
    mock.enqueue(model, { toolCalls: calls, usage: false }, { text: 'Let me check. ', toolCalls: calls, awkwardToolDeltas: true, splitFrames: true, usage: { promptTokens: 9, completionTokens: 7 } })
    const answer = await client.complete(model, toolInput, timeout)
    assert.deepEqual(answer, { text: '', result: 'TOOL_CALLS', toolCalls: calls })
    const events = await collect(client.stream(model, toolInput, timeout))
    assert.deepEqual(events, [
      { type: 'delta', text: 'Let ' },
      { type: 'delta', text: 'me ' },
      { type: 'delta', text: 'check. ' },
      { type: 'tool_call', index: 0, toolCall: calls[0] },
      { type: 'tool_call', index: 1, toolCall: calls[1] },
      { type: 'end', result: 'TOOL_CALLS', usage: { promptTokens: 9, completionTokens: 7, totalTokens: 16 } }
    ])
  })

  test(`${name}: usage with cached and reasoning tokens, complete and streamed`, async function () {
    mock.reset()
    const usage = { promptTokens: 100, completionTokens: 30, cachedTokens: 64, reasoningTokens: 20 }
    mock.enqueue(model, { text: 'ok', usage }, { text: 'ok', usage })
    const expected = { promptTokens: 100, completionTokens: 30, totalTokens: 130, cachedPromptTokens: 64, reasoningTokens: 20 }
    assert.deepEqual((await client.complete(model, toolInput, timeout)).usage, expected)
    const events = await collect(client.stream(model, toolInput, timeout))
    assert.deepEqual(events.at(-1), { type: 'end', result: 'COMPLETE', usage: expected })
  })

  test(`${name}: reasoning comes back with its encrypted content and goes back to its model only`, async function () {
    mock.reset()
    mock.enqueue(model, { reasoning: 'Think first.', toolCalls: [{ ...WEATHER, id: 'call_r' }] }, { reasoning: 'Again.', text: 'Done.' })
    // `thinking` asks for a summary of the reasoning (the API gives none otherwise).
    const first = await client.complete(model, { messages: [{ role: 'user', content: 'Weather?' }], thinking: { budgetTokens: 1024 } }, timeout)
    assert.deepEqual(mock.requests[0].body.reasoning, { summary: 'auto' })
    assert.deepEqual(mock.requests[0].body.include, provider.type === 'openai' ? ['reasoning.encrypted_content'] : undefined)
    assert.equal(first.reasoning?.length, 1)
    assert.equal(first.reasoning?.[0].text, 'Think first.')
    const data = first.reasoning?.[0].providerData?.openai
    assert.ok(typeof data?.encryptedContent === 'string' && data.encryptedContent !== '')
    const history: ProviderInput = {
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: '', toolCalls: first.toolCalls, reasoning: first.reasoning },
        { role: 'tool', toolCallId: 'call_r', content: 'sunny' }
      ]
    }
    // The mock verifies encrypted content it issued, as OpenAI does: a forged one would be a 400.
    const events = await collect(client.stream(model, history, timeout))
    assert.deepEqual(events.filter((event) => event.type === 'delta').map((event) => event.text).join(''), 'Done.')
    const again = events.find((event) => event.type === 'reasoning')
    assert.ok(again?.type === 'reasoning' && again.reasoning.text === '', 'a reasoning block without summary: none was asked for')
    const sent = mock.requests[1].body.input
    assert.deepEqual(sent[1], { type: 'reasoning', id: data.id, summary: [{ type: 'summary_text', text: 'Think first.' }], encrypted_content: data.encryptedContent })
    // Another model of the same provider does not get it.
    await client.complete('other-model', history, timeout)
    assert.equal(mock.requests[2].body.input.some((item: { type?: string }) => item.type === 'reasoning'), false)
  })

  test(`${name}: a response failed midway fails the stream after the deltas before it`, async function () {
    mock.reset()
    mock.enqueue(model, { deltas: ['a ', 'b ', 'c'], inBandErrorAfter: 2 })
    const seen: string[] = []
    await assert.rejects(async () => {
      for await (const event of client.stream(model, toolInput, timeout)) {
        if (event.type === 'delta') seen.push(event.text)
      }
    }, { code: 'AI_PROVIDER_STREAM_ERROR' })
    assert.deepEqual(seen, ['a ', 'b '])
  })
}

test('options: api "responses" is for openai and openai-compatible providers only', function () {
  const base = { models: ['p:m'] }
  assert.equal(normalizeOptions({ ...base, providers: { p: { type: 'openai', apiKey: 'k', api: 'responses' } } }).providers.p.api, 'responses')
  assert.equal(normalizeOptions({ ...base, providers: { p: { type: 'openai', apiKey: 'k' } } }).providers.p.api, 'chat')
  assert.throws(() => normalizeOptions({ ...base, providers: { p: { type: 'gemini', apiKey: 'k', api: 'responses' } } }), /providers\.p\.api "responses" is for a provider of type openai or openai-compatible, not gemini/)
  assert.throws(() => normalizeOptions({ ...base, providers: { p: { type: 'openai', apiKey: 'k', api: 'completions' as never } } }), /providers\.p\.api must be one of chat, responses/)
})
