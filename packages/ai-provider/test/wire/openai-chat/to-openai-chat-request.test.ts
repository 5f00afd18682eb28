import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ProviderInput } from '../../../src/provider.ts'
import { toOpenAiChatRequest, toOpenAiChatResponseFormat, toOpenAiChatToolChoice } from '../../../src/wire/openai-chat/to-openai-chat-request.ts'
import { fixture } from './provider-fixtures.ts'

const NOT_STREAM = { stream: false, streamUsage: true, maxTokensField: 'max_completion_tokens' } as const

test('to-openai-chat-request: fixture provider-tools (every message kind, parts, tools, choice, format), no provider data written', function () {
  const input = fixture<ProviderInput>('provider-tools.conversation.json')
  const body = toOpenAiChatRequest('gpt-4.1', input, NOT_STREAM)
  assert.deepEqual(body, fixture('provider-tools.request.json'))
  const text = JSON.stringify(body)
  assert.ok(!text.includes('thoughtSignature') && !text.includes('providerData') && !text.includes('signature'), 'other formats\' data stays out')
})

test('to-openai-chat-request: stream options, the max tokens field, and nothing unasked', function () {
  const input: ProviderInput = { messages: [{ role: 'user', content: 'hi' }], maxTokens: 5, parallelToolCalls: true }
  assert.deepEqual(toOpenAiChatRequest('m', input, { stream: true, streamUsage: true, maxTokensField: 'max_tokens' }), {
    model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true }, max_tokens: 5
  })
  // parallel_tool_calls only goes with tools (OpenAI rejects it alone).
  assert.deepEqual(toOpenAiChatRequest('m', input, { stream: true, streamUsage: false, maxTokensField: 'max_completion_tokens' }), {
    model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, max_completion_tokens: 5
  })
  const withTools = toOpenAiChatRequest('m', { ...input, tools: [{ name: 't' }], parallelToolCalls: true }, NOT_STREAM)
  assert.equal(withTools.parallel_tool_calls, true)
  assert.deepEqual(withTools.tools, [{ type: 'function', function: { name: 't' } }])
})

test('to-openai-chat-request: tool_choice and parallel_tool_calls without tools are not sent (OpenAI refuses tool_choice without tools)', function () {
  const history: ProviderInput['messages'] = [
    { role: 'user', content: 'time?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'now', arguments: '{}' }] },
    { role: 'tool', toolCallId: 'c1', content: '12:00' },
    { role: 'user', content: 'thanks' }
  ]
  for (const toolChoice of ['auto', 'none', 'required', { name: 'now' }] as const) {
    for (const tools of [undefined, []]) {
      const body = toOpenAiChatRequest('m', { messages: history, tools, toolChoice, parallelToolCalls: false }, NOT_STREAM)
      assert.equal(body.tool_choice, undefined, `tool_choice ${JSON.stringify(toolChoice)} with tools ${JSON.stringify(tools)}`)
      assert.equal(body.parallel_tool_calls, undefined)
      assert.equal(body.tools, undefined)
    }
  }
  const withTools = toOpenAiChatRequest('m', { messages: history, tools: [{ name: 'now' }], toolChoice: 'none' }, NOT_STREAM)
  assert.equal(withTools.tool_choice, 'none')
})

test('to-openai-chat-request: every tool choice and response format', function () {
  assert.equal(toOpenAiChatToolChoice('auto'), 'auto')
  assert.equal(toOpenAiChatToolChoice('none'), 'none')
  assert.equal(toOpenAiChatToolChoice('required'), 'required')
  assert.deepEqual(toOpenAiChatToolChoice({ name: 'f' }), { type: 'function', function: { name: 'f' } })
  assert.deepEqual(toOpenAiChatResponseFormat({ type: 'text' }), { type: 'text' })
  assert.deepEqual(toOpenAiChatResponseFormat({ type: 'json_object' }), { type: 'json_object' })
  assert.deepEqual(toOpenAiChatResponseFormat({ type: 'json_schema', name: 'n', schema: { type: 'object' } }), {
    type: 'json_schema', json_schema: { name: 'n', schema: { type: 'object' } }
  })
})

test('to-openai-chat-request: assistant text with calls keeps its text; a tool result keeps its text parts only', function () {
  const body = toOpenAiChatRequest('m', {
    messages: [
      { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'c1', name: 'f', arguments: '{' }] },
      { role: 'tool', toolCallId: 'c1', content: [{ type: 'text', text: 'a' }, { type: 'image', url: 'https://x.test/i.png' }, { type: 'text', text: 'b' }] },
      { role: 'tool', toolCallId: 'c1', content: [{ type: 'image', url: 'https://x.test/i.png' }] }
    ]
  }, NOT_STREAM)
  assert.deepEqual(body.messages, [
    { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{' } }] },
    { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    { role: 'tool', tool_call_id: 'c1', content: '' }
  ])
})
