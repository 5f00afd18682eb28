import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ProviderStreamEvent } from '../../../src/provider.ts'
import { createOpenAiChatStreamReader } from '../../../src/wire/openai-chat/from-openai-chat-stream.ts'
import type { OpenAiChatStreamReader } from '../../../src/wire/openai-chat/from-openai-chat-stream.ts'
import { fixture, payloads } from './provider-fixtures.ts'

function feed (reader: OpenAiChatStreamReader, payload: string): ProviderStreamEvent[] {
  if (payload === '[DONE]') return reader.done()
  const output = reader.read(JSON.parse(payload))
  if (output === undefined) return []
  return Array.isArray(output) ? output : [output]
}

const cases = [
  // OpenAI's parallel calls: the first call ends at index 1, the second at the finish reason; a
  // name in two deltas, null fields, an escape split over fragments, malformed arguments; usage after finish.
  'parallel-calls',
  // Text and refusal deltas are text; DeepSeek's reasoning_content is not; no usage.
  'text-refusal'
]

for (const name of cases) {
  test(`from-openai-chat-stream: fixture ${name}, each event after the chunk that completes it`, function () {
    const reader = createOpenAiChatStreamReader('openai:m')
    const events: unknown[] = []
    payloads(`${name}.chunks.txt`).forEach(function readLine (payload, line) {
      for (const event of feed(reader, payload)) events.push({ after: line + 1, ...event })
    })
    assert.deepEqual(events, fixture(`${name}.conversation.json`))
    assert.equal(reader.state.phase, 'done')
    assert.equal(reader.read({ choices: [{ delta: { content: 'late' } }] }), undefined, 'nothing after [DONE]')
  })
}

test('from-openai-chat-stream: the finish reason completes every open call at once; the end waits for [DONE]', function () {
  const reader = createOpenAiChatStreamReader('o:m')
  assert.equal(reader.read({ choices: [{ delta: { tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{}' } }] }, finish_reason: null }] }), undefined)
  reader.read({ choices: [{ delta: { tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{' } }] }, finish_reason: null }] })
  const output = reader.read({ choices: [{ delta: { content: 'x', tool_calls: [{ index: 1, function: { arguments: '}' } }] }, finish_reason: 'tool_calls' }] })
  assert.deepEqual(output, [
    { type: 'delta', text: 'x' },
    { type: 'tool_call', index: 1, toolCall: { id: 'b', name: 'g', arguments: '{}' } }
  ])
  assert.equal(reader.state.phase, 'finished')
  assert.deepEqual(reader.end(), [{ type: 'end', result: 'TOOL_CALLS' }], 'a body closed after the finish reason is a finished answer')
})

test('from-openai-chat-stream: [DONE] without finish reason completes the calls; a body cut before any finish reason is not finished', function () {
  const reader = createOpenAiChatStreamReader('o:m')
  reader.read({ choices: [{ delta: { tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"a":' } }] } }] })
  assert.equal(reader.end(), undefined)
  assert.deepEqual(reader.done(), [
    { type: 'tool_call', index: 0, toolCall: { id: 'a', name: 'f', arguments: '{"a":' } },
    { type: 'end', result: 'TOOL_CALLS' }
  ])
})

test('from-openai-chat-stream: a call without a name, and chunks that are not chunks, are malformed', function () {
  const reader = createOpenAiChatStreamReader('o:m')
  reader.read({ choices: [{ delta: { tool_calls: [{ index: 0, id: 'a', function: { arguments: '{}' } }] } }] })
  assert.throws(() => reader.read({ choices: [{ delta: {}, finish_reason: 'tool_calls' }] }), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => createOpenAiChatStreamReader('o:m').read({ choices: 'x' }), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => createOpenAiChatStreamReader('o:m').read(42), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.equal(createOpenAiChatStreamReader('o:m').read({ choices: null, usage: null }), undefined)
})
