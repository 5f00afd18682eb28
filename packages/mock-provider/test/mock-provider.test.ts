import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chatBody, dataOf, GEMINI_AUTH, geminiBody, OPENAI_AUTH, post, startMock } from './helper.ts'

test('OpenAI JSON answer has the chat.completion shape and echoes the last user message', async (t) => {
  const mock = await startMock(t)
  const response = await post(mock, '/v1/chat/completions', chatBody('gpt-4o-mini', 'hello there', { max_tokens: 10 }), OPENAI_AUTH)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type')!, /^application\/json/)
  const body = await response.json()
  assert.match(body.id, /^chatcmpl-/)
  assert.equal(body.object, 'chat.completion')
  assert.equal(typeof body.created, 'number')
  assert.equal(body.model, 'gpt-4o-mini')
  assert.equal(typeof body.system_fingerprint, 'string')
  assert.deepEqual(body.choices, [{
    index: 0,
    message: { role: 'assistant', content: 'Echo: hello there', refusal: null, annotations: [] },
    logprobs: null,
    finish_reason: 'stop'
  }])
  assert.equal(body.usage.prompt_tokens, 4) // 'be brief' + 'hello there'
  assert.equal(body.usage.completion_tokens, 3)
  assert.equal(body.usage.total_tokens, 7)
  assert.equal(body.usage.prompt_tokens_details.cached_tokens, 0)

  assert.equal(mock.requests.length, 1)
  const [recorded] = mock.requests
  assert.equal(recorded.provider, 'openai')
  assert.equal(recorded.path, '/v1/chat/completions')
  assert.equal(recorded.model, 'gpt-4o-mini')
  assert.equal(recorded.stream, false)
  assert.equal(recorded.headers.authorization, 'Bearer sk-test')
  assert.equal(recorded.body.max_tokens, 10)
  assert.equal(await recorded.closed, false)
  assert.equal(recorded.closedEarly, false)
})

test('OpenAI stream: role chunk, one chunk per word, finish chunk, [DONE]; no usage chunk unless asked', async (t) => {
  const mock = await startMock(t)
  const response = await post(mock, '/v1/chat/completions', chatBody('gpt-4o-mini', 'a b', { stream: true }), OPENAI_AUTH)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type')!, /^text\/event-stream/)
  const text = await response.text()
  assert.ok(!text.includes('\r'), 'OpenAI streams use LF')
  const payloads = dataOf(text)
  assert.equal(payloads.at(-1), '[DONE]')
  const chunks = payloads.slice(0, -1).map((payload) => JSON.parse(payload))
  for (const chunk of chunks) {
    assert.equal(chunk.object, 'chat.completion.chunk')
    assert.equal(chunk.id, chunks[0].id)
    assert.equal(chunk.model, 'gpt-4o-mini')
    assert.equal('usage' in chunk, false)
  }
  assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null })
  assert.deepEqual(chunks.slice(1, -1).map((chunk) => chunk.choices[0].delta.content), ['Echo: ', 'a ', 'b'])
  assert.deepEqual(chunks.at(-1).choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }])
  assert.equal(mock.requests[0].stream, true)
})

test('OpenAI stream with include_usage ends with a choices: [] usage chunk before [DONE]', async (t) => {
  const mock = await startMock(t)
  const body = chatBody('gpt-4o-mini', 'one two three', { stream: true, stream_options: { include_usage: true } })
  const payloads = dataOf(await (await post(mock, '/v1/chat/completions', body, OPENAI_AUTH)).text())
  assert.equal(payloads.at(-1), '[DONE]')
  const chunks = payloads.slice(0, -1).map((payload) => JSON.parse(payload))
  const last = chunks.at(-1)
  assert.deepEqual(last.choices, [])
  assert.equal(last.usage.prompt_tokens, 5)
  assert.equal(last.usage.completion_tokens, 4)
  assert.equal(last.usage.total_tokens, 9)
  for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.usage, null)
  assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop')
})

test('DeepSeek answers on /chat/completions with its own usage fields', async (t) => {
  const mock = await startMock(t)
  const response = await post(mock, '/chat/completions', chatBody('deepseek-chat', 'hi'), OPENAI_AUTH)
  const body = await response.json()
  assert.equal(body.object, 'chat.completion')
  assert.deepEqual(body.choices[0].message, { role: 'assistant', content: 'Echo: hi' })
  assert.equal(body.usage.prompt_cache_hit_tokens, 0)
  assert.equal(body.usage.prompt_cache_miss_tokens, body.usage.prompt_tokens)
  assert.equal(mock.requests[0].provider, 'deepseek')
})

test('Gemini generateContent answers a GenerateContentResponse, key in header or query', async (t) => {
  const mock = await startMock(t)
  const response = await post(mock, '/v1beta/models/gemini-2.5-flash:generateContent', geminiBody('hello'), GEMINI_AUTH)
  assert.equal(response.status, 200)
  const body = await response.json()
  assert.deepEqual(body.candidates, [{ content: { parts: [{ text: 'Echo: hello' }], role: 'model' }, finishReason: 'STOP', index: 0 }])
  assert.deepEqual(
    { ...body.usageMetadata, promptTokensDetails: undefined },
    { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3, promptTokensDetails: undefined }
  )
  assert.equal(body.modelVersion, 'gemini-2.5-flash')
  assert.equal(typeof body.responseId, 'string')

  const byQuery = await post(mock, '/v1beta/models/gemini-2.5-flash:generateContent?key=abc', geminiBody('x'), { 'content-type': 'application/json' })
  assert.equal(byQuery.status, 200)
  await byQuery.body?.cancel()
  assert.equal(mock.requests[0].provider, 'gemini')
  assert.equal(mock.requests[0].model, 'gemini-2.5-flash')
  assert.equal(mock.requests[0].body.generationConfig.maxOutputTokens, 100)
})

test('Gemini stream: CRLF data frames, usageMetadata and finishReason only in the last', async (t) => {
  const mock = await startMock(t)
  const path = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'
  const response = await post(mock, path, geminiBody('héllo wörld'), GEMINI_AUTH)
  assert.match(response.headers.get('content-type')!, /^text\/event-stream/)
  const text = await response.text()
  assert.ok(text.endsWith('}\r\n\r\n'))
  assert.ok(!text.includes('[DONE]'))
  const frames = dataOf(text).map((payload) => JSON.parse(payload))
  assert.deepEqual(frames.map((frame) => frame.candidates[0].content.parts[0].text), ['Echo: ', 'héllo ', 'wörld'])
  for (const frame of frames.slice(0, -1)) {
    assert.equal(frame.usageMetadata, undefined)
    assert.equal(frame.candidates[0].finishReason, undefined)
  }
  const last = frames.at(-1)
  assert.equal(last.candidates[0].finishReason, 'STOP')
  assert.equal(last.usageMetadata.candidatesTokenCount, 3)
  assert.equal(last.usageMetadata.totalTokenCount, last.usageMetadata.promptTokenCount + 3)
  assert.equal(mock.requests[0].stream, true)
  assert.equal(mock.requests[0].path, path)
})

test('missing credentials: OpenAI and DeepSeek 401 invalid_api_key, Gemini 403 PERMISSION_DENIED', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('gpt-4o-mini', { text: 'kept for the authorized request' })
  for (const path of ['/v1/chat/completions', '/chat/completions']) {
    const response = await post(mock, path, chatBody('gpt-4o-mini', 'x'), { 'content-type': 'application/json' })
    assert.equal(response.status, 401)
    const { error } = await response.json()
    assert.equal(error.code, 'invalid_api_key')
    assert.equal(error.type, 'invalid_request_error')
    assert.equal(typeof error.message, 'string')
    assert.equal(error.param, null)
  }
  const gemini = await post(mock, '/v1beta/models/gemini-2.5-flash:generateContent', geminiBody('x'), { 'content-type': 'application/json' })
  assert.equal(gemini.status, 403)
  assert.equal((await gemini.json()).error.status, 'PERMISSION_DENIED')

  const authorized = await post(mock, '/v1/chat/completions', chatBody('gpt-4o-mini', 'x'), OPENAI_AUTH)
  assert.equal((await authorized.json()).choices[0].message.content, 'kept for the authorized request')
  assert.equal(mock.requests.length, 4)
})

test('bad requests: unknown path 404, body that is not JSON 400', async (t) => {
  const mock = await startMock(t)
  const unknown = await post(mock, '/v1/completions', '{}', OPENAI_AUTH)
  assert.equal(unknown.status, 404)
  await unknown.body?.cancel()
  const notJson = await post(mock, '/v1/chat/completions', '{nope', OPENAI_AUTH)
  assert.equal(notJson.status, 400)
  assert.equal((await notJson.json()).error.type, 'invalid_request_error')
})

test('behaviours: enqueued one-shots first, then the model default, then the * default', async (t) => {
  const mock = await startMock(t)
  mock.setBehaviour('*', { text: 'any model' })
  mock.setBehaviour('m', { text: 'default', finishReason: 'length', usage: false })
  mock.enqueue('m', { text: 'first' }, { deltas: ['sec', 'ond'] })
  async function ask (model: string) {
    return (await post(mock, '/v1/chat/completions', chatBody(model, 'x'), OPENAI_AUTH)).json()
  }
  assert.equal((await ask('m')).choices[0].message.content, 'first')
  assert.equal((await ask('m')).choices[0].message.content, 'second')
  const fallback = await ask('m')
  assert.equal(fallback.choices[0].message.content, 'default')
  assert.equal(fallback.choices[0].finish_reason, 'length')
  assert.equal('usage' in fallback, false)
  assert.equal((await ask('other')).choices[0].message.content, 'any model')
})

test('recording: waitForRequests, reset, and record: false keeps nothing but the count', async (t) => {
  const mock = await startMock(t)
  const waiting = mock.waitForRequests(2)
  await (await post(mock, '/v1/chat/completions', chatBody('m', 'x'), OPENAI_AUTH)).text()
  await (await post(mock, '/chat/completions', chatBody('m', 'y'), OPENAI_AUTH)).text()
  await waiting
  assert.deepEqual(mock.requests.map((request) => request.provider), ['openai', 'deepseek'])
  mock.setBehaviour('m', { text: 'configured' })
  mock.reset()
  assert.equal(mock.requests.length, 0)
  assert.equal(mock.requestCount, 0)
  assert.equal((await (await post(mock, '/v1/chat/completions', chatBody('m', 'z'), OPENAI_AUTH)).json()).choices[0].message.content, 'Echo: z')

  const quiet = await startMock(t, { record: false })
  for (let i = 0; i < 3; i++) await (await post(quiet, '/v1/chat/completions', chatBody('m', 'x'), OPENAI_AUTH)).text()
  await quiet.waitForRequests(3)
  assert.equal(quiet.requestCount, 3)
  assert.equal(quiet.requests.length, 0)
})
