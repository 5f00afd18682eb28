// Gemini tools, images, files, JSON and thought signatures over real HTTP: the Gemini adapter
// against the mock provider speaking Gemini's wire format, through createAi where a turn is
// carried to the next one (sessions, fallback).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { requestMedia } from '@platformatic/ai-mock-provider'
import type { MockProvider, MockRequest } from '@platformatic/ai-mock-provider'
import type { AiStreamEvent, AiTool, AiToolCall } from '../../src/types.ts'
import { collect, setup } from '../helpers/ai.ts'

const weather: AiTool = {
  name: 'get_weather',
  description: 'The weather of a city.',
  parameters: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { city: { type: 'string', minLength: 1 } }, required: ['city'] }
}

function geminiOnly (model: string) {
  return function options (mock: MockProvider) {
    return { providers: { gemini: { apiKey: 'g', baseUrl: mock.url } }, models: [`gemini:${model}`] }
  }
}

function requestsOf (mock: MockProvider, provider: string): MockRequest[] {
  return mock.requests.filter((request) => request.provider === provider)
}

function toolCallsOf (events: AiStreamEvent[]): AiToolCall[] {
  return events.flatMap((event) => event.type === 'tool_call' ? [event.toolCall] : [])
}

test('gemini tools: a two-turn loop in a session sends the call\'s signature back exactly, on its part', async (t) => {
  const { ai, mock } = await setup(t, geminiOnly('gemini-3-flash'))
  mock.enqueue('gemini-3-flash',
    { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Rome"}', thoughtSignature: 'sig/Rome+1==' }], requireThoughtSignatures: true },
    { text: 'Clear in Rome.', requireThoughtSignatures: true })

  const first = await ai.request({ prompt: 'Weather in Rome?', tools: [weather], toolChoice: 'required' })
  assert.equal(first.result, 'TOOL_CALLS')
  assert.equal(first.text, '')
  const [call] = first.toolCalls ?? []
  assert.match(call.id, /^gemini-call-0-/)
  assert.deepEqual({ ...call, id: undefined }, { id: undefined, name: 'get_weather', arguments: '{"city":"Rome"}', providerData: { gemini: { thoughtSignature: 'sig/Rome+1==' } } })
  const firstBody = mock.requests[0].body
  assert.deepEqual(firstBody.tools, [{ functionDeclarations: [{ name: 'get_weather', description: 'The weather of a city.', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] }])
  assert.deepEqual(firstBody.toolConfig, { functionCallingConfig: { mode: 'ANY' } })

  const second = await ai.request({ sessionId: first.sessionId, toolResults: [{ toolCallId: call.id, content: '{"sky":"clear"}' }], tools: [weather] })
  assert.deepEqual([second.result, second.text], ['COMPLETE', 'Clear in Rome.'])
  const contents = mock.requests[1].body.contents
  assert.deepEqual(contents.slice(1), [
    { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Rome' } }, thoughtSignature: 'sig/Rome+1==' }] },
    { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { sky: 'clear' } } }] }
  ])
})

test('gemini tools: a streamed answer gives every call of one frame, in order, with Gemini\'s ids and the first one\'s signature', async (t) => {
  const { ai, mock } = await setup(t, geminiOnly('gemini-3-pro'))
  mock.enqueue('gemini-3-pro',
    {
      deltas: ['Checking ', 'both.'],
      toolCalls: [
        { id: 'fc-1', name: 'get_weather', arguments: '{"city":"Paris"}', thoughtSignature: 'sig-paris' },
        { id: 'fc-2', name: 'get_weather', arguments: '{"city":"Rome"}' }
      ],
      requireThoughtSignatures: true
    },
    { deltas: ['Mild ', 'in both.'], requireThoughtSignatures: true })

  const stream = await ai.stream({ prompt: 'Paris and Rome?', tools: [weather] })
  const events = await collect(stream.events)
  assert.equal(events.filter((event) => event.type === 'content').map((event) => event.type === 'content' ? event.text : '').join(''), 'Checking both.')
  const calls = events.flatMap((event) => event.type === 'tool_call' ? [[event.index, event.toolCall]] : [])
  assert.deepEqual(calls, [
    [0, { id: 'fc-1', name: 'get_weather', arguments: '{"city":"Paris"}', providerData: { gemini: { thoughtSignature: 'sig-paris' } } }],
    [1, { id: 'fc-2', name: 'get_weather', arguments: '{"city":"Rome"}' }]
  ])
  const end = events.at(-1)
  assert.equal(end?.type === 'end' && end.result, 'TOOL_CALLS')

  const next = await ai.stream({
    sessionId: stream.sessionId,
    toolResults: [{ toolCallId: 'fc-2', content: '20 degrees' }, { toolCallId: 'fc-1', content: '18 degrees' }],
    tools: [weather]
  })
  const nextEvents = await collect(next.events)
  assert.equal(nextEvents.at(-1)?.type === 'end' && (nextEvents.at(-1) as { result: string }).result, 'COMPLETE')
  const contents = mock.requests[1].body.contents
  assert.deepEqual(contents.slice(1), [
    {
      role: 'model',
      parts: [
        { text: 'Checking both.' },
        { functionCall: { id: 'fc-1', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-paris' },
        { functionCall: { id: 'fc-2', name: 'get_weather', args: { city: 'Rome' } } }
      ]
    },
    {
      role: 'user',
      parts: [
        { functionResponse: { id: 'fc-1', name: 'get_weather', response: { output: '18 degrees' } } },
        { functionResponse: { id: 'fc-2', name: 'get_weather', response: { output: '20 degrees' } } }
      ]
    }
  ])
})

test('gemini tools: calls an OpenAI model made reach Gemini after a fallback with the dummy signature and pass its check', async (t) => {
  const { ai, mock } = await setup(t, (mock) => ({
    providers: { openai: { apiKey: 'o', baseUrl: mock.url }, gemini: { apiKey: 'g', baseUrl: mock.url } },
    models: ['openai:gpt-x', 'gemini:gemini-3-flash']
  }))
  mock.enqueue('gpt-x',
    { toolCalls: [{ id: 'call_P4r', name: 'get_weather', arguments: '{"city":"Paris"}' }, { id: 'call_R0m', name: 'get_weather', arguments: '{"city":"Rome"}' }] },
    { status: 503 })
  mock.enqueue('gemini-3-flash', { text: 'Mild in both.', requireThoughtSignatures: true })

  const first = await ai.request({ prompt: 'Paris and Rome?', tools: [weather] })
  assert.deepEqual([first.model, first.result, first.toolCalls?.map((call) => call.id)], ['openai:gpt-x', 'TOOL_CALLS', ['call_P4r', 'call_R0m']])

  const second = await ai.request({
    sessionId: first.sessionId,
    toolResults: [{ toolCallId: 'call_R0m', content: '20 degrees' }, { toolCallId: 'call_P4r', content: '18 degrees' }],
    tools: [weather]
  })
  assert.deepEqual([second.model, second.result, second.text], ['gemini:gemini-3-flash', 'COMPLETE', 'Mild in both.'])
  const [geminiRequest] = requestsOf(mock, 'gemini')
  assert.deepEqual(geminiRequest.body.contents.slice(1), [
    {
      role: 'model',
      parts: [
        { functionCall: { id: 'call_P4r', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'skip_thought_signature_validator' },
        { functionCall: { id: 'call_R0m', name: 'get_weather', args: { city: 'Rome' } } }
      ]
    },
    {
      role: 'user',
      parts: [
        { functionResponse: { id: 'call_P4r', name: 'get_weather', response: { output: '18 degrees' } } },
        { functionResponse: { id: 'call_R0m', name: 'get_weather', response: { output: '20 degrees' } } }
      ]
    }
  ])

  // The same body without the dummy is what Gemini 3 refuses.
  const unsigned = structuredClone(geminiRequest.body)
  delete unsigned.contents[1].parts[0].thoughtSignature
  mock.enqueue('gemini-3-flash', { requireThoughtSignatures: true })
  const refused = await fetch(`${mock.url}/v1beta/models/gemini-3-flash:generateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'g' },
    body: JSON.stringify(unsigned)
  })
  assert.equal(refused.status, 400)
  assert.match((await refused.json()).error.message, /missing a thought_signature/)
})

test('gemini tools: a call Gemini made without a signature (as 2.5 does) gets the dummy next turn and passes Gemini 3\'s check', async (t) => {
  const { ai, mock } = await setup(t, geminiOnly('gemini-3-flash'))
  mock.enqueue('gemini-3-flash', { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] }, { text: 'Cold.', requireThoughtSignatures: true })
  const first = await ai.request({ prompt: 'Oslo?', tools: [weather] })
  // Gemini 2.5 answered without a signature: the next turn gets the dummy, and Gemini 3 takes it.
  assert.equal(first.toolCalls?.[0].providerData, undefined)
  const second = await ai.request({ sessionId: first.sessionId, toolResults: [{ toolCallId: first.toolCalls?.[0].id as string, content: '-3' }] })
  assert.equal(second.text, 'Cold.')
  assert.equal(mock.requests[1].body.contents[1].parts[0].thoughtSignature, 'skip_thought_signature_validator')
  assert.equal(mock.requests[1].body.contents[1].parts[0].functionCall.id, undefined, 'an id AI Warp made up is not sent to Gemini')
  assert.deepEqual(mock.requests[1].body.contents[2].parts[0].functionResponse, { name: 'get_weather', response: { output: -3 } })
})

test('gemini: images and files go as inlineData and fileData; a JSON schema as responseMimeType + responseJsonSchema', async (t) => {
  const { ai, mock } = await setup(t, geminiOnly('gemini-2.5-flash'))
  const answer = await ai.request({
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text: 'What is in these?' },
        { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
        { type: 'image', url: 'https://example.com/cat.webp' },
        { type: 'file', data: 'JVBERi0xLjQK', mediaType: 'application/pdf', filename: 'a.pdf' }
      ]
    }],
    responseFormat: { type: 'json_schema', name: 'things', schema: { type: 'object', properties: { things: { type: 'array', items: { type: 'string' }, uniqueItems: true } } } }
  })
  assert.deepEqual(JSON.parse(answer.text), { echo: 'What is in these?' })
  const [request] = mock.requests
  assert.deepEqual(requestMedia(request), [
    { kind: 'image', message: 0, url: 'data:image/png;base64,iVBORw0KGgo=', mediaType: 'image/png' },
    { kind: 'image', message: 0, url: 'https://example.com/cat.webp', mediaType: 'image/webp' },
    { kind: 'file', message: 0, url: 'data:application/pdf;base64,JVBERi0xLjQK', mediaType: 'application/pdf' }
  ])
  assert.deepEqual(request.body.generationConfig, {
    responseMimeType: 'application/json',
    responseJsonSchema: { type: 'object', properties: { things: { type: 'array', items: { type: 'string' } } } }
  })
})

test('gemini: usage carries cached and reasoning tokens; an answer of calls only is not empty', async (t) => {
  const { ai, mock } = await setup(t, geminiOnly('gemini-3-flash'))
  mock.enqueue('gemini-3-flash', {
    toolCalls: [{ name: 'get_weather', arguments: '{"city":"Lima"}', thoughtSignature: 's' }],
    usage: { promptTokens: 40, completionTokens: 6, cachedTokens: 32, reasoningTokens: 12 }
  })
  const stream = await ai.stream({ prompt: 'Lima?', tools: [weather] })
  const events = await collect(stream.events)
  assert.equal(toolCallsOf(events).length, 1)
  const end = events.at(-1)
  assert.ok(end?.type === 'end')
  assert.equal(end.result, 'TOOL_CALLS')
  assert.deepEqual({ ...end.usage, cost: undefined }, { promptTokens: 40, completionTokens: 18, totalTokens: 58, cachedPromptTokens: 32, reasoningTokens: 12, cost: undefined })
})
