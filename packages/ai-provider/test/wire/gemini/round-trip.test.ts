import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AiMessage } from '../../../src/types.ts'
import { fromGeminiAnswer } from '../../../src/wire/gemini/from-gemini-answer.ts'
import { createGeminiStreamReader } from '../../../src/wire/gemini/from-gemini-stream.ts'
import { toGeminiRequest } from '../../../src/wire/gemini/to-gemini-request.ts'
import { chunks, fixture } from './fixtures.ts'

// Gemini answer -> conversation -> the next Gemini request: the model's step goes back as Gemini
// sent it (thoughts aside, which are not kept): same parts, signatures on the same parts, Gemini's
// ids and no made-up ones, args equal.

for (const name of ['function-call', 'parallel-calls']) {
  test(`round trip: answer ${name} comes back as Gemini sent it`, function () {
    const answer = fixture(`${name}.answer.json`)
    const read = fromGeminiAnswer(answer, 'g:m')
    const messages: AiMessage[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: read.text, toolCalls: read.toolCalls }
    ]
    for (const call of read.toolCalls ?? []) messages.push({ role: 'tool', toolCallId: call.id, content: '{"ok":true}' })
    const request = toGeminiRequest({ messages })
    const sent = answer.candidates[0].content.parts.filter((part: { thought?: boolean }) => part.thought !== true)
    assert.deepEqual(request.contents[1], { role: 'model', parts: sent })
    assert.deepEqual(request.contents[2].parts.map((part) => part.functionResponse?.name), sent.map((part: any) => part.functionCall.name))
    assert.deepEqual(request.contents[2].parts.map((part) => part.functionResponse?.id), sent.map((part: any) => part.functionCall.id))
  })
}

test('round trip: a streamed step comes back with its text, calls and the first call\'s signature', function () {
  const reader = createGeminiStreamReader()
  let text = ''
  for (const frame of chunks('stream-parallel-calls.chunks.txt')) {
    for (const event of reader.read(frame, 'g:m')) if (event.type === 'delta') text += event.text
  }
  const request = toGeminiRequest({ messages: [{ role: 'user', content: 'party' }, { role: 'assistant', content: text, toolCalls: reader.state.toolCalls }] })
  assert.deepEqual(request.contents[1].parts, [
    { text: 'Let me set that up.' },
    { functionCall: { name: 'power_disco_ball', args: { power: true } }, thoughtSignature: 'EpwDCpkDAdHtim8sFk2tq7r4Vh0M9a3GdJ2u' },
    { functionCall: { name: 'start_music', args: { energetic: true, loud: true } } }
  ])
})
