// The client's side of the tool loop, against a real gateway (a Gemini model on the mock provider):
// toolCalls on JSON answers, tool_call messages in streams, toolResults sent with the session id,
// and the conversation options passed as they are.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildClient, AiClientHttpError, AiClientOptionsError } from '../src/index.ts'
import type { AskStreamMessage, Tool } from '../src/index.ts'
import { startGateway } from './helpers/gateway.ts'

const MODEL = 'gemini-2.5-flash'
const tools: Tool[] = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]

function geminiOnly (mockUrl: string) {
  return { providers: { gemini: { apiKey: 'test-key', baseUrl: mockUrl } }, models: [`gemini:${MODEL}`] }
}

test('ask (JSON): toolCalls and TOOL_CALLS, then the results with the session id', async (t) => {
  const { url, mock } = await startGateway(t, geminiOnly)
  mock.enqueue(MODEL, { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}', thoughtSignature: 'sig' }] })
  const client = buildClient({ url })

  const { content } = await client.ask({ prompt: 'Weather in Oslo?', tools, toolChoice: 'required', stream: false })
  assert.equal(content.result, 'TOOL_CALLS')
  assert.equal(content.text, '')
  assert.equal(content.toolCalls?.length, 1)
  const call = content.toolCalls![0]
  assert.equal(call.name, 'get_weather')
  assert.deepEqual(call.providerData, { gemini: { thoughtSignature: 'sig' } })
  assert.deepEqual(mock.requests[0].body.toolConfig, { functionCallingConfig: { mode: 'ANY' } }, 'toolChoice reached the provider')

  const { content: answer } = await client.ask({ sessionId: content.sessionId, tools, toolResults: [{ toolCallId: call.id, content: 'snow' }], stream: false })
  assert.equal(answer.result, 'COMPLETE')
  assert.equal(answer.text, 'Echo: snow')
  assert.equal(answer.toolCalls, undefined)
})

test('ask (stream): tool_call messages before done, done carrying every call', async (t) => {
  const { url, mock } = await startGateway(t, geminiOnly)
  mock.enqueue(MODEL, { deltas: ['Looking.'], toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}' }] })
  const client = buildClient({ url })
  const { stream } = await client.ask({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] }], tools })
  const messages: AskStreamMessage[] = []
  for await (const message of stream) messages.push(message)
  assert.deepEqual(messages.map((message) => message.type), ['content', 'tool_call', 'done'])
  const toolCall = messages[1]
  const done = messages[2]
  assert.ok(toolCall.type === 'tool_call' && done.type === 'done')
  assert.equal(toolCall.index, 0)
  assert.equal(toolCall.toolCall.arguments, '{"city":"Oslo"}')
  assert.equal(done.response.result, 'TOOL_CALLS')
  assert.deepEqual(done.response.toolCalls, [toolCall.toolCall])
})

test('a conversation the server refuses is an AiClientHttpError naming the field', async (t) => {
  const { url } = await startGateway(t, geminiOnly)
  const client = buildClient({ url })
  await assert.rejects(client.ask({ prompt: 'hi', tools: [{ name: 'get weather' }], stream: false }), (error: AiClientHttpError) => {
    assert.ok(error instanceof AiClientHttpError)
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'AI_BAD_REQUEST')
    assert.match(error.message, /tools\[0\]\.name/)
    assert.deepEqual(error.details, { field: 'tools[0].name' })
    return true
  })
  await assert.rejects(client.ask({ stream: false } as never), AiClientOptionsError, 'a prompt, messages or toolResults is needed')
})
