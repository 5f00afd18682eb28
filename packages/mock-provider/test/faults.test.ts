import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chatBody, dataOf, GEMINI_AUTH, geminiBody, OPENAI_AUTH, post, rawPost, readFrames, startMock } from './helper.ts'

const OPENAI = '/v1/chat/completions'
const GEMINI_STREAM = '/v1beta/models/g:streamGenerateContent?alt=sse'

function streamBody (text = 'one two three') {
  return chatBody('m', text, { stream: true })
}

test('status answers the provider error body with Retry-After', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { status: 429, retryAfter: '7' }, { status: 500 }, { status: 400 }, { status: 503, errorBody: { custom: true } })
  const limited = await post(mock, OPENAI, chatBody('m', 'x'), OPENAI_AUTH)
  assert.equal(limited.status, 429)
  assert.equal(limited.headers.get('retry-after'), '7')
  assert.equal((await limited.json()).error.code, 'rate_limit_exceeded')
  const failed = await post(mock, OPENAI, chatBody('m', 'x'), OPENAI_AUTH)
  assert.equal(failed.status, 500)
  assert.equal((await failed.json()).error.type, 'server_error')
  const tooLong = await post(mock, '/chat/completions', streamBody(), OPENAI_AUTH)
  assert.equal(tooLong.status, 400)
  assert.equal((await tooLong.json()).error.code, 'context_length_exceeded')
  const custom = await post(mock, OPENAI, chatBody('m', 'x'), OPENAI_AUTH)
  assert.equal(custom.status, 503)
  assert.deepEqual(await custom.json(), { custom: true })

  mock.enqueue('g', { status: 429, retryAfter: '30' }, { status: 503 })
  const exhausted = await post(mock, GEMINI_STREAM, geminiBody('x'), GEMINI_AUTH)
  assert.equal(exhausted.status, 429)
  const { error } = await exhausted.json()
  assert.equal(error.code, 429)
  assert.equal(error.status, 'RESOURCE_EXHAUSTED')
  assert.equal(error.details[0].retryDelay, '30s')
  const unavailable = await post(mock, GEMINI_STREAM, geminiBody('x'), GEMINI_AUTH)
  assert.equal((await unavailable.json()).error.status, 'UNAVAILABLE')
})

test('headersDelayMs and deltaDelayMs delay the answer', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { headersDelayMs: 40 }, { deltaDelayMs: 15 })
  let start = performance.now()
  await (await post(mock, OPENAI, chatBody('m', 'x'), OPENAI_AUTH)).text()
  assert.ok(performance.now() - start >= 35)
  start = performance.now()
  // role chunk, 4 deltas, finish chunk, [DONE]: 6 pauses between 7 frames.
  await (await post(mock, OPENAI, streamBody(), OPENAI_AUTH)).text()
  assert.ok(performance.now() - start >= 80)
})

test('stallAfter keeps the socket open; the client closing it is seen as closedEarly', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { stallAfter: 1 })
  const controller = new AbortController()
  const response = await post(mock, OPENAI, streamBody(), OPENAI_AUTH, controller.signal)
  const text = await readFrames(response, 2)
  assert.deepEqual(dataOf(text).map((payload) => JSON.parse(payload).choices[0].delta.content), ['', 'Echo: '])
  const [recorded] = mock.requests
  assert.equal(recorded.closedEarly, false)
  controller.abort()
  assert.equal(await recorded.closed, true)
  assert.equal(recorded.closedEarly, true)
})

test('stallAfter on a JSON answer sends headers only, until the client leaves', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { stallAfter: 0 })
  const controller = new AbortController()
  const response = await post(mock, OPENAI, chatBody('m', 'x'), OPENAI_AUTH, controller.signal)
  assert.equal(response.status, 200)
  controller.abort()
  assert.equal(await mock.requests[0].closed, true)
})

test('cutAfter destroys the socket after N deltas, without terminator, and is not closedEarly', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { cutAfter: 2 })
  const response = await post(mock, OPENAI, streamBody(), OPENAI_AUTH)
  const text = await readFrames(response, 3)
  assert.equal(dataOf(text).length, 3)
  await assert.rejects(readFrames(response, 99).then(() => response.text()))
  assert.equal(await mock.requests[0].closed, false)

  mock.enqueue('g', { cutAfter: 1 })
  const gemini = await post(mock, GEMINI_STREAM, geminiBody('x y'), GEMINI_AUTH)
  await assert.rejects(gemini.text())

  mock.enqueue('m', { cutAfter: 0 })
  const json = await post(mock, OPENAI, chatBody('m', 'x'), OPENAI_AUTH)
  await assert.rejects(json.json())
})

test('splitFrames writes frames in pieces, cut inside a UTF-8 character, and the text survives', async (t) => {
  const mock = await startMock(t)
  mock.setBehaviour('m', { splitFrames: true, text: 'héllo wörld ✓' })
  const { chunks } = await rawPost(mock, OPENAI, streamBody(), OPENAI_AUTH)
  const text = Buffer.concat(chunks).toString()
  const payloads = dataOf(text)
  assert.ok(chunks.length > payloads.length * 2, `${chunks.length} chunks for ${payloads.length} frames`)
  const brokenChar = chunks.some((chunk) => chunk.toString().includes('\uFFFD'))
  assert.ok(brokenChar, 'some chunk boundary falls inside a multi-byte character')
  const content = payloads.slice(0, -1).map((payload) => JSON.parse(payload).choices[0]?.delta.content ?? '').join('')
  assert.equal(content, 'héllo wörld ✓')
  assert.equal(payloads.at(-1), '[DONE]')
})

test('crlf switches line endings (OpenAI to CRLF, Gemini to LF)', async (t) => {
  const mock = await startMock(t)
  mock.setBehaviour('m', { crlf: true })
  mock.setBehaviour('g', { crlf: false })
  const openai = await (await post(mock, OPENAI, streamBody(), OPENAI_AUTH)).text()
  assert.ok(openai.endsWith('data: [DONE]\r\n\r\n'))
  assert.equal(openai.split('\n').length, openai.split('\r\n').length)
  const gemini = await (await post(mock, GEMINI_STREAM, geminiBody('x'), GEMINI_AUTH)).text()
  assert.ok(!gemini.includes('\r'))
  assert.equal(dataOf(gemini).length, 2)
})

test('emptyChoicesChunk adds a chunk with choices: [] before the answer', async (t) => {
  const mock = await startMock(t)
  mock.setBehaviour('m', { emptyChoicesChunk: true })
  const chunks = dataOf(await (await post(mock, OPENAI, streamBody('x'), OPENAI_AUTH)).text()).slice(0, -1).map((payload) => JSON.parse(payload))
  assert.deepEqual(chunks[0].choices, [])
  assert.equal(chunks[1].choices[0].delta.role, 'assistant')
})

test('inBandErrorAfter sends an error object frame and ends without terminator', async (t) => {
  const mock = await startMock(t)
  mock.setBehaviour('m', { inBandErrorAfter: 1 })
  mock.setBehaviour('g', { inBandErrorAfter: 1 })
  const payloads = dataOf(await (await post(mock, OPENAI, streamBody(), OPENAI_AUTH)).text())
  assert.equal(payloads.length, 3)
  assert.deepEqual(JSON.parse(payloads[2]).error.type, 'server_error')
  const gemini = dataOf(await (await post(mock, GEMINI_STREAM, geminiBody('a b'), GEMINI_AUTH)).text())
  assert.equal(gemini.length, 2)
  assert.deepEqual(JSON.parse(gemini[1]).error, { code: 500, message: JSON.parse(gemini[1]).error.message, status: 'INTERNAL' })
})

test('malformedAfter sends a frame that is not JSON (JSON answer: a truncated body)', async (t) => {
  const mock = await startMock(t)
  mock.setBehaviour('m', { malformedAfter: 0 })
  const payloads = dataOf(await (await post(mock, OPENAI, streamBody(), OPENAI_AUTH)).text())
  assert.equal(payloads.length, 2)
  assert.throws(() => JSON.parse(payloads[1]))
  const json = await post(mock, OPENAI, chatBody('m', 'x'), OPENAI_AUTH)
  assert.equal(json.status, 200)
  await assert.rejects(json.json(), SyntaxError)
})

test('emptyAnswer: empty content, no content delta; Gemini content without parts', async (t) => {
  const mock = await startMock(t)
  mock.setBehaviour('m', { emptyAnswer: true })
  mock.setBehaviour('g', { emptyAnswer: true })
  const json = await (await post(mock, OPENAI, chatBody('m', 'x'), OPENAI_AUTH)).json()
  assert.equal(json.choices[0].message.content, '')
  assert.equal(json.usage.completion_tokens, 0)
  const chunks = dataOf(await (await post(mock, OPENAI, streamBody(), OPENAI_AUTH)).text()).slice(0, -1).map((payload) => JSON.parse(payload))
  assert.deepEqual(chunks.map((chunk) => chunk.choices[0].delta.content), ['', undefined])
  const gemini = await (await post(mock, '/v1beta/models/g:generateContent', geminiBody('x'), GEMINI_AUTH)).json()
  assert.deepEqual(gemini.candidates[0].content, { role: 'model' })
  const frames = dataOf(await (await post(mock, GEMINI_STREAM, geminiBody('x'), GEMINI_AUTH)).text()).map((payload) => JSON.parse(payload))
  assert.equal(frames.length, 1)
  assert.equal(frames[0].candidates[0].finishReason, 'STOP')
  assert.equal(frames[0].usageMetadata.candidatesTokenCount, 0)
})
