import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openai } from '../../src/providers/openai.ts'
import { input, providerSuite } from './provider-suite.ts'

providerSuite({
  type: 'openai',
  baseUrl: (mockUrl) => mockUrl,
  completePath: () => '/v1/chat/completions',
  streamPath: () => '/v1/chat/completions',
  maxTokensReason: 'length',
  missingKeyStatus: 401
})

test('openai: request body uses max_completion_tokens and asks streams for usage', function () {
  assert.deepEqual(JSON.parse(openai.buildBody('gpt-4o-mini', { ...input, topP: 0.9, stop: ['END'] }, true)), {
    model: 'gpt-4o-mini',
    messages: input.messages,
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0.5,
    top_p: 0.9,
    stop: ['END'],
    max_completion_tokens: 100
  })
  assert.deepEqual(JSON.parse(openai.buildBody('gpt-4o-mini', { messages: input.messages }, false)), {
    model: 'gpt-4o-mini',
    messages: input.messages
  })
})

test('openai: Bearer auth, extra headers win, default base URL', function () {
  assert.deepEqual(openai.buildHeaders({ apiKey: 'sk-1', headers: { 'x-extra': '1' } }), {
    'content-type': 'application/json',
    authorization: 'Bearer sk-1',
    'x-extra': '1'
  })
  assert.equal(openai.defaultBaseUrl, 'https://api.openai.com')
  assert.equal(openai.completePath('', 'm'), '/v1/chat/completions')
})

test('openai: the usage chunk after finish_reason is part of the end, emitted at [DONE]', function () {
  const state = openai.createStreamState()
  assert.deepEqual(openai.readStreamEvent('{"choices":[{"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}', state, 'o:m'), { type: 'delta', text: 'Hi' })
  assert.equal(openai.readStreamEvent('{"choices":[{"delta":{},"finish_reason":"stop"}],"usage":null}', state, 'o:m'), undefined)
  assert.equal(openai.readStreamEvent('{"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}}', state, 'o:m'), undefined)
  assert.deepEqual(openai.readStreamEvent('[DONE]', state, 'o:m'), { type: 'end', result: 'COMPLETE', usage: { promptTokens: 2, completionTokens: 1, totalTokens: 3 } })
})

test('openai: finish reasons other than stop and length are INCOMPLETE_UNKNOWN', function () {
  const answer = openai.readAnswer({ choices: [{ message: { content: 'x' }, finish_reason: 'content_filter' }] }, 'o:m')
  assert.equal(answer.result, 'INCOMPLETE_UNKNOWN')
})

test('openai: insufficient_quota is AI_PROVIDER_EXCEEDED whatever the status', function () {
  const body = JSON.stringify({ error: { message: 'You exceeded your current quota', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } })
  const error = openai.readError(403, body, 'o:m', 1000) as Error & { code: string, retryAfterMs?: number }
  assert.equal(error.code, 'AI_PROVIDER_EXCEEDED')
  assert.equal(error.retryAfterMs, 1000)
  assert.match(error.message, /exceeded your current quota/)
})

test('openai: wrong answer shapes are AI_PROVIDER_MALFORMED_RESPONSE, error bodies in a 200 are response errors', function () {
  assert.throws(() => openai.readAnswer([], 'o:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => openai.readAnswer({ choices: 'no' }, 'o:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => openai.readAnswer({ choices: [] }, 'o:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => openai.readAnswer({ choices: [{ message: { content: 42 } }] }, 'o:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => openai.readAnswer({ choices: [{ message: { content: null } }] }, 'o:m'), { code: 'AI_PROVIDER_EMPTY_RESPONSE' })
  assert.throws(() => openai.readAnswer({ error: { message: 'overloaded' } }, 'o:m'), { code: 'AI_PROVIDER_RESPONSE_ERROR' })
  assert.throws(() => openai.readStreamEvent('42', openai.createStreamState(), 'o:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
})

test('openai: prompt_tokens_details.cached_tokens is the usage\'s cachedPromptTokens (absent when 0 or not sent)', function () {
  const answer = openai.readAnswer({
    choices: [{ message: { content: 'Hi' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920 } }
  }, 'o:m')
  assert.deepEqual(answer.usage, { promptTokens: 2006, completionTokens: 300, totalTokens: 2306, cachedPromptTokens: 1920 })
  const uncached = openai.readAnswer({
    choices: [{ message: { content: 'Hi' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 6, completion_tokens: 3, total_tokens: 9, prompt_tokens_details: { cached_tokens: 0 } }
  }, 'o:m')
  assert.deepEqual(uncached.usage, { promptTokens: 6, completionTokens: 3, totalTokens: 9 })
})
