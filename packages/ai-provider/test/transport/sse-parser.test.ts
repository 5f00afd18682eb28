import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createSseParser } from '../../src/transport/sse-parser.ts'
import type { SseEvent } from '../../src/transport/sse-parser.ts'

function parseChunks (chunks: Array<Uint8Array | string>): SseEvent[] {
  const events: SseEvent[] = []
  const parser = createSseParser(function collect (event) { events.push(event) })
  for (const chunk of chunks) parser.push(chunk)
  parser.end()
  return events
}

const sample = '\uFEFF: a comment\r\n' +
  'retry: 1500\n' +
  'data: {"text":"héllo 👋"}\n\n' +
  'event: update\r\nid: 7\r\ndata: line one\r\ndata:line two\r\n\r\n' +
  'data\n\n' +
  'data: after CR\r\r' +
  ':keep-alive\n\n' +
  'id: 8\nevent: only-type\n\n' +
  'data: [DONE]\n\n' +
  'data: never dispatched, no blank line\n'

const expected: SseEvent[] = [
  { event: 'message', data: '{"text":"héllo 👋"}', id: '' },
  { event: 'update', data: 'line one\nline two', id: '7' },
  { event: 'message', data: '', id: '7' },
  { event: 'message', data: 'after CR', id: '7' },
  { event: 'message', data: '[DONE]', id: '8' }
]

test('parses fields, comments, multi-line data, every line ending and a BOM', function () {
  assert.deepEqual(parseChunks([sample]), expected)
})

test('every split position of the byte stream gives the same events', function () {
  const bytes = Buffer.from(sample)
  for (let split = 0; split <= bytes.length; split++) {
    const events = parseChunks([bytes.subarray(0, split), bytes.subarray(split)])
    assert.deepEqual(events, expected, 'split at byte ' + split)
  }
})

test('byte-by-byte delivery (UTF-8 split everywhere) gives the same events', function () {
  const bytes = Buffer.from(sample)
  const chunks: Uint8Array[] = []
  for (let i = 0; i < bytes.length; i++) chunks.push(bytes.subarray(i, i + 1))
  assert.deepEqual(parseChunks(chunks), expected)
})

test('every pair of split positions gives the same events', function () {
  const bytes = Buffer.from(sample)
  const reference = parseChunks([bytes])
  assert.deepEqual(reference, expected)
  for (let first = 0; first <= bytes.length; first++) {
    for (let second = first; second <= bytes.length; second++) {
      const events = parseChunks([bytes.subarray(0, first), bytes.subarray(first, second), bytes.subarray(second)])
      assert.deepEqual(events, reference, 'splits at ' + first + ' and ' + second)
    }
  }
})

test('a CR at the end of a chunk followed by LF counts as one line break', function () {
  assert.deepEqual(parseChunks(['data: a\r', '\n\r', '\ndata: b\r', '\r']), [
    { event: 'message', data: 'a', id: '' },
    { event: 'message', data: 'b', id: '' }
  ])
})

test('only one leading BOM is dropped', function () {
  assert.deepEqual(parseChunks(['\uFEFF\uFEFFdata: x\n\n']), [])
  assert.deepEqual(parseChunks([Buffer.from('\uFEFFdata: x\n\n')]), [{ event: 'message', data: 'x', id: '' }])
})

test('exposes retry and the last event id; ignores invalid ones', function () {
  const parser = createSseParser(function ignore () {})
  parser.push('retry: 250\nid: a\n\nretry: soon\nid: b\u0000c\n\n')
  assert.equal(parser.retry, 250)
  assert.equal(parser.lastEventId, 'a')
})

test('an event without data is not dispatched and resets the event type', function () {
  assert.deepEqual(parseChunks(['event: ping\n\ndata: x\n\n']), [{ event: 'message', data: 'x', id: '' }])
})

test('a field without colon and unknown fields are handled as the spec says', function () {
  assert.deepEqual(parseChunks(['foo: bar\ndata\ndata\n\n']), [{ event: 'message', data: '\n', id: '' }])
})

test('only one space after the colon is stripped', function () {
  assert.deepEqual(parseChunks(['data:  two spaces\n\n']), [{ event: 'message', data: ' two spaces', id: '' }])
})

test('an error thrown by the event callback propagates out of push', function () {
  const parser = createSseParser(function explode () { throw new Error('boom') })
  assert.throws(function pushFrame () { parser.push('data: x\n\n') }, /boom/)
})

test('invalid UTF-8 becomes U+FFFD whether or not a chunk ends inside a sequence', function () {
  const bytes = Buffer.concat([Buffer.from('data: a'), Buffer.from([0xff]), Buffer.from('b\n\ndata: é\n\n')])
  const whole = parseChunks([bytes])
  assert.deepEqual(whole.map((event) => event.data), ['a\uFFFDb', 'é'])
  // Split inside `é` (0xC3 0xA9): the rest of the stream is decoded with the sequence kept.
  const split = bytes.indexOf(0xc3) + 1
  assert.deepEqual(parseChunks([bytes.subarray(0, split), bytes.subarray(split)]), whole)
  // A chunk ending on a truncated sequence at the end of the stream is flushed as U+FFFD by end().
  assert.deepEqual(parseChunks([Buffer.from('data: x\n\ndata: '), Buffer.from([0xe2, 0x82])]).map((event) => event.data), ['x'])
})
