import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { AiResponse, AiResult } from '../../../src/types.ts'
import { OPENAI_CHAT_FINISH_REASONS, toOpenAiChatAnswer } from '../../../src/wire/openai-chat/to-openai-chat-answer.ts'
import { fromOpenAiChatRequest } from '../../../src/wire/openai-chat/from-openai-chat-request.ts'

function fixture (name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/openai-chat/${name}`, import.meta.url), 'utf8'))
}

test('inbound-tool-calls: an answer with tool calls is a chat.completion with tool_calls and null content', () => {
  const answer = toOpenAiChatAnswer(fixture('inbound-tool-calls.response.json') as AiResponse, 'chatcmpl-abc123', 1741569952)
  assert.deepEqual(answer, fixture('inbound-tool-calls.answer.json'))
})

test('what a client echoes back of an answer reads as the calls it was given, provider data included', () => {
  const response = fixture('inbound-tool-calls.response.json') as AiResponse
  const message = toOpenAiChatAnswer(response, 'chatcmpl-1', 1).choices[0].message
  const next = fromOpenAiChatRequest({
    model: 'm',
    messages: [
      { role: 'user', content: 'weather?' },
      message,
      ...(message.tool_calls ?? []).map((call) => ({ role: 'tool', tool_call_id: call.id, content: '{}' }))
    ]
  })
  assert.deepEqual(next.messages[1], { role: 'assistant', content: '', toolCalls: response.toolCalls })
  assert.deepEqual(next.messages.slice(2).map((tool) => tool.role === 'tool' && tool.toolCallId), ['call_1', 'call_2'])
})

test('a text answer has its text, no tool_calls, and usage without details the provider did not give', () => {
  assert.deepEqual(toOpenAiChatAnswer({ text: 'hey', result: 'INCOMPLETE_MAX_TOKENS', sessionId: 's', model: 'openai:m', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }, 'chatcmpl-1', 10), {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 10,
    model: 'openai:m',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hey', refusal: null }, logprobs: null, finish_reason: 'length' }],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }
  })
  const silent = toOpenAiChatAnswer({ text: '', result: 'COMPLETE', sessionId: 's', model: 'openai:m' }, 'chatcmpl-2', 10)
  assert.equal(silent.choices[0].message.content, null)
  assert.equal('usage' in silent, false)
})

test('every result has a finish reason', () => {
  const rows: Array<[AiResult, string]> = [['COMPLETE', 'stop'], ['INCOMPLETE_MAX_TOKENS', 'length'], ['INCOMPLETE_UNKNOWN', 'stop'], ['TOOL_CALLS', 'tool_calls']]
  assert.deepEqual(Object.entries(OPENAI_CHAT_FINISH_REASONS), rows)
})
