import assert from 'node:assert/strict'
import { test } from 'node:test'
import { post, rawPost, startMock } from './helper.ts'

const MESSAGES = '/v1/messages'
const AUTH = { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }
const WEATHER = { name: 'get_weather', arguments: '{"city":"Paris"}' }

function body (extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: 'claude', max_tokens: 100, system: 'be brief', messages: [{ role: 'user', content: 'hello there' }], ...extra })
}

/** The named events of an Anthropic stream: `event:` and the data's `type` agree on every one. */
function eventsOf (text: string): any[] {
  return text.split('\n\n').filter((frame) => frame !== '').map(function readFrame (frame) {
    const [eventLine, dataLine] = frame.split('\n')
    assert.match(eventLine, /^event: /)
    const data = JSON.parse(dataLine.slice('data: '.length))
    assert.equal(data.type, eventLine.slice('event: '.length))
    return data
  })
}

test('Anthropic answer: message with text, end_turn, usage without the cached tokens in input_tokens; recorded', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('claude', { usage: { promptTokens: 100, completionTokens: 5, cachedTokens: 60, cacheCreationTokens: 30 } })
  const response = await post(mock, MESSAGES, body(), AUTH)
  assert.equal(response.status, 200)
  const answer = await response.json()
  assert.equal(answer.type, 'message')
  assert.match(answer.id, /^msg_/)
  assert.deepEqual(answer.content, [{ type: 'text', text: 'Echo: hello there' }])
  assert.equal(answer.stop_reason, 'end_turn')
  assert.deepEqual(answer.usage, { input_tokens: 10, cache_creation_input_tokens: 30, cache_read_input_tokens: 60, output_tokens: 5, service_tier: 'standard' })
  assert.equal(mock.requests[0].provider, 'anthropic')
  assert.equal(mock.requests[0].model, 'claude')
  assert.equal(mock.requests[0].headers['x-api-key'], 'sk-ant-test')
})

test('Anthropic stream: message_start, ping, thinking with its signature, text, tool_use in input_json_delta fragments, message_delta, message_stop', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('claude', { thinking: 'The user wants weather.', text: 'Let me look.', toolCalls: [WEATHER] })
  const response = await post(mock, MESSAGES, body({ stream: true }), AUTH)
  const events = eventsOf(await response.text())
  assert.deepEqual(events.slice(0, 3).map((event) => event.type), ['message_start', 'ping', 'content_block_start'])
  assert.equal(events[2].content_block.type, 'thinking')
  const thinking = events.filter((event) => event.delta?.type === 'thinking_delta').map((event) => event.delta.thinking).join('')
  assert.equal(thinking, 'The user wants weather.')
  const signature = events.find((event) => event.delta?.type === 'signature_delta')
  assert.match(signature.delta.signature, /^sig_/)
  const text = events.filter((event) => event.delta?.type === 'text_delta').map((event) => event.delta.text).join('')
  assert.equal(text, 'Let me look.')
  const toolStart = events.find((event) => event.content_block?.type === 'tool_use')
  assert.equal(toolStart.content_block.name, 'get_weather')
  assert.equal(toolStart.index, 2)
  const input = events.filter((event) => event.delta?.type === 'input_json_delta')
  assert.ok(input.length > 1)
  assert.deepEqual(JSON.parse(input.map((event) => event.delta.partial_json).join('')), { city: 'Paris' })
  assert.deepEqual(events.slice(-2).map((event) => event.type), ['message_delta', 'message_stop'])
  assert.equal(events.at(-2).delta.stop_reason, 'tool_use')
})

test('Anthropic tool loop with thinking enabled: refused without the thinking block or with an unknown signature, accepted with the issued one', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('claude', { thinking: 'Need the weather tool.', toolCalls: [WEATHER] })
  const thinking = { type: 'enabled', budget_tokens: 1024 }
  const first = await (await post(mock, MESSAGES, body({ thinking }), AUTH)).json()
  const [thought, call] = first.content
  assert.equal(thought.type, 'thinking')
  assert.equal(call.type, 'tool_use')

  const result = { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '22C' }] }
  const loop = (assistant: unknown[]): string => body({ thinking, messages: [{ role: 'user', content: 'weather?' }, { role: 'assistant', content: assistant }, result] })

  const without = await post(mock, MESSAGES, loop([call]), AUTH)
  assert.equal(without.status, 400)
  const refusal = await without.json()
  assert.equal(refusal.type, 'error')
  assert.equal(refusal.error.type, 'invalid_request_error')
  assert.match(refusal.error.message, /Expected `thinking` or `redacted_thinking`, but found `tool_use`/)

  const forged = await post(mock, MESSAGES, loop([{ ...thought, signature: 'forged' }, call]), AUTH)
  assert.equal(forged.status, 400)
  assert.match((await forged.json()).error.message, /Invalid `signature`/)

  const accepted = await post(mock, MESSAGES, loop([thought, call]), AUTH)
  assert.equal(accepted.status, 200)
  assert.deepEqual((await accepted.json()).content, [{ type: 'text', text: 'Echo: 22C' }])
})

test('Anthropic faults: 529 overloaded_error, 429 with retry-after and anthropic-ratelimit headers, missing version or max_tokens, wrong key', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('claude', { status: 529 }, { status: 429, retryAfter: '7' })
  const overloaded = await post(mock, MESSAGES, body(), AUTH)
  assert.equal(overloaded.status, 529)
  assert.deepEqual((await overloaded.json()).error, { type: 'overloaded_error', message: 'Overloaded' })

  const limited = await post(mock, MESSAGES, body(), AUTH)
  assert.equal(limited.status, 429)
  assert.equal(limited.headers.get('retry-after'), '7')
  assert.equal(limited.headers.get('anthropic-ratelimit-requests-remaining'), '0')
  assert.ok(!Number.isNaN(Date.parse(limited.headers.get('anthropic-ratelimit-requests-reset') ?? '')))
  assert.equal((await limited.json()).error.type, 'rate_limit_error')

  const noVersion = await post(mock, MESSAGES, body(), { 'x-api-key': 'k', 'content-type': 'application/json' })
  assert.equal(noVersion.status, 400)
  assert.match((await noVersion.json()).error.message, /anthropic-version/)
  const noMax = await post(mock, MESSAGES, JSON.stringify({ model: 'claude', messages: [] }), AUTH)
  assert.equal(noMax.status, 400)
  assert.match((await noMax.json()).error.message, /max_tokens/)
  const noKey = await post(mock, MESSAGES, body(), { 'anthropic-version': '2023-06-01', 'content-type': 'application/json' })
  assert.equal(noKey.status, 401)
  assert.equal((await noKey.json()).error.type, 'authentication_error')
})

test('Anthropic stream faults: an in-band error event after the first delta; frames split across writes', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('claude', { inBandErrorAfter: 1 }, { splitFrames: true })
  const failed = await (await post(mock, MESSAGES, body({ stream: true }), AUTH)).text()
  const events = eventsOf(failed)
  assert.deepEqual(events.at(-1), { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })
  assert.equal(events.filter((event) => event.delta?.type === 'text_delta').length, 1)

  const { status, chunks } = await rawPost(mock, MESSAGES, body({ stream: true }), AUTH)
  assert.equal(status, 200)
  assert.ok(chunks.length > eventsOf(Buffer.concat(chunks).toString()).length)
  const text = eventsOf(Buffer.concat(chunks).toString()).filter((event) => event.delta?.type === 'text_delta').map((event) => event.delta.text).join('')
  assert.equal(text, 'Echo: hello there')
})
