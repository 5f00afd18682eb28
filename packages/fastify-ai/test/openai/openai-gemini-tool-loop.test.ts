// Gemini 3 rejects a turn whose function call lacks the thought signature it was given. Through
// /v1/chat/completions a stateless client only echoes back what it received: the signature rides
// inside the tool call's id. And when the call was made by another provider, the Gemini
// translator uses the documented placeholder.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type OpenAI from 'openai'
import { DUMMY_THOUGHT_SIGNATURES } from '@platformatic/ai-mock-provider'
import { GEMINI_MODEL, OPENAI_MODEL, startOpenAiGateway } from './openai-gateway.ts'

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [{
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }
}]

type GeminiPart = { functionCall?: { name: string }, thoughtSignature?: string }

function functionCallParts (body: { contents: Array<{ parts: GeminiPart[] }> }): GeminiPart[] {
  return body.contents.flatMap((content) => content.parts).filter((part) => part.functionCall !== undefined)
}

test('a two-turn Gemini tool loop where the client only echoes what it got (signatures required)', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  mock.setBehaviour('gemini-2.5-flash', { requireThoughtSignatures: true })
  mock.enqueue('gemini-2.5-flash', {
    requireThoughtSignatures: true,
    toolCalls: [
      { name: 'get_weather', arguments: '{"city":"Paris"}', thoughtSignature: 'c2lnLXBhcmlz' },
      { name: 'get_weather', arguments: '{"city":"Rome"}' }
    ]
  })
  const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Rome?' }]
  const stream = await client.chat.completions.create({ model: GEMINI_MODEL, messages, tools, stream: true })
  const calls = new Map<number, { id: string, name: string, arguments: string }>()
  for await (const chunk of stream) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' }
      call.id ||= delta.id ?? ''
      call.name += delta.function?.name ?? ''
      call.arguments += delta.function?.arguments ?? ''
      calls.set(delta.index, call)
    }
  }
  assert.equal(calls.size, 2)
  // Only what the client received goes back: ids as given, and one tool message per call.
  messages.push({
    role: 'assistant',
    content: null,
    tool_calls: [...calls.values()].map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } }))
  })
  for (const call of calls.values()) messages.push({ role: 'tool', tool_call_id: call.id, content: `sunny in ${JSON.parse(call.arguments).city}` })
  const second = await client.chat.completions.create({ model: GEMINI_MODEL, messages, tools })
  // Gemini takes the results of one step in one content: the mock echoes both.
  assert.equal(second.choices[0].message.content, 'Echo: sunny in Paris\nsunny in Rome')
  // Exactly the signature Gemini gave, on the first call only, as Gemini 3 wants it back.
  assert.deepEqual(functionCallParts(mock.requests[1].body).map((part) => part.thoughtSignature), ['c2lnLXBhcmlz', undefined])
})

test('a tool call made by OpenAI, continued on Gemini after a fallback, carries the documented placeholder', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  mock.setBehaviour('gemini-2.5-flash', { requireThoughtSignatures: true })
  mock.enqueue('gpt-4o-mini', { toolCalls: [{ id: 'call_openai', name: 'get_weather', arguments: '{"city":"Lima"}' }] })
  const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Lima?' }]
  const first = await client.chat.completions.create({ model: 'default', messages, tools })
  assert.equal(first.model, OPENAI_MODEL)
  const call = first.choices[0].message.tool_calls?.[0]
  assert.equal(call?.id, 'call_openai')
  messages.push(first.choices[0].message, { role: 'tool', tool_call_id: 'call_openai', content: 'foggy' })

  mock.enqueue('gpt-4o-mini', { status: 503 })
  const second = await client.chat.completions.create({ model: 'default', messages, tools })
  assert.equal(second.model, GEMINI_MODEL)
  assert.equal(second.choices[0].message.content, 'Echo: foggy')
  const [part] = functionCallParts(mock.requests.at(-1)?.body)
  assert.ok(DUMMY_THOUGHT_SIGNATURES.includes(part.thoughtSignature as string), `placeholder signature, got ${part.thoughtSignature}`)
})

test('with the session header the server holds the calls: the client sends only the tool results', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  mock.setBehaviour('gemini-2.5-flash', { requireThoughtSignatures: true })
  mock.enqueue('gemini-2.5-flash', { requireThoughtSignatures: true, toolCalls: [{ id: 'fc-1', name: 'get_weather', arguments: '{"city":"Kyiv"}', thoughtSignature: 'c2lnLWt5aXY' }] })
  const { data: first, response } = await client.chat.completions.create({
    model: GEMINI_MODEL, messages: [{ role: 'user', content: 'Weather in Kyiv?' }], tools
  }).withResponse()
  const sessionId = response.headers.get('x-session-id') ?? ''
  const id = first.choices[0].message.tool_calls?.[0].id ?? ''

  // The whole conversation again, as chat clients send it: everything up to the last assistant
  // message is the server's already.
  const second = await client.chat.completions.create({
    model: GEMINI_MODEL,
    messages: [
      { role: 'user', content: 'ignored copy' },
      { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Kyiv"}' } }] },
      { role: 'tool', tool_call_id: id, content: 'snow' }
    ],
    tools
  }, { headers: { 'x-session-id': sessionId } })
  assert.equal(second.choices[0].message.content, 'Echo: snow')
  const body = mock.requests[1].body
  assert.deepEqual(body.contents.map((content: { role: string }) => content.role), ['user', 'model', 'user'])
  assert.equal(body.contents[0].parts[0].text, 'Weather in Kyiv?')
  assert.deepEqual(functionCallParts(body).map((part) => part.thoughtSignature), ['c2lnLWt5aXY'])
})
