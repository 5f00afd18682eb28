// The Anthropic provider over real HTTP: the adapter against the mock speaking the Messages
// API, through createAi (sessions carry thinking signatures to the next turn; fallback and
// cool-downs from the chain).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { MockProvider, MockRequest } from '@platformatic/ai-mock-provider'
import type { AiTool, AiToolCall } from '../../src/types.ts'
import { collect, contentOf, setup } from '../helpers/ai.ts'

const weather: AiTool = { name: 'get_weather', description: 'The weather of a city.', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }

function anthropicFirst (mock: MockProvider) {
  return {
    providers: { anthropic: { apiKey: 'sk-ant', baseUrl: mock.url, beta: ['prompt-caching-2024-07-31'] }, openai: { apiKey: 'k', baseUrl: mock.url } },
    models: ['anthropic:claude', 'openai:b']
  }
}

function sent (mock: MockProvider, index = 0): MockRequest {
  return mock.requests.filter((request) => request.provider === 'anthropic')[index]
}

test('anthropic: a prompt answered; headers, system, max_tokens default and usage with cache reads and writes', async (t) => {
  const { ai, mock } = await setup(t, anthropicFirst)
  mock.enqueue('claude', { text: 'Bonjour', usage: { promptTokens: 100, completionTokens: 3, cachedTokens: 60, cacheCreationTokens: 30 } })
  const answer = await ai.request({ prompt: 'Say hello', context: 'Answer in French', temperature: 0.2, stop: ['END'] })
  assert.equal(answer.text, 'Bonjour')
  assert.equal(answer.result, 'COMPLETE')
  assert.equal(answer.model, 'anthropic:claude')
  assert.deepEqual(answer.usage, { promptTokens: 100, completionTokens: 3, totalTokens: 103, cachedPromptTokens: 60, cacheCreationTokens: 30 })
  const request = sent(mock)
  assert.equal(request.path, '/v1/messages')
  assert.equal(request.headers['x-api-key'], 'sk-ant')
  assert.equal(request.headers['anthropic-version'], '2023-06-01')
  assert.equal(request.headers['anthropic-beta'], 'prompt-caching-2024-07-31')
  assert.deepEqual(request.body, {
    model: 'claude',
    max_tokens: 4096,
    messages: [{ role: 'user', content: 'Say hello' }],
    system: 'Answer in French',
    temperature: 0.2,
    stop_sequences: ['END']
  })
})

test('anthropic: a stream gives text deltas, a whole tool call at its block\'s stop, TOOL_CALLS, across split frames and pings', async (t) => {
  const { ai, mock } = await setup(t, anthropicFirst)
  mock.enqueue('claude', { text: 'Let me check.', toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' }], splitFrames: true })
  const stream = await ai.stream({ prompt: 'Weather in Paris?', tools: [weather], toolChoice: 'required', parallelToolCalls: false })
  const events = await collect(stream.events)
  assert.equal(contentOf(events), 'Let me check.')
  const calls = events.filter((event) => event.type === 'tool_call')
  assert.deepEqual(calls.map((event) => event.type === 'tool_call' && event.toolCall), [{ id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' }])
  const end = events.at(-1)
  assert.equal(end?.type === 'end' && end.result, 'TOOL_CALLS')
  const body = sent(mock).body
  assert.equal(body.stream, true)
  assert.deepEqual(body.tools, [{ name: 'get_weather', description: 'The weather of a city.', input_schema: weather.parameters }])
  assert.deepEqual(body.tool_choice, { type: 'any', disable_parallel_tool_use: true })
})

test('anthropic: a two-step tool loop with thinking: the signed thinking block goes back unchanged, before the call, results in the next user message', async (t) => {
  const { ai, mock } = await setup(t, anthropicFirst)
  mock.enqueue('claude', { thinking: 'I need the weather tool.', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }, { name: 'get_weather', arguments: '{"city":"Rome"}' }] }, { text: 'Sunny in both.' })
  const thinking = { budgetTokens: 2048 }
  const first = await ai.request({ prompt: 'Weather in Paris and Rome?', tools: [weather], thinking })
  assert.equal(first.result, 'TOOL_CALLS')
  assert.equal(first.text, '')
  const [paris, rome] = first.toolCalls as AiToolCall[]
  assert.equal(first.reasoning?.[0].text, 'I need the weather tool.')
  const signature = (first.reasoning?.[0].providerData?.anthropic as { signature: string }).signature
  assert.match(signature, /^sig_/)
  // The default max_tokens stays above the thinking budget.
  assert.equal(sent(mock).body.max_tokens, 4096)
  assert.deepEqual(sent(mock).body.thinking, { type: 'enabled', budget_tokens: 2048 })

  // Results given out of call order come back in it; the mock refuses the loop without the signed block.
  const second = await ai.request({ sessionId: first.sessionId, toolResults: [{ toolCallId: rome.id, content: '25C' }, { toolCallId: paris.id, content: '22C' }], tools: [weather], thinking })
  assert.equal(second.text, 'Sunny in both.')
  const messages = sent(mock, 1).body.messages
  assert.deepEqual(messages[1], {
    role: 'assistant',
    content: [
      { type: 'thinking', thinking: 'I need the weather tool.', signature },
      { type: 'tool_use', id: paris.id, name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: rome.id, name: 'get_weather', input: { city: 'Rome' } }
    ]
  })
  assert.deepEqual(messages[2], {
    role: 'user',
    content: [
      { type: 'tool_result', tool_use_id: paris.id, content: '22C' },
      { type: 'tool_result', tool_use_id: rome.id, content: '25C' }
    ]
  })
  const session = await ai.getSession(first.sessionId)
  assert.equal(session.turns[0].reasoning?.[0].text, 'I need the weather tool.')
})

test('anthropic: a streamed thinking answer keeps its reasoning out of the text and in the turn', async (t) => {
  const { ai, mock } = await setup(t, anthropicFirst)
  mock.enqueue('claude', { thinking: 'Short one.', text: 'Hi!' })
  const stream = await ai.stream({ prompt: 'Hello', thinking: { budgetTokens: 1024 } })
  const events = await collect(stream.events)
  assert.equal(contentOf(events), 'Hi!')
  // The thinking block comes first, whole, as its own event (never content), as Claude streams it.
  assert.deepEqual(events.map((event) => event.type), ['reasoning', 'content', 'end'])
  const first = events[0]
  assert.equal(first.type === 'reasoning' && first.reasoning.text, 'Short one.')
  const session = await ai.getSession(stream.sessionId)
  assert.match((session.turns[0].reasoning?.[0].providerData?.anthropic as { signature: string }).signature, /^sig_/)
})

test('anthropic: cache_control on system, tools and parts passes through; images and PDFs as blocks; json_schema as output_config', async (t) => {
  const { ai, mock } = await setup(t, anthropicFirst)
  const cache = { anthropic: { cacheControl: { type: 'ephemeral' } } }
  await ai.request({
    messages: [
      { role: 'system', content: 'You are terse.', providerData: cache },
      { role: 'user', content: [{ type: 'text', text: 'Read these.' }, { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' }, { type: 'image', url: 'https://example.com/cat.jpg' }, { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'a.pdf', providerData: cache }] }
    ],
    tools: [{ ...weather, providerData: cache }],
    responseFormat: { type: 'json_schema', name: 'summary', schema: { type: 'object', properties: { text: { type: 'string' } } } }
  })
  const body = sent(mock).body
  assert.deepEqual(body.system, [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }])
  assert.deepEqual(body.tools[0].cache_control, { type: 'ephemeral' })
  assert.deepEqual(body.messages[0].content, [
    { type: 'text', text: 'Read these.' },
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
    { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf', cache_control: { type: 'ephemeral' } }
  ])
  assert.deepEqual(body.output_config, { format: { type: 'json_schema', schema: { type: 'object', properties: { text: { type: 'string' } } } } })
})

test('anthropic: a 529 before the first byte of a stream falls back to the next model, which the caller sees answer', async (t) => {
  const { ai, mock } = await setup(t, anthropicFirst)
  mock.enqueue('claude', { status: 529 })
  const stream = await ai.stream({ prompt: 'Hello' })
  assert.equal(stream.model, 'openai:b')
  assert.equal(contentOf(await collect(stream.events)), 'Echo: Hello')
  const claude = (await ai.models()).find((model) => model.name === 'anthropic:claude')
  assert.equal(claude?.state, 'cooling-down')
  assert.equal(claude?.reason, 'AI_PROVIDER_RESPONSE_ERROR')
})

test('anthropic: a 400 invalid_request_error moves on without a cool-down; a 429 cools down for its retry-after', async (t) => {
  const { ai, mock, clock } = await setup(t, anthropicFirst)
  mock.enqueue('claude', { status: 400 })
  const moved = await ai.request({ prompt: 'Hello' })
  assert.equal(moved.model, 'openai:b')
  assert.equal((await ai.models())[0].state, 'ready')

  mock.enqueue('claude', { status: 429, retryAfter: '1200' })
  assert.equal((await ai.request({ prompt: 'Again' })).model, 'openai:b')
  const limited = (await ai.models())[0]
  assert.equal(limited.state, 'cooling-down')
  assert.equal(limited.reason, 'AI_PROVIDER_EXCEEDED')
  // Retry-After (20 min) is longer than the default 10 min window: it wins.
  assert.equal(Date.parse(limited.until as string) - clock.now(), 1_200_000)
})

test('anthropic: an in-band overloaded error event before any text falls back to the next model', async (t) => {
  const { ai, mock } = await setup(t, anthropicFirst)
  mock.enqueue('claude', { inBandErrorAfter: 0 })
  const stream = await ai.stream({ prompt: 'one two three' })
  assert.equal(stream.model, 'openai:b')
  assert.equal(contentOf(await collect(stream.events)), 'Echo: one two three')
  assert.equal(sent(mock).stream, true)
  assert.equal((await ai.models())[0].reason, 'AI_PROVIDER_STREAM_ERROR')
})

test('anthropic: a tool loop whose thinking block is left out is refused by the API and moves on without a cool-down', async (t) => {
  const { ai, mock } = await setup(t, anthropicFirst)
  mock.enqueue('claude', { text: 'unused' })
  const answer = await ai.request({
    messages: [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'toolu_x', name: 'get_weather', arguments: '{"city":"Oslo"}' }] },
      { role: 'tool', toolCallId: 'toolu_x', content: '3C' }
    ],
    tools: [weather],
    thinking: { budgetTokens: 1024 }
  })
  assert.equal(answer.model, 'openai:b')
  assert.equal((await ai.models())[0].state, 'ready')
})

test('anthropic: countTokens asks the provider\'s count_tokens (no max_tokens, nothing generated); the others, or a failure, estimate', async (t) => {
  const { ai, mock, logger } = await setup(t, anthropicFirst)
  const counted = await ai.countTokens({ prompt: 'What is the weather in Rome?', context: 'Be brief.', tools: [weather] })
  assert.deepEqual(counted, { inputTokens: 8, model: 'anthropic:claude', estimated: false })
  const request = sent(mock)
  assert.equal(request.path, '/v1/messages/count_tokens')
  assert.equal(request.body.max_tokens, undefined)
  assert.equal(request.body.system, 'Be brief.')
  assert.equal(request.body.tools[0].name, 'get_weather')

  const estimated = await ai.countTokens({ prompt: 'What is the weather in Rome?', models: ['openai:b'] })
  assert.equal(estimated.estimated, true)
  assert.equal(estimated.model, 'openai:b')
  assert.ok(estimated.inputTokens > 0)
  assert.equal(mock.requests.length, 1, 'an estimate asks nobody')

  mock.enqueue('claude', { status: 500 })
  const fallback = await ai.countTokens({ prompt: 'What is the weather in Rome?' })
  assert.equal(fallback.estimated, true)
  assert.ok(logger.entries.some((entry) => entry.msg === 'the provider could not count tokens: estimated'))
  // No turn, no rate unit, no cool-down: the model still answers.
  assert.equal((await ai.models())[0].state, 'ready')
})

test('anthropic: a stream that only thought before failing still falls back, its thinking never shown', async (t) => {
  const { ai, mock } = await setup(t, anthropicFirst)
  mock.enqueue('claude', { thinking: 'Let me think.', text: 'never', inBandErrorAfter: 0 })
  const stream = await ai.stream({ prompt: 'Hello', thinking: { budgetTokens: 1024 } })
  assert.equal(stream.model, 'openai:b')
  const events = await collect(stream.events)
  assert.ok(!events.some((event) => event.type === 'reasoning'), JSON.stringify(events.map((event) => event.type)))
  assert.equal(contentOf(events), 'Echo: Hello')
})
