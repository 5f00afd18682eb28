import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fromOpenAiChatAnswer } from '../../../src/wire/openai-chat/from-openai-chat-answer.ts'
import { OPENAI_CHAT_FINISH_REASONS, openAiChatResult } from '../../../src/wire/openai-chat/openai-chat-finish-reasons.ts'
import { fixture } from './provider-fixtures.ts'

const cases = [
  // Two calls, content null, the second one's arguments malformed (passed on as they were); cached tokens.
  'tool-calls',
  // A reasoning model cut by its budget: reasoning tokens.
  'reasoning-text',
  // A refusal is the answer's text.
  'refusal',
  // DeepSeek: reasoning_content is not text; prompt_cache_hit_tokens counts when cached_tokens says 0.
  'deepseek-cache'
]

for (const name of cases) {
  test(`from-openai-chat-answer: fixture ${name}`, function () {
    assert.deepEqual(fromOpenAiChatAnswer(fixture(`${name}.answer.json`), 'openai:m'), fixture(`${name}.conversation.json`))
  })
}

test('openai-chat finish reasons: every row; calls with stop or nothing are TOOL_CALLS; prototype keys are unknown', function () {
  for (const [raw, result] of Object.entries(OPENAI_CHAT_FINISH_REASONS)) {
    assert.equal(openAiChatResult(raw, false), result)
    assert.equal(openAiChatResult(raw, true), result === 'COMPLETE' ? 'TOOL_CALLS' : result)
  }
  assert.equal(OPENAI_CHAT_FINISH_REASONS.tool_calls, 'TOOL_CALLS')
  assert.equal(openAiChatResult('toString', false), 'INCOMPLETE_UNKNOWN')
  assert.equal(openAiChatResult(undefined, false), 'INCOMPLETE_UNKNOWN')
  assert.equal(openAiChatResult(null, true), 'TOOL_CALLS')
  assert.equal(openAiChatResult('length', true), 'INCOMPLETE_MAX_TOKENS')
})

test('from-openai-chat-answer: calls without id get one, object arguments become JSON, other tool types are skipped', function () {
  const answer = fromOpenAiChatAnswer({
    choices: [{
      message: {
        content: '',
        tool_calls: [
          { type: 'function', function: { name: 'f', arguments: { a: 1 } } },
          { id: 'x', type: 'custom', custom: { name: 'g', input: 'raw' } },
          { id: 'y', function: { name: 'h' } }
        ]
      },
      finish_reason: 'stop'
    }]
  }, 'ollama:m')
  assert.equal(answer.result, 'TOOL_CALLS')
  assert.match(answer.toolCalls?.[0].id ?? '', /^call_[0-9a-f]{24}$/)
  assert.deepEqual(answer.toolCalls?.map(({ name, arguments: args }) => ({ name, args })), [{ name: 'f', args: '{"a":1}' }, { name: 'h', args: '{}' }])
})

test('from-openai-chat-answer: blank arguments of a parameterless call (vLLM, Ollama, OpenRouter) are {}; malformed ones stay as they were', function () {
  const answer = fromOpenAiChatAnswer({
    choices: [{
      message: {
        content: null,
        tool_calls: [
          { id: 'a', type: 'function', function: { name: 'now', arguments: '' } },
          { id: 'b', type: 'function', function: { name: 'now', arguments: '  ' } },
          { id: 'c', type: 'function', function: { name: 'f', arguments: '{"x":' } }
        ]
      },
      finish_reason: 'tool_calls'
    }]
  }, 'vllm:m')
  assert.deepEqual(answer.toolCalls?.map((call) => call.arguments), ['{}', '{}', '{"x":'])
})

test('from-openai-chat-answer: empty and malformed answers', function () {
  assert.throws(() => fromOpenAiChatAnswer({ choices: [{ message: { content: null }, finish_reason: 'stop' }] }, 'o:m'), { code: 'AI_PROVIDER_EMPTY_RESPONSE' })
  assert.throws(() => fromOpenAiChatAnswer({ choices: [{ message: { content: '', tool_calls: [] } }] }, 'o:m'), { code: 'AI_PROVIDER_EMPTY_RESPONSE' })
  assert.throws(() => fromOpenAiChatAnswer({ choices: [{ message: { content: null, tool_calls: {} } }] }, 'o:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => fromOpenAiChatAnswer({ choices: [{ message: { content: null, tool_calls: [{ id: 'a', function: {} }] } }] }, 'o:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => fromOpenAiChatAnswer({ choices: [{}] }, 'o:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => fromOpenAiChatAnswer({ choices: [{ message: { content: ['x'] } }] }, 'o:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
})
