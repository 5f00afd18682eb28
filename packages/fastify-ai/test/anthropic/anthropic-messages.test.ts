import { test } from 'node:test'
import assert from 'node:assert/strict'
import type Anthropic from '@anthropic-ai/sdk'
import type { APIError } from '@anthropic-ai/sdk'
import { GEMINI_MODEL, OPENAI_MODEL, startAnthropicGateway } from './anthropic-gateway.ts'

const WEATHER_TOOL = {
  name: 'weather',
  description: 'The weather in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] }
}

test('messages.create answered by an OpenAI-format model has the Messages API shape', async (t) => {
  const { client, mock } = await startAnthropicGateway(t)
  const { data, response } = await client.messages.create({
    model: OPENAI_MODEL,
    max_tokens: 50,
    system: 'Be brief.',
    stop_sequences: ['END'],
    messages: [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: [{ type: 'text', text: 'second question' }] }
    ]
  }).withResponse()

  assert.match(data.id, /^msg_[A-Za-z0-9_-]{24}$/)
  assert.equal(data.type, 'message')
  assert.equal(data.role, 'assistant')
  assert.equal(data.model, OPENAI_MODEL)
  assert.deepEqual(data.content, [{ type: 'text', text: 'Echo: second question' }])
  assert.equal(data.stop_reason, 'end_turn')
  assert.equal(data.stop_sequence, null)
  assert.equal(typeof data.usage.input_tokens, 'number')
  assert.ok(data.usage.output_tokens > 0)
  assert.match(response.headers.get('request-id') ?? '', /^req_/)
  assert.match(response.headers.get('x-session-id') ?? '', /^[0-9a-f-]{36}$/)

  const upstream = mock.requests[0].body
  assert.equal(upstream.model, 'gpt-4o-mini')
  assert.deepEqual(upstream.stop, ['END'])
  assert.deepEqual(upstream.messages.map((message: { role: string, content: string }) => [message.role, message.content]), [
    ['system', 'Be brief.'],
    ['user', 'first question'],
    ['assistant', 'first answer'],
    ['user', 'second question']
  ])
})

test('temperature and top_p (which newer SDKs no longer type) reach the provider', async (t) => {
  const { baseURL, mock } = await startAnthropicGateway(t)
  const response = await fetch(`${baseURL}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: OPENAI_MODEL, max_tokens: 10, temperature: 0.2, top_p: 0.5, messages: [{ role: 'user', content: 'hi' }] })
  })
  assert.equal(response.status, 200)
  assert.equal(mock.requests[0].body.temperature, 0.2)
  assert.equal(mock.requests[0].body.top_p, 0.5)
})

test('messages.stream sends message_start, a text block, message_delta and message_stop, with event names', async (t) => {
  const { client, mock } = await startAnthropicGateway(t)
  mock.setBehaviour('gpt-4o-mini', { deltas: ['Hel', 'lo ', 'world'], usage: { promptTokens: 4, completionTokens: 3 } })
  const stream = client.messages.stream({ model: OPENAI_MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
  const events: Anthropic.MessageStreamEvent[] = []
  for await (const event of stream) events.push(event)
  const message = await stream.finalMessage()

  assert.deepEqual(events.map((event) => event.type), [
    'message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_delta',
    'content_block_stop', 'message_delta', 'message_stop'
  ])
  assert.deepEqual(message.content, [{ type: 'text', text: 'Hello world' }])
  assert.equal(message.stop_reason, 'end_turn')
  assert.deepEqual(message.usage, { input_tokens: 4, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 })
})

test('a raw stream has an event: line per frame and a ping after message_start', async (t) => {
  const { baseURL } = await startAnthropicGateway(t)
  const response = await fetch(`${baseURL}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'unused', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: OPENAI_MODEL, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] })
  })
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/)
  assert.match(response.headers.get('request-id') ?? '', /^req_/)
  const frames = (await response.text()).split('\n\n').filter(Boolean)
  for (const frame of frames) {
    const [eventLine, dataLine] = frame.split('\n')
    const type = eventLine.replace('event: ', '')
    assert.equal(JSON.parse(dataLine.replace('data: ', '')).type, type)
  }
  assert.deepEqual(frames.slice(0, 2).map((frame) => frame.split('\n')[0]), ['event: message_start', 'event: ping'])
  assert.equal(frames.at(-1)?.split('\n')[0], 'event: message_stop')
})

test('a tool call from an OpenAI-format model is a tool_use block, JSON and streamed, and the loop continues with a tool_result', async (t) => {
  const { client, mock } = await startAnthropicGateway(t)
  mock.enqueue('gpt-4o-mini', { text: 'Let me look.', toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Rome"}' }] })
  const first = await client.messages.create({ model: OPENAI_MODEL, max_tokens: 100, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Rome?' }] })
  assert.equal(first.stop_reason, 'tool_use')
  assert.deepEqual(first.content, [
    { type: 'text', text: 'Let me look.' },
    { type: 'tool_use', id: 'call_1', name: 'weather', input: { city: 'Rome' } }
  ])
  assert.deepEqual(mock.requests[0].body.tools, [{ type: 'function', function: { name: 'weather', description: 'The weather in a city', parameters: WEATHER_TOOL.input_schema } }])

  mock.enqueue('gpt-4o-mini', { toolCalls: [{ id: 'call_2', name: 'weather', arguments: '{"city":"Paris"}' }], awkwardToolDeltas: true })
  const stream = client.messages.stream({ model: OPENAI_MODEL, max_tokens: 100, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'And Paris?' }] })
  const streamed = await stream.finalMessage()
  assert.equal(streamed.stop_reason, 'tool_use')
  assert.deepEqual(streamed.content, [{ type: 'tool_use', id: 'call_2', name: 'weather', input: { city: 'Paris' } }])

  const second = await client.messages.create({
    model: OPENAI_MODEL,
    max_tokens: 100,
    tools: [WEATHER_TOOL],
    messages: [
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: '{"sky":"clear"}' }, { type: 'text', text: 'Thanks' }] }
    ]
  })
  assert.equal(second.stop_reason, 'end_turn')
  const upstream = mock.requests[2].body.messages
  assert.deepEqual(upstream.slice(1), [
    { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"clear"}' },
    { role: 'user', content: 'Thanks' }
  ])
})

test('an alias answered by a Gemini-format model: text, tool calls with their thought signature round-tripped in the id', async (t) => {
  const { client, mock } = await startAnthropicGateway(t)
  mock.enqueue('gemini-2.5-flash', { toolCalls: [{ name: 'weather', arguments: '{"city":"Rome"}', thoughtSignature: 'sig-rome' }], requireThoughtSignatures: true })
  const first = await client.messages.create({ model: 'claude-sonnet', max_tokens: 100, tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'Weather in Rome?' }] })
  assert.equal(first.model, GEMINI_MODEL)
  assert.equal(first.stop_reason, 'tool_use')
  const call = first.content[0]
  assert.ok(call.type === 'tool_use')
  assert.match(call.id, /^[a-zA-Z0-9_-]+$/)
  assert.deepEqual(call.input, { city: 'Rome' })

  mock.enqueue('gemini-2.5-flash', { text: 'Clear sky in Rome.', requireThoughtSignatures: true })
  const stream = client.messages.stream({
    model: 'claude-sonnet',
    max_tokens: 100,
    tools: [WEATHER_TOOL],
    messages: [
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'clear' }] }
    ]
  })
  const message = await stream.finalMessage()
  assert.deepEqual(message.content, [{ type: 'text', text: 'Clear sky in Rome.' }])
  const contents = mock.requests[1].body.contents
  assert.equal(contents[1].parts[0].thoughtSignature, 'sig-rome')
  assert.equal(contents[2].parts[0].functionResponse.name, 'weather')
})

test('countTokens answers an estimate for a configured model and 404 not_found_error for an unknown one', async (t) => {
  const { client, mock } = await startAnthropicGateway(t)
  const counted = await client.messages.countTokens({
    model: OPENAI_MODEL,
    system: 'You are a helpful assistant.',
    tools: [WEATHER_TOOL],
    messages: [{ role: 'user', content: 'What is the weather like in Rome today?' }]
  })
  assert.ok(counted.input_tokens > 10 && counted.input_tokens < 100, String(counted.input_tokens))
  assert.equal(mock.requests.length, 0)
  await assert.rejects(client.messages.countTokens({ model: 'claude-unknown', messages: [{ role: 'user', content: 'hi' }] }), (error: APIError) => {
    assert.equal(error.status, 404)
    assert.deepEqual(error.error, { type: 'error', error: { type: 'not_found_error', message: 'Model "claude-unknown" is not configured' }, request_id: error.requestID })
    return true
  })
})

test('countTokens for a Claude model is Anthropic\'s own count, forwarded; its history counts with the session header', async (t) => {
  const { client, mock } = await startAnthropicGateway(t, {
    plugin: (mockUrl) => ({
      providers: { anthropic: { apiKey: 'sk-ant', baseUrl: mockUrl }, openai: { apiKey: 'test-key', baseUrl: mockUrl } },
      models: ['anthropic:claude-sonnet-4-5', OPENAI_MODEL],
      openai: { aliases: {} }
    })
  })
  const counted = await client.messages.countTokens({
    model: 'claude-sonnet-4-5',
    system: 'Be brief.',
    tools: [WEATHER_TOOL],
    messages: [{ role: 'user', content: 'What is the weather like in Rome today?' }]
  })
  const forwarded = mock.requests.find((request) => request.path === '/v1/messages/count_tokens')
  assert.ok(forwarded !== undefined, 'asked of the upstream')
  // The mock counts words: 2 (system) + 8 (the question).
  assert.equal(counted.input_tokens, 10)
  assert.equal(forwarded.body.max_tokens, undefined)
  assert.equal(forwarded.body.tools[0].name, WEATHER_TOOL.name)
  assert.equal(forwarded.headers['x-api-key'], 'sk-ant')
  assert.equal(mock.requests.filter((request) => request.path === '/v1/messages').length, 0, 'nothing generated')

  const { response } = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'My name is Ada.' }] }).withResponse()
  const sessionId = response.headers.get('x-session-id') ?? ''
  const withHistory = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'What is my name?' }] }, { headers: { 'x-session-id': sessionId } })
  const alone = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'What is my name?' }] })
  assert.equal(alone.input_tokens, 4)
  assert.ok(withHistory.input_tokens > alone.input_tokens + 4, `${withHistory.input_tokens} counts the first turn`)
})

test('a session continues with only the new message', async (t) => {
  const { client, mock } = await startAnthropicGateway(t)
  const { response } = await client.messages.create({ model: OPENAI_MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'My name is Ada.' }] }).withResponse()
  const sessionId = response.headers.get('x-session-id') ?? ''
  await client.messages.create({ model: OPENAI_MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'What is my name?' }] }, { headers: { 'x-session-id': sessionId } })
  assert.deepEqual(mock.requests[1].body.messages.map((message: { content: string }) => message.content), ['My name is Ada.', 'Echo: My name is Ada.', 'What is my name?'])
})
