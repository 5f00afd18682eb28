import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { AiStreamEvent } from '../../../src/types.ts'
import { createOpenAiChatStreamWriter } from '../../../src/wire/openai-chat/to-openai-chat-stream.ts'
import { decodeToolCallId } from '../../../src/wire/openai-chat/openai-chat-tool-call-id.ts'

function fixtureText (name: string): string {
  return readFileSync(new URL(`../../fixtures/openai-chat/${name}`, import.meta.url), 'utf8')
}

const header = { id: 'chatcmpl-abc123', created: 1741569952, model: 'gemini:gemini-3-pro-preview', includeUsage: true }
const events = JSON.parse(fixtureText('inbound-tool-calls.events.json')) as AiStreamEvent[]

function payloadsOf (stream: AiStreamEvent[], options = header): string[] {
  const writer = createOpenAiChatStreamWriter(options)
  return [writer.start(), ...stream.flatMap((event) => writer.write(event))]
}

test('inbound-tool-calls: events become OpenAI chunks, one delta per whole tool call', () => {
  const expected = fixtureText('inbound-tool-calls.chunks.txt').split('\n').filter((line) => line !== '')
  assert.deepEqual(payloadsOf(events), expected)
})

// The accumulation rule every OpenAI client applies to tool-call deltas: by `index`, the first
// delta sets id, type and name, later ones append to name and arguments.
function accumulate (payloads: string[]): Array<{ id: string, name: string, arguments: string }> {
  const calls: Array<{ id: string, name: string, arguments: string }> = []
  for (const payload of payloads) {
    if (payload === '[DONE]') continue
    for (const delta of JSON.parse(payload).choices[0]?.delta.tool_calls ?? []) {
      const call = calls[delta.index] ??= { id: '', name: '', arguments: '' }
      if (delta.id !== undefined) call.id = delta.id
      call.name += delta.function?.name ?? ''
      call.arguments += delta.function?.arguments ?? ''
    }
  }
  return calls
}

test('an accumulator assembles the calls, and their ids decode to the calls and their provider data', () => {
  const calls = accumulate(payloadsOf(events))
  const end = events.at(-1) as Extract<AiStreamEvent, { type: 'end' }>
  assert.deepEqual(calls.map((call) => ({ ...decodeToolCallId(call.id), name: call.name, arguments: call.arguments })), end.toolCalls)
})

test('calls the end names that no tool_call event sent are sent before the finish, never twice', () => {
  const end = events.at(-1) as AiStreamEvent
  const onlyFirst = payloadsOf([events[1], end])
  assert.equal(accumulate(onlyFirst).length, 2)
  assert.equal(onlyFirst.filter((payload) => payload.includes('tool_calls":[')).length, 2)
  assert.equal(accumulate(payloadsOf([end])).length, 2)
})

test('without include_usage no chunk has usage; empty deltas send nothing; an error ends without [DONE]', () => {
  const payloads = payloadsOf([
    { type: 'content', id: '1', text: '' },
    { type: 'content', id: '2', text: 'Hi' },
    { type: 'error', id: '3', code: 'AI_PROVIDER_STREAM_ERROR', message: 'boom' }
  ], { ...header, includeUsage: false })
  assert.equal(payloads.length, 3)
  assert.ok(payloads.slice(0, 2).every((payload) => !('usage' in JSON.parse(payload))))
  assert.deepEqual(JSON.parse(payloads[2]), { error: { message: 'boom', type: 'server_error', param: null, code: 'AI_PROVIDER_STREAM_ERROR' } })
  const ended = payloadsOf([{ type: 'end', id: '1', result: 'INCOMPLETE_MAX_TOKENS', sessionId: 's', model: 'm' }])
  assert.equal(JSON.parse(ended[1]).choices[0].finish_reason, 'length')
  assert.equal(ended.at(-1), '[DONE]')
  assert.equal(ended.length, 3, 'no usage chunk when the provider reported none')
})
