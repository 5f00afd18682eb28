import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fromGeminiAnswer, geminiUsage } from '../../../src/wire/gemini/from-gemini-answer.ts'
import { GEMINI_FINISH_REASONS, geminiFinish } from '../../../src/wire/gemini/gemini-finish-reasons.ts'
import { GENERATED_TOOL_CALL_ID_PREFIX, isGeneratedToolCallId } from '../../../src/wire/gemini/gemini-tool-calls.ts'
import { fixture } from './fixtures.ts'

const cases = [
  // One call, no id: a generated one; the signature kept on the call; STOP with calls is TOOL_CALLS.
  'function-call',
  // Parallel calls with Gemini's ids, the signature on the first only; thoughts left out; cached tokens.
  'parallel-calls',
  // Text over several parts, thoughts left out; MAX_TOKENS; thinking tokens are reasoning tokens.
  'text'
]

for (const name of cases) {
  test(`from-gemini-answer: fixture ${name}`, function () {
    assert.deepEqual(fromGeminiAnswer(fixture(`${name}.answer.json`), 'gemini:m'), fixture(`${name}.conversation.json`))
  })
}

test('from-gemini-answer: every finish reason row; STOP with calls is TOOL_CALLS, the raw value is kept', function () {
  for (const [raw, result] of Object.entries(GEMINI_FINISH_REASONS)) {
    assert.deepEqual(geminiFinish(raw, 0), { result, raw })
    assert.deepEqual(geminiFinish(raw, 2), { result: raw === 'STOP' ? 'TOOL_CALLS' : result, raw })
  }
  assert.equal(GEMINI_FINISH_REASONS.STOP, 'COMPLETE')
  assert.equal(GEMINI_FINISH_REASONS.MAX_TOKENS, 'INCOMPLETE_MAX_TOKENS')
  assert.equal(GEMINI_FINISH_REASONS.MISSING_THOUGHT_SIGNATURE, 'INCOMPLETE_UNKNOWN')
  assert.deepEqual(geminiFinish('SOMETHING_NEW', 0), { result: 'INCOMPLETE_UNKNOWN', raw: 'SOMETHING_NEW' })
  assert.deepEqual(geminiFinish('toString', 0), { result: 'INCOMPLETE_UNKNOWN', raw: 'toString' })
  assert.deepEqual(geminiFinish(undefined, 1), { result: 'INCOMPLETE_UNKNOWN', raw: undefined })
})

test('from-gemini-answer: generated ids are stable for one answer, differ between answers and between calls', function () {
  const answer = fixture('function-call.answer.json')
  const first = fromGeminiAnswer(answer, 'g:m').toolCalls?.[0].id as string
  assert.equal(fromGeminiAnswer(structuredClone(answer), 'g:m').toolCalls?.[0].id, first)
  assert.ok(first.startsWith(GENERATED_TOOL_CALL_ID_PREFIX) && isGeneratedToolCallId(first))
  assert.notEqual(fromGeminiAnswer({ ...answer, responseId: 'another' }, 'g:m').toolCalls?.[0].id, first)
  const twice = structuredClone(answer)
  twice.candidates[0].content.parts.push(structuredClone(twice.candidates[0].content.parts[0]))
  const [a, b] = fromGeminiAnswer(twice, 'g:m').toolCalls ?? []
  assert.equal(a.id, first)
  assert.notEqual(b.id, a.id)
  assert.equal(isGeneratedToolCallId('call_abc'), false)
})

test('from-gemini-answer: a call without args has "{}"; an empty candidate has no text and no calls', function () {
  assert.deepEqual(fromGeminiAnswer({ candidates: [{ content: { parts: [{ functionCall: { id: 'i', name: 'now' } }] }, finishReason: 'STOP' }] }, 'g:m'),
    { text: '', result: 'TOOL_CALLS', toolCalls: [{ id: 'i', name: 'now', arguments: '{}' }] })
  assert.deepEqual(fromGeminiAnswer({ candidates: [{ content: { role: 'model' }, finishReason: 'SAFETY' }] }, 'g:m'), { text: '', result: 'INCOMPLETE_UNKNOWN' })
})

test('from-gemini-answer: shapes it cannot read are AI_PROVIDER_MALFORMED_RESPONSE', function () {
  const malformed = { code: 'AI_PROVIDER_MALFORMED_RESPONSE' }
  assert.throws(() => fromGeminiAnswer({}, 'g:m'), malformed)
  assert.throws(() => fromGeminiAnswer({ candidates: {} }, 'g:m'), malformed)
  assert.throws(() => fromGeminiAnswer({ candidates: ['x'] }, 'g:m'), malformed)
  assert.throws(() => fromGeminiAnswer({ candidates: [{ content: { parts: 'x' } }] }, 'g:m'), malformed)
  assert.throws(() => fromGeminiAnswer({ candidates: [{ content: { parts: [null] } }] }, 'g:m'), malformed)
  assert.throws(() => fromGeminiAnswer({ candidates: [{ content: { parts: [{ functionCall: 'f' }] } }] }, 'g:m'), malformed)
  assert.throws(() => fromGeminiAnswer({ candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] }, 'g:m'), { ...malformed, message: /functionCall.name/ })
})

test('from-gemini-answer: usage without a prompt count is none; totals are summed when absent', function () {
  assert.equal(geminiUsage(undefined), undefined)
  assert.equal(geminiUsage({ candidatesTokenCount: 3 }), undefined)
  assert.deepEqual(geminiUsage({ promptTokenCount: 2, candidatesTokenCount: 3, cachedContentTokenCount: 0, thoughtsTokenCount: 0 }),
    { promptTokens: 2, completionTokens: 3, totalTokens: 5 })
})
