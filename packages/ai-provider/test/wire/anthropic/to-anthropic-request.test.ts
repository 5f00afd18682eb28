import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toAnthropicRequest } from '../../../src/wire/anthropic/to-anthropic-request.ts'
import { fromAnthropicRequest } from '../../../src/wire/anthropic/from-anthropic-request.ts'
import type { AiMessage } from '../../../src/types.ts'

const call = { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Rome"}' }

test('tool results go back in the next user message, in call order, a failed run marked is_error', function () {
  const messages: AiMessage[] = [
    { role: 'user', content: 'weather in Rome and Oslo?' },
    { role: 'assistant', content: '', toolCalls: [call, { ...call, id: 'toolu_2', arguments: '{"city":"Oslo"}' }] },
    { role: 'tool', toolCallId: 'toolu_2', content: 'snow' },
    { role: 'tool', toolCallId: 'toolu_1', content: 'no such city', providerData: { anthropic: { isError: true } } }
  ]
  const body = toAnthropicRequest('claude-sonnet-4-5', { messages, maxTokens: 100 }, false)
  assert.equal(body.max_tokens, 100)
  const results = body.messages[2]
  assert.equal(results.role, 'user')
  assert.deepEqual(results.content, [
    { type: 'tool_result', tool_use_id: 'toolu_1', content: 'no such city', is_error: true },
    { type: 'tool_result', tool_use_id: 'toolu_2', content: 'snow' }
  ])
})

test('an Anthropic client\'s failed tool result reaches an Anthropic upstream as failed', function () {
  const read = fromAnthropicRequest({
    model: 'claude',
    max_tokens: 50,
    messages: [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Rome' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'timeout', is_error: true }] }
    ]
  })
  const body = toAnthropicRequest('claude-sonnet-4-5', { messages: read.messages, maxTokens: 50 }, false)
  assert.deepEqual(body.messages.at(-1)?.content, [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'timeout', is_error: true }])
})
