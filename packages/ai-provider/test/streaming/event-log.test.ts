import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeEvent, encodeContent, isTerminal } from '../../src/streaming/event-log.ts'

test('a content event is stored as its text in a JSON string and decodes with its id', () => {
  const data = encodeContent('héllo "world"\n')
  assert.equal(data, '"héllo \\"world\\"\\n"')
  assert.deepEqual(decodeEvent({ id: 7, data }), { type: 'content', text: 'héllo "world"\n', id: '7' })
})

test('content logged as an object (the earlier form) and the other events decode as before', () => {
  assert.deepEqual(decodeEvent({ id: 1, data: '{"type":"content","text":"half"}' }), { type: 'content', text: 'half', id: '1' })
  const end = decodeEvent({ id: 2, data: JSON.stringify({ type: 'end', result: 'COMPLETE', sessionId: 's', model: 'openai:a' }) })
  assert.deepEqual(end, { type: 'end', result: 'COMPLETE', sessionId: 's', model: 'openai:a', id: '2' })
  assert.equal(isTerminal(end), true)
  assert.equal(isTerminal(decodeEvent({ id: 3, data: encodeContent('x') })), false)
})
