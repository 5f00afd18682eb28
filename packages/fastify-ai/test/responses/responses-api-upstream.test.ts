// A provider reached through OpenAI's Responses API (`api: "responses"`) answers every route of
// the gateway, both directions, streams included: chat completions with tools, Anthropic's
// Messages, the native API with a session whose reasoning goes back to its model, and the
// fallback chain around it. Real clients (openai, @anthropic-ai/sdk) over real HTTP, against the
// mock provider's /v1/responses, which refuses what OpenAI refuses (chat fields, forged reasoning).
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import Anthropic from '@anthropic-ai/sdk'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { startGateway, postJson } from '../helpers/gateway.ts'
import type { Gateway } from '../helpers/gateway.ts'
import { collectFrames, eventsOf, textOf } from '../helpers/sse.ts'
import { startAnthropicGateway } from '../anthropic/anthropic-gateway.ts'
import { GEMINI_MODEL, RESPONSES_MODEL, startOpenAiGateway } from '../openai/openai-gateway.ts'

const UPSTREAM = RESPONSES_MODEL.slice(RESPONSES_MODEL.indexOf(':') + 1)
const WEATHER = { type: 'function' as const, function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }

test('chat completions with tools, complete and streamed, answered through the Responses API', async (t) => {
  const { client, mock } = await startOpenAiGateway(t, { withResponsesApi: true })
  mock.enqueue(UPSTREAM, { toolCalls: [{ id: 'call_p', name: 'get_weather', arguments: '{"city":"Paris"}' }] }, { deltas: ['Sunny ', 'in ', 'Paris'] })
  const first = await client.chat.completions.create({ model: RESPONSES_MODEL, messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER] })
  assert.equal(first.choices[0].finish_reason, 'tool_calls')
  const call = first.choices[0].message.tool_calls?.[0]
  assert.ok(call !== undefined && call.type === 'function')
  assert.equal(call.function.name, 'get_weather')

  const stream = await client.chat.completions.create({
    model: RESPONSES_MODEL,
    stream: true,
    tools: [WEATHER],
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: '{"sky":"clear"}' }
    ]
  })
  let text = ''
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
  assert.equal(text, 'Sunny in Paris')

  const [, second] = mock.requests
  assert.equal(second.path, '/v1/responses')
  assert.equal(second.body.store, false)
  assert.equal(second.body.stream, true)
  assert.deepEqual(second.body.input.slice(1).map((item: { type: string }) => item.type), ['function_call', 'function_call_output'])
})

test('Anthropic Messages with a tool round trip, answered through the Responses API', async (t) => {
  const { client, mock } = await startAnthropicGateway(t, {
    plugin: (mockUrl) => ({
      providers: { responses: { type: 'openai', apiKey: 'k', baseUrl: mockUrl, api: 'responses' } },
      models: [RESPONSES_MODEL],
      openai: { aliases: { 'claude-sonnet': [RESPONSES_MODEL] } }
    })
  })
  mock.enqueue(UPSTREAM, { reasoning: 'Oslo is cold.', text: 'Checking.', toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: '{"city":"Oslo"}' }] }, { reasoning: 'Say it.', text: 'Cold in Oslo' })
  const tools: Anthropic.Tool[] = [{ name: 'get_weather', description: 'The weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }]
  const first = await client.messages.create({ model: 'claude-sonnet', max_tokens: 100, tools, messages: [{ role: 'user', content: 'Weather in Oslo?' }] })
  assert.equal(first.stop_reason, 'tool_use')
  // Reasoning without a summary is only encrypted content: no thinking block for the client.
  assert.deepEqual(first.content.map((block) => block.type), ['text', 'tool_use'])
  const use = first.content.find((block) => block.type === 'tool_use')
  assert.ok(use !== undefined && use.type === 'tool_use')
  assert.deepEqual(use.input, { city: 'Oslo' })

  const stream = client.messages.stream({
    model: 'claude-sonnet',
    max_tokens: 2000,
    thinking: { type: 'enabled', budget_tokens: 1024 },
    tools,
    messages: [
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '-5C' }] }
    ]
  })
  const final = await stream.finalMessage()
  // With thinking asked for, the summary is the thinking block's text (unsigned: not Claude's).
  assert.deepEqual(final.content.map((block) => block.type === 'text' ? block.text : block.type === 'thinking' ? `thinking: ${block.thinking}` : block.type), ['thinking: Say it.', 'Cold in Oslo'])
  assert.deepEqual(mock.requests[1].body.reasoning, { summary: 'auto' })
  assert.equal(final.stop_reason, 'end_turn')
  const sent = mock.requests[1].body.input
  assert.deepEqual(sent.at(-1), { type: 'function_call_output', call_id: use.id, output: '-5C' })
})

/** A gateway whose chain is a Responses-API model, then a chat model of the same mock. */
async function chainGateway (t: TestContext): Promise<Gateway> {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  return await startGateway(t, {
    mock,
    plugin: {
      providers: {
        responses: { type: 'openai', apiKey: 'k', baseUrl: mock.url, api: 'responses' },
        openai: { apiKey: 'k', baseUrl: mock.url }
      },
      models: [RESPONSES_MODEL, 'openai:gpt-4o-mini']
    }
  })
}

test('native session: reasoning kept with the turn goes back to its model, verified by the provider', async (t) => {
  const { url, mock } = await chainGateway(t)
  mock.enqueue(UPSTREAM, { reasoning: 'Look up the weather.', toolCalls: [{ id: 'call_n', name: 'get_weather', arguments: '{"city":"Rome"}' }] }, { reasoning: 'Now answer.', text: 'Warm in Rome' })
  const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]
  const first = await postJson(`${url}/api/v1/stream`, { prompt: 'Weather in Rome?', tools })
  const frames = eventsOf(await collectFrames(first))
  assert.ok(frames.some((frame) => frame.event === 'reasoning'), 'the reasoning event was streamed')
  const end = frames.at(-1)?.data
  const sessionId = first.headers.get('x-session-id')
  assert.ok(sessionId !== null)

  const second = await postJson(`${url}/api/v1/prompt`, { sessionId, tools, toolResults: [{ toolCallId: end.toolCalls?.[0]?.id ?? 'call_n', content: '30C' }] })
  const answer = await second.json()
  assert.equal(second.status, 200, JSON.stringify(answer))
  assert.equal(answer.text, 'Warm in Rome')
  // The provider got its reasoning item back whole, with the encrypted content it issued (a forged one is a 400).
  const input = mock.requests[1].body.input
  const reasoning = input.find((item: { type?: string }) => item.type === 'reasoning')
  assert.ok(reasoning !== undefined && typeof reasoning.encrypted_content === 'string')
  assert.deepEqual(reasoning.summary, [], 'no summary was asked for: the native request set no thinking')
})

test('fallback: a Responses-API model that fails before its first output is left for the next model, invisibly', async (t) => {
  // Each failure cools the model down: one gateway per kind of failure.
  const refused = await chainGateway(t)
  refused.mock.enqueue(UPSTREAM, { status: 500 })
  const prompt = await (await postJson(`${refused.url}/api/v1/prompt`, { prompt: 'Hi' })).json()
  assert.equal(prompt.text, 'Echo: Hi')
  assert.equal(prompt.model, 'openai:gpt-4o-mini')
  assert.deepEqual(refused.mock.requests.map((request) => request.path), ['/v1/responses', '/v1/chat/completions'])

  const failed = await chainGateway(t)
  failed.mock.enqueue(UPSTREAM, { deltas: ['a'], inBandErrorAfter: 0 })
  const frames = await collectFrames(await postJson(`${failed.url}/api/v1/stream`, { prompt: 'Again' }))
  assert.equal(textOf(frames), 'Echo: Again')
  assert.equal(eventsOf(frames).some((frame) => frame.event === 'error'), false)
  assert.deepEqual(failed.mock.requests.map((request) => request.path), ['/v1/responses', '/v1/chat/completions'])
})

test('a Gemini turn then a Responses-API turn of one conversation: history translated both ways', async (t) => {
  const { client, mock } = await startOpenAiGateway(t, { withResponsesApi: true })
  mock.enqueue('gemini-2.5-flash', { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Lima"}', thoughtSignature: 'sig-g' }] })
  mock.enqueue(UPSTREAM, { text: 'Mild in Lima' })
  const first = await client.responses.create({ model: GEMINI_MODEL, input: 'Weather in Lima?', tools: [{ type: 'function', name: 'get_weather', parameters: WEATHER.function.parameters, strict: false }] })
  const call = first.output.find((item) => item.type === 'function_call')
  assert.ok(call !== undefined && call.type === 'function_call')
  const second = await client.responses.create({
    model: RESPONSES_MODEL,
    previous_response_id: first.id,
    input: [{ type: 'function_call_output', call_id: call.call_id, output: '18C' }],
    tools: [{ type: 'function', name: 'get_weather', parameters: WEATHER.function.parameters, strict: false }]
  })
  assert.equal(second.output_text, 'Mild in Lima')
  const sent = mock.requests[1].body.input
  const types = sent.map((item: { type?: string, role?: string }) => item.type ?? item.role)
  assert.deepEqual(types, ['user', 'function_call', 'function_call_output'])
  assert.equal(sent[1].call_id, sent[2].call_id, 'the output answers the call it follows')
})
