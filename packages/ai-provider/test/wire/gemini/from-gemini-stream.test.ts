import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ProviderStreamEvent } from '../../../src/provider.ts'
import { createGeminiStreamReader } from '../../../src/wire/gemini/from-gemini-stream.ts'
import { fromGeminiAnswer } from '../../../src/wire/gemini/from-gemini-answer.ts'
import { chunks, fixture } from './fixtures.ts'

function readAll (frames: any[]): { events: Array<ProviderStreamEvent | undefined>, reader: ReturnType<typeof createGeminiStreamReader> } {
  const reader = createGeminiStreamReader()
  const events: Array<ProviderStreamEvent | undefined> = []
  for (const frame of frames) events.push(...reader.read(frame, 'gemini:m'))
  events.push(reader.end())
  return { events, reader }
}

const cases = [
  // Text, then the calls whole in the last frame with the finish reason; ids generated, signature on the first.
  'stream-parallel-calls',
  // Gemini 3 signs a streamed text answer on a final empty part: no delta for it.
  'stream-text-signature'
]

for (const name of cases) {
  test(`from-gemini-stream: fixture ${name}`, function () {
    assert.deepEqual(readAll(chunks(`${name}.chunks.txt`)).events, fixture(`${name}.conversation.json`))
  })
}

test('from-gemini-stream: the state goes waiting -> answering -> finished and keeps the text signature', function () {
  const frames = chunks('stream-text-signature.chunks.txt')
  const reader = createGeminiStreamReader()
  assert.equal(reader.state.phase, 'waiting')
  reader.read(frames[0], 'g:m')
  assert.equal(reader.state.phase, 'answering')
  assert.equal(reader.end(), undefined, 'no finish reason yet: the stream was cut')
  reader.read(frames[1], 'g:m')
  reader.read(frames[2], 'g:m')
  assert.equal(reader.state.phase, 'finished')
  assert.equal(reader.finishReason, 'STOP')
  assert.equal(reader.state.textSignature, 'ErADAdHtim9xQk3tV2u8')
  assert.equal(reader.state.responseId, 'Yk1cacbHCoOZ7M8P3cnb4Q0')
  assert.deepEqual(reader.usage, { promptTokens: 9, completionTokens: 131, totalTokens: 140, reasoningTokens: 120 })
})

test('from-gemini-stream: one answer streamed in one frame gives the calls and ids of the whole answer', function () {
  for (const name of ['function-call', 'parallel-calls']) {
    const answer = fixture(`${name}.answer.json`)
    const whole = fromGeminiAnswer(answer, 'g:m')
    const { events } = readAll([answer])
    const calls = events.filter((event) => event?.type === 'tool_call')
    assert.deepEqual(calls, (whole.toolCalls ?? []).map((toolCall, index) => ({ type: 'tool_call', index, toolCall })), name)
    assert.deepEqual(events.at(-1), { type: 'end', result: whole.result, usage: whole.usage })
  }
})

test('from-gemini-stream: text around a call is split in order; usage-only and candidate-less frames give nothing', function () {
  const reader = createGeminiStreamReader()
  assert.deepEqual(reader.read({ usageMetadata: { promptTokenCount: 3 } }, 'g:m'), [])
  assert.deepEqual(reader.read({ candidates: [] }, 'g:m'), [])
  assert.equal(reader.state.phase, 'waiting')
  const events = reader.read({
    responseId: 'r1',
    candidates: [{
      content: {
        parts: [
          { text: 'hmm', thought: true },
          { text: 'A' },
          { text: 'B' },
          { functionCall: { id: 'c1', name: 'f', args: { x: 1 } } },
          { text: 'C' }
        ]
      }
    }]
  }, 'g:m')
  assert.deepEqual(events, [
    { type: 'delta', text: 'AB' },
    { type: 'tool_call', index: 0, toolCall: { id: 'c1', name: 'f', arguments: '{"x":1}' } },
    { type: 'delta', text: 'C' }
  ])
  assert.deepEqual(reader.read({ candidates: [{ content: { parts: [{ functionCall: { name: 'g' } }] }, finishReason: 'STOP' }] }, 'g:m')[0],
    { type: 'tool_call', index: 1, toolCall: { id: (reader.state.toolCalls[1]).id, name: 'g', arguments: '{}' } })
  assert.match(reader.state.toolCalls[1].id, /^gemini-call-1-/)
  assert.deepEqual(reader.end(), { type: 'end', result: 'TOOL_CALLS', usage: { promptTokens: 3, completionTokens: 0, totalTokens: 3 } })
})

test('from-gemini-stream: a frame it cannot read is AI_PROVIDER_MALFORMED_RESPONSE', function () {
  assert.throws(() => createGeminiStreamReader().read({ candidates: [{ content: { parts: {} } }] }, 'g:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
})
