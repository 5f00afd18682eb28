import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createSseParser } from '../src/sse-parser.ts'
import type { SseEvent } from '../src/sse-parser.ts'

function parseAll (chunks: Array<string | Uint8Array>): SseEvent[] {
  const parser = createSseParser()
  return chunks.flatMap((chunk) => parser.push(chunk))
}

function bytes (text: string): Uint8Array {
  return new TextEncoder().encode(text)
}

const frames = 'id: 1\nevent: content\ndata: {"response":"héllo 👋"}\n\nid: 2\nevent: end\ndata: {"response":"COMPLETE"}\n\n'
const expected: SseEvent[] = [
  { id: '1', event: 'content', data: '{"response":"héllo 👋"}' },
  { id: '2', event: 'end', data: '{"response":"COMPLETE"}' }
]

test('reads whole frames', () => {
  assert.deepEqual(parseAll([frames]), expected)
})

test('reads frames split at every byte, including inside UTF-8 characters', () => {
  const all = bytes(frames)
  const chunks = Array.from(all, (byte) => Uint8Array.of(byte))
  assert.deepEqual(parseAll(chunks), expected)
})

test('reads CRLF, CR and LF line endings, and a CRLF split between chunks', () => {
  assert.deepEqual(parseAll([frames.replaceAll('\n', '\r\n')]), expected)
  assert.deepEqual(parseAll([frames.replaceAll('\n', '\r')]), expected)
  const crlf = bytes(frames.replaceAll('\n', '\r\n'))
  const chunks = Array.from(crlf, (byte) => Uint8Array.of(byte))
  assert.deepEqual(parseAll(chunks), expected)
  // The CR ends one chunk and the LF starts the next: one line ending, not two.
  assert.deepEqual(parseAll(['data: a\r', '\ndata: b\r', '\n\r', '\n']), [{ event: 'message', data: 'a\nb' }])
})

test('joins multi-line data with newlines', () => {
  assert.deepEqual(parseAll(['data: one\ndata: two\ndata:three\n\n']), [{ event: 'message', data: 'one\ntwo\nthree' }])
})

test('keeps only one leading space of a value and reads a field without colon as empty', () => {
  assert.deepEqual(parseAll(['data:  two spaces\n\n']), [{ event: 'message', data: ' two spaces' }])
  assert.deepEqual(parseAll(['data\ndata\n\n']), [{ event: 'message', data: '\n' }])
})

test('counts comments and skips them, with events around them', () => {
  const parser = createSseParser()
  const events = parser.push(': ping\n\n:another\ndata: x\n: inside\n\n')
  assert.deepEqual(events, [{ event: 'message', data: 'x' }])
  assert.equal(parser.comments, 3)
})

test('does not dispatch an event without data, and resets its type', () => {
  assert.deepEqual(parseAll(['event: end\n\ndata: y\n\n']), [{ event: 'message', data: 'y' }])
})

test('drops an event cut before its blank line', () => {
  const parser = createSseParser()
  assert.deepEqual(parser.push('id: 1\ndata: a\n\nid: 2\nevent: end\ndata: {"resp'), [{ id: '1', event: 'message', data: 'a' }])
  assert.equal(parser.lastEventId, '1')
})

test('keeps the last event id across events; only events with their own id carry one', () => {
  const parser = createSseParser()
  const events = parser.push('id: 7\ndata: a\n\ndata: b\n\nid: bad\u0000id\ndata: c\n\n')
  assert.deepEqual(events, [{ id: '7', event: 'message', data: 'a' }, { event: 'message', data: 'b' }, { event: 'message', data: 'c' }])
  assert.equal(parser.lastEventId, '7')
})

test('reads retry and ignores unknown fields', () => {
  assert.deepEqual(parseAll(['retry: 1500\nfoo: bar\ndata: z\n\nretry: soon\ndata: w\n\n']), [
    { event: 'message', data: 'z', retry: 1500 },
    { event: 'message', data: 'w' }
  ])
})

test('strips a UTF-8 byte order mark at the start of the stream', () => {
  assert.deepEqual(parseAll([Uint8Array.of(0xef, 0xbb), Uint8Array.of(0xbf), bytes('data: a\n\n')]), [{ event: 'message', data: 'a' }])
})
