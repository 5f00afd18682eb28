// A Claude model (the anthropic provider, on the mock's Messages API) answering the openai SDK
// through /v1/chat/completions: tool calls translated both ways, thinking kept out of the text and
// carried through the session to the next turn, where Claude requires it back.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import OpenAI from 'openai'
import { startAnthropicGateway } from './anthropic-gateway.ts'

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [{
  type: 'function',
  function: { name: 'get_weather', description: 'The weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }
}]

async function claudeGateway (t: import('node:test').TestContext) {
  const gateway = await startAnthropicGateway(t, {
    plugin: (mockUrl) => ({
      providers: { anthropic: { apiKey: 'sk-ant', baseUrl: mockUrl } },
      models: ['anthropic:claude-sonnet-4-5'],
      openai: { aliases: {} }
    })
  })
  const openai = new OpenAI({ apiKey: 'unused', baseURL: `${gateway.baseURL}/v1`, maxRetries: 0 })
  return { ...gateway, openai }
}

test('the openai SDK gets a Claude tool call as tool_calls, and the tool loop goes on in the session with the thinking block sent back', async (t) => {
  const { openai, mock } = await claudeGateway(t)
  mock.enqueue('claude-sonnet-4-5', { thinking: 'The user wants the weather: call the tool.', toolCalls: [{ id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Rome"}' }] })
  const { data: first, response } = await openai.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Weather in Rome?' }], tools }).withResponse()
  const choice = first.choices[0]
  assert.equal(choice.finish_reason, 'tool_calls')
  assert.equal(choice.message.content, null, 'thinking is not answer text')
  const call = choice.message.tool_calls?.[0]
  assert.ok(call !== undefined && call.type === 'function')
  assert.equal(call.function.name, 'get_weather')
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Rome' })
  const sent = mock.requests[0]
  assert.equal(sent.path, '/v1/messages')
  assert.equal(sent.body.tools[0].input_schema.required[0], 'city')

  // The client sends the result with the session header; the gateway replays the signed
  // thinking block, which the mock (as Claude does) requires before a tool result.
  const sessionId = response.headers.get('x-session-id') ?? ''
  mock.enqueue('claude-sonnet-4-5', { text: 'Sunny in Rome.' })
  const second = await openai.chat.completions.create({
    model: 'claude-sonnet-4-5',
    tools,
    messages: [
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: '{"sky":"clear"}' }
    ]
  }, { headers: { 'x-session-id': sessionId } })
  assert.equal(second.choices[0].message.content, 'Sunny in Rome.')
  const replayed = mock.requests[1].body.messages
  assert.equal(replayed[1].role, 'assistant')
  assert.equal(replayed[1].content[0].type, 'thinking')
  assert.equal(replayed[1].content.at(-1).type, 'tool_use')
  assert.deepEqual(replayed[2].content[0], { type: 'tool_result', tool_use_id: 'toolu_01', content: '{"sky":"clear"}' })
})

test('a streamed Claude answer reaches the openai SDK as chunks, tool call deltas included', async (t) => {
  const { openai, mock } = await claudeGateway(t)
  mock.enqueue('claude-sonnet-4-5', { text: 'Let me check.', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] })
  const stream = openai.chat.completions.stream({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools, stream_options: { include_usage: true } })
  const completion = await stream.finalChatCompletion()
  const message = completion.choices[0].message
  assert.equal(message.content, 'Let me check.')
  assert.equal(completion.choices[0].finish_reason, 'tool_calls')
  const call = message.tool_calls?.[0]
  assert.ok(call !== undefined && call.type === 'function')
  assert.equal(call.function.name, 'get_weather')
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Oslo' })
  assert.ok((completion.usage?.prompt_tokens ?? 0) > 0)
  assert.equal(mock.requests[0].body.stream, true)
})
