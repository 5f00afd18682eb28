import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AiMessage } from '../../../src/types.ts'
import { fromGeminiAnswer } from '../../../src/wire/gemini/from-gemini-answer.ts'
import { toGeminiRequest } from '../../../src/wire/gemini/to-gemini-request.ts'
import { fromOpenAiResponsesInput } from '../../../src/wire/openai-responses/from-openai-responses-input.ts'
import { toOpenAiResponsesAnswer, toOpenAiResponsesShell } from '../../../src/wire/openai-responses/to-openai-responses-answer.ts'
import { createOpenAiResponsesStreamWriter } from '../../../src/wire/openai-responses/to-openai-responses-stream.ts'
import type { ResponsesOutputItem } from '../../../src/wire/openai-responses/types.ts'
import { fixture } from '../gemini/fixtures.ts'

const question = 'What is the temperature in London?'
const signature = fixture('function-call.answer.json').candidates[0].content.parts[0].thoughtSignature

const shell = toOpenAiResponsesShell(
  { model: 'gemini:gemini-3-flash-preview', messages: [{ role: 'user', content: question }], store: false, stream: false, metadata: {} },
  { id: 'resp_1', createdAt: 1, model: 'gemini:gemini-3-flash-preview' }
)

/** What a stateless client sends on its next turn: the question, the call items as it got them, their outputs. */
function clientEcho (output: ResponsesOutputItem[]): unknown[] {
  const calls = output.filter((item) => item.type === 'function_call')
  return [
    { role: 'user', content: question },
    ...calls,
    ...calls.map((item) => ({ type: 'function_call_output', call_id: item.call_id, output: '{"temperature":12}' }))
  ]
}

/** The Gemini request of that next turn: the call's part must carry its own thought signature. */
function assertSignatureBack (messages: AiMessage[], callId: string): void {
  const assistant = messages[1]
  assert.equal(assistant.role, 'assistant')
  assert.equal(assistant.toolCalls?.[0].id, callId, 'the call gets back its own id')
  assert.equal((messages[2] as { toolCallId: string }).toolCallId, callId, 'its output names the call\'s own id')
  const contents = toGeminiRequest({ messages, tools: [{ name: 'get_current_temperature' }] }).contents
  assert.equal(contents[1].parts[0].thoughtSignature, signature)
  assert.deepEqual(contents[2].parts[0].functionResponse?.name, 'get_current_temperature')
}

test('openai-responses: a Gemini call\'s thought signature survives answer -> stateless client echo -> request', function () {
  const answer = fromGeminiAnswer(fixture('function-call.answer.json'), 'gemini:m')
  const call = answer.toolCalls?.[0]
  assert.ok(call?.providerData !== undefined)
  const response = toOpenAiResponsesAnswer(shell, { ...answer, model: 'gemini:gemini-3-flash-preview' })
  const item = response.output.find((entry) => entry.type === 'function_call')
  assert.ok(item?.type === 'function_call')
  assert.notEqual(item.call_id, call.id, 'the call_id carries the provider data')
  assert.ok(item.call_id.startsWith(call.id + '.aiw1.'))
  assertSignatureBack(fromOpenAiResponsesInput(clientEcho(response.output)), call.id)
})

test('openai-responses: streamed, the function_call item carries the same call_id as the JSON answer', function () {
  const answer = fromGeminiAnswer(fixture('function-call.answer.json'), 'gemini:m')
  const call = answer.toolCalls?.[0]
  assert.ok(call !== undefined)
  const writer = createOpenAiResponsesStreamWriter(shell)
  writer.start()
  const events = writer.write({ type: 'tool_call', id: '1', index: 0, toolCall: call })
  writer.write({ type: 'end', id: '2', result: 'TOOL_CALLS', sessionId: 's', model: 'gemini:gemini-3-flash-preview' })
  const done = events.find((event) => event.type === 'response.output_item.done')
  assert.ok(done?.type === 'response.output_item.done' && done.item.type === 'function_call')
  const json = toOpenAiResponsesAnswer(shell, { ...answer, model: 'gemini:gemini-3-flash-preview' })
  assert.deepEqual(writer.final?.output, json.output)
  assertSignatureBack(fromOpenAiResponsesInput(clientEcho(writer.final?.output ?? [])), call.id)
})

test('openai-responses: a call without provider data keeps its plain id as call_id, read back unchanged', function () {
  const output = toOpenAiResponsesAnswer(shell, { text: '', result: 'TOOL_CALLS', model: 'openai:m', toolCalls: [{ id: 'call_abc', name: 'f', arguments: '{}' }] }).output
  assert.deepEqual(output.map((item) => item.type === 'function_call' ? item.call_id : item.type), ['call_abc'])
  const messages = fromOpenAiResponsesInput(clientEcho(output))
  assert.deepEqual(messages[1], { role: 'assistant', content: '', toolCalls: [{ id: 'call_abc', name: 'f', arguments: '{}' }] })
  assert.deepEqual(messages[2], { role: 'tool', toolCallId: 'call_abc', content: '{"temperature":12}' })
})
