import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TOOL_CALL_ID_MARKER, decodeToolCallId, encodeToolCallId } from '../../../src/wire/openai-chat/openai-chat-tool-call-id.ts'

test('an id without provider data passes through unchanged, both ways', () => {
  assert.equal(encodeToolCallId('call_abc123', undefined), 'call_abc123')
  assert.equal(encodeToolCallId('call_abc123', {}), 'call_abc123')
  assert.deepEqual(decodeToolCallId('call_abc123'), { id: 'call_abc123' })
  assert.deepEqual(decodeToolCallId('toolu_01A09q90qw90lq917835lq9'), { id: 'toolu_01A09q90qw90lq917835lq9' })
})

test('provider data travels inside the id and comes back exactly', () => {
  const providerData = { gemini: { thoughtSignature: 'CiQB0e2Kb+/sig==' + 'x'.repeat(600) } }
  const id = encodeToolCallId('gemini-call-0', providerData)
  assert.ok(id.startsWith('gemini-call-0' + TOOL_CALL_ID_MARKER))
  assert.match(id, /^[A-Za-z0-9_.-]+$/, 'only characters every client keeps as they are')
  assert.deepEqual(decodeToolCallId(id), { id: 'gemini-call-0', providerData })
})

test('several namespaces and an id that itself holds dots and the marker round-trip', () => {
  const providerData = { gemini: { thoughtSignature: 'a' }, anthropic: { signature: 'b', kind: 'thinking' } }
  for (const own of ['call.1', 'x.aiw1.y', 'ü-unicode', 'a'.repeat(200)]) {
    assert.deepEqual(decodeToolCallId(encodeToolCallId(own, providerData)), { id: own, providerData })
  }
})

test('ids that merely look encoded are ordinary ids', () => {
  const notProviderData = [
    'call' + TOOL_CALL_ID_MARKER + 'not json',
    'call' + TOOL_CALL_ID_MARKER + Buffer.from('[1,2]').toString('base64url'),
    'call' + TOOL_CALL_ID_MARKER + Buffer.from('{"gemini":"flat"}').toString('base64url'),
    'call' + TOOL_CALL_ID_MARKER + Buffer.from('{}').toString('base64url'),
    'call' + TOOL_CALL_ID_MARKER + 'e30',
    TOOL_CALL_ID_MARKER + Buffer.from('{"gemini":{}}').toString('base64url'),
    'call' + TOOL_CALL_ID_MARKER
  ]
  for (const id of notProviderData) assert.deepEqual(decodeToolCallId(id), { id }, id)
})
