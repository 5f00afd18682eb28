import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toAnthropicRequest } from '../../../src/wire/anthropic/to-anthropic-request.ts'
import { fromAnthropicRequest } from '../../../src/wire/anthropic/from-anthropic-request.ts'
import type { AiMessage } from '../../../src/types.ts'
import { ANTHROPIC_TOOL_USE_ID_PATTERN } from '../../../src/wire/anthropic/anthropic-tool-use-id.ts'
import type { AnthropicContentBlock } from '../../../src/wire/anthropic/types.ts'

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

test('ids of other providers\' calls Anthropic would refuse (Kimi\'s functions.Bash:0) go in a safe form, the same in tool_use and tool_result', function () {
  const ids = ['functions.Bash:0', 'functions.Bash_0', 'functions:Bash:0', 'toolu_ok-1']
  const messages: AiMessage[] = [
    { role: 'user', content: 'run it' },
    { role: 'assistant', content: '', toolCalls: ids.map((id) => ({ ...call, id })) },
    ...ids.map((id): AiMessage => ({ role: 'tool', toolCallId: id, content: 'done' }))
  ]
  const body = toAnthropicRequest('claude-sonnet-4-5', { messages }, false)
  const uses = (body.messages[1].content as AnthropicContentBlock[]).map((block) => block.type === 'tool_use' ? block.id : '')
  const results = (body.messages[2].content as AnthropicContentBlock[]).map((block) => block.type === 'tool_result' ? block.tool_use_id : '')
  assert.deepEqual(results, uses, 'each result names its call')
  for (const id of uses) assert.match(id, ANTHROPIC_TOOL_USE_ID_PATTERN)
  assert.equal(new Set(uses).size, ids.length, 'distinct ids stay distinct')
  for (const id of uses.slice(0, 3)) assert.match(id, /^functions_Bash_0_[0-9a-f]{12}$/, 'replaced characters and a hash')
  assert.equal(uses[3], 'toolu_ok-1', 'a valid id is sent as it is')
  // The same conversation gives the same ids (a session's next turn).
  assert.deepEqual(toAnthropicRequest('claude-sonnet-4-5', { messages }, false).messages, body.messages)
})

test('a request without tools whose history holds tool calls (a follow-up prompt in a session) defines the names used, with tool_choice none', function () {
  const messages: AiMessage[] = [
    { role: 'user', content: 'weather in Rome and the time?' },
    { role: 'assistant', content: '', toolCalls: [call, { ...call, id: 'toolu_2' }, { id: 'toolu_3', name: 'now', arguments: '' }] },
    { role: 'tool', toolCallId: 'toolu_1', content: 'sun' },
    { role: 'tool', toolCallId: 'toolu_2', content: 'sun' },
    { role: 'tool', toolCallId: 'toolu_3', content: '12:00' },
    { role: 'assistant', content: 'Sunny, noon.' },
    { role: 'user', content: 'thanks, and tomorrow?' }
  ]
  const body = toAnthropicRequest('claude-sonnet-4-5', { messages }, false)
  assert.deepEqual(body.tools, [
    { name: 'get_weather', input_schema: { type: 'object' } },
    { name: 'now', input_schema: { type: 'object' } }
  ])
  assert.deepEqual(body.tool_choice, { type: 'none' })
  // The request's own tools win; without calls in the history nothing is added.
  const own = toAnthropicRequest('claude-sonnet-4-5', { messages, tools: [{ name: 'get_weather' }] }, false)
  assert.deepEqual(own.tools, [{ name: 'get_weather', input_schema: { type: 'object', properties: {} } }])
  assert.equal(own.tool_choice, undefined)
  const plain = toAnthropicRequest('claude-sonnet-4-5', { messages: [{ role: 'user', content: 'hi' }] }, false)
  assert.equal(plain.tools, undefined)
  assert.equal(plain.tool_choice, undefined)
})
