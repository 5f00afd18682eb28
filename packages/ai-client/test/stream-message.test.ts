import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toStreamMessage } from '../src/stream-message.ts'
import { AiClientStreamError } from '../src/errors.ts'
import type { AskStreamMessage } from '../src/types.ts'

function plain (message: AskStreamMessage | undefined): unknown {
  if (message?.type === 'error') {
    assert.ok(message.error instanceof AiClientStreamError)
    return { type: 'error', code: message.error.code, message: message.error.message }
  }
  return message
}

test('reads AI Warp named events', () => {
  assert.deepEqual(plain(toStreamMessage({ event: 'content', data: '{"response":"Hi"}' })), { type: 'content', content: 'Hi' })
  assert.deepEqual(plain(toStreamMessage({
    event: 'end',
    data: '{"response":"INCOMPLETE_MAX_TOKENS","sessionId":"s1","model":"openai:m","usage":{"promptTokens":1,"completionTokens":2,"totalTokens":3}}'
  })), {
    type: 'done',
    response: { result: 'INCOMPLETE_MAX_TOKENS', sessionId: 's1', model: 'openai:m', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }
  })
  assert.deepEqual(plain(toStreamMessage({ event: 'error', data: '{"code":"AI_PROVIDER_TIMEOUT","message":"too slow"}' })),
    { type: 'error', code: 'AI_PROVIDER_TIMEOUT', message: 'too slow' })
})

test('skips unknown events and reads a non-JSON content as text', () => {
  assert.equal(toStreamMessage({ event: 'ping', data: '{}' }), undefined)
  assert.deepEqual(plain(toStreamMessage({ event: 'content', data: 'raw' })), { type: 'content', content: 'raw' })
})

test('an unreadable end event becomes an error message, not a silent done', () => {
  assert.deepEqual(plain(toStreamMessage({ event: 'end', data: '{"response":"WHATEVER"}' })),
    { type: 'error', code: 'AI_CLIENT_BAD_RESPONSE', message: 'Unreadable end event: {"response":"WHATEVER"}' })
})

test('infers the message type of data-only SSE from the data', () => {
  const read = (data: string) => plain(toStreamMessage({ event: 'message', data }))
  assert.deepEqual(read('{"response":"COMPLETE"}'), { type: 'content', content: 'COMPLETE' })
  assert.deepEqual(read('{"content":"x"}'), { type: 'content', content: 'x' })
  assert.deepEqual(read('plain text'), { type: 'content', content: 'plain text' })
  assert.deepEqual(read('{"response":"COMPLETE","sessionId":"s","model":"m"}'),
    { type: 'done', response: { result: 'COMPLETE', sessionId: 's', model: 'm' } })
  assert.deepEqual(read('{"response":{"result":"COMPLETE","sessionId":"s"}}'),
    { type: 'done', response: { result: 'COMPLETE', sessionId: 's', model: '' } })
  assert.deepEqual(read('{"code":"AI_X","message":"boom"}'), { type: 'error', code: 'AI_X', message: 'boom' })
  assert.deepEqual(read('{"error":{"code":"AI_Y","message":"bad"}}'), { type: 'error', code: 'AI_Y', message: 'bad' })
  assert.deepEqual(read('{"error":"plain"}'), { type: 'error', code: 'AI_CLIENT_STREAM_ERROR', message: 'plain' })
  assert.equal(read('{"other":1}'), undefined)
})
