// Tools, structured output and images through /v1/chat/completions with the official openai SDK,
// against an OpenAI-format and a Gemini-format model on the mock provider, over real HTTP.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type OpenAI from 'openai'
import { requestMedia } from '@platformatic/ai-mock-provider'
import { GEMINI_MODEL, OPENAI_MODEL, startOpenAiGateway } from './openai-gateway.ts'

const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }
  }
}

const targets = [
  { model: OPENAI_MODEL, upstream: 'gpt-4o-mini' },
  { model: GEMINI_MODEL, upstream: 'gemini-2.5-flash' }
]

for (const { model, upstream } of targets) {
  test(`${model}: chat.completions.create with tools answers tool_calls, and the tool result comes back`, async (t) => {
    const { client, mock } = await startOpenAiGateway(t)
    mock.enqueue(upstream, { toolCalls: [{ id: 'call_weather', name: 'get_weather', arguments: '{"city":"Paris"}' }] })
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }]
    const first = await client.chat.completions.create({ model, messages, tools: [weatherTool], tool_choice: 'auto' })

    assert.equal(first.model, model)
    assert.equal(first.choices[0].finish_reason, 'tool_calls')
    assert.equal(first.choices[0].message.content, null)
    const calls = first.choices[0].message.tool_calls ?? []
    assert.equal(calls.length, 1)
    const call = calls[0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall
    assert.equal(call.type, 'function')
    assert.equal(call.function.name, 'get_weather')
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris' })

    messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '{"temperature":21}' })
    const second = await client.chat.completions.create({ model, messages, tools: [weatherTool] })
    assert.equal(second.choices[0].finish_reason, 'stop')
    assert.equal(second.choices[0].message.content, 'Echo: {"temperature":21}')
    assert.equal(mock.requests.length, 2)
    assert.equal(mock.requests.every((request) => request.model === upstream), true)
  })

  test(`${model}: a streamed answer with parallel tool calls is assembled by the SDK's accumulator`, async (t) => {
    const { client, mock } = await startOpenAiGateway(t)
    mock.enqueue(upstream, {
      awkwardToolDeltas: true,
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris \\"Ville Lumière\\""}' },
        { id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' }
      ]
    })
    const stream = client.chat.completions.stream({
      model,
      messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
      tools: [weatherTool],
      stream_options: { include_usage: true }
    })
    const final = await stream.finalChatCompletion()
    const calls = (final.choices[0].message.tool_calls ?? []) as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall[]
    assert.deepEqual(calls.map((call) => [call.function.name, JSON.parse(call.function.arguments)]), [
      ['get_weather', { city: 'Paris "Ville Lumière"' }],
      ['get_weather', { city: 'Rome' }]
    ])
    assert.equal(new Set(calls.map((call) => call.id)).size, 2)
    assert.equal(final.choices[0].finish_reason, 'tool_calls')
    assert.equal(typeof final.usage?.total_tokens, 'number')
  })
}

test('runTools, the openai SDK\'s own tool loop, runs a tool through the gateway and gets the final answer', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  mock.enqueue('gpt-4o-mini', { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] })
  const seen: unknown[] = []
  const runner = client.chat.completions.runTools({
    model: OPENAI_MODEL,
    messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    tools: [{
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'The weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
        parse: JSON.parse,
        function: async function getWeather (args: { city: string }) {
          seen.push(args)
          return { city: args.city, temperature: -3 }
        }
      }
    }]
  })
  const content = await runner.finalContent()
  assert.deepEqual(seen, [{ city: 'Oslo' }])
  assert.equal(content, 'Echo: {"city":"Oslo","temperature":-3}')
  const replayed = mock.requests[1].body.messages
  assert.equal(replayed.at(-1).role, 'tool')
  assert.equal(replayed.at(-1).tool_call_id, replayed.at(-2).tool_calls[0].id)
})

test('a json_schema response_format reaches each provider in its own terms', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  const schema = { type: 'object', properties: { echo: { type: 'string' } }, required: ['echo'], additionalProperties: false }
  const format: OpenAI.ResponseFormatJSONSchema = { type: 'json_schema', json_schema: { name: 'echo', schema, strict: true } }
  for (const model of [OPENAI_MODEL, GEMINI_MODEL]) {
    const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'json please' }], response_format: format })
    assert.deepEqual(JSON.parse(completion.choices[0].message.content ?? ''), { echo: 'json please' })
  }
  const [openai, gemini] = mock.requests
  assert.deepEqual(openai.body.response_format, format)
  assert.equal(gemini.body.generationConfig.responseMimeType, 'application/json')
})

test('image and file parts reach both providers translated', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
  const pdf = 'data:application/pdf;base64,JVBERi0xLjQK'
  const content: OpenAI.Chat.Completions.ChatCompletionContentPart[] = [
    { type: 'text', text: 'What is in these?' },
    { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
    { type: 'image_url', image_url: { url: png } },
    { type: 'file', file: { filename: 'notes.pdf', file_data: pdf } }
  ]
  for (const model of [OPENAI_MODEL, GEMINI_MODEL]) {
    const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content }] })
    assert.equal(completion.choices[0].message.content, 'Echo: What is in these?')
  }
  assert.deepEqual(requestMedia(mock.requests[0]), [
    { kind: 'image', message: 0, url: 'https://example.com/cat.jpg', detail: 'low' },
    { kind: 'image', message: 0, url: png, mediaType: 'image/png' },
    { kind: 'file', message: 0, url: pdf, mediaType: 'application/pdf', filename: 'notes.pdf' }
  ])
  const gemini = requestMedia(mock.requests[1])
  assert.deepEqual(gemini.map((media) => [media.kind, media.url]), [
    ['image', 'https://example.com/cat.jpg'],
    ['image', png],
    ['file', pdf]
  ])
  assert.deepEqual(gemini.slice(1).map((media) => media.mediaType), ['image/png', 'application/pdf'])
})
