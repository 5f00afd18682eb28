import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gemini } from '../../src/providers/gemini.ts'
import { input, providerSuite } from './provider-suite.ts'

providerSuite({
  type: 'gemini',
  baseUrl: (mockUrl) => mockUrl,
  completePath: (model) => `/v1beta/models/${model}:generateContent`,
  streamPath: (model) => `/v1beta/models/${model}:streamGenerateContent?alt=sse`,
  maxTokensReason: 'MAX_TOKENS',
  missingKeyStatus: 403
})

test('gemini: request body has systemInstruction, user/model contents and generationConfig', function () {
  const body = JSON.parse(gemini.buildBody('gemini-2.5-flash', {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'again' }
    ],
    temperature: 0.2,
    maxTokens: 50,
    topP: 0.8,
    stop: ['END']
  }, true))
  assert.deepEqual(body, {
    systemInstruction: { parts: [{ text: 'Be brief.' }] },
    contents: [
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'hello' }] },
      { role: 'user', parts: [{ text: 'again' }] }
    ],
    generationConfig: { temperature: 0.2, maxOutputTokens: 50, topP: 0.8, stopSequences: ['END'] }
  })
  assert.equal(JSON.parse(gemini.buildBody('m', { messages: input.messages.slice(1) }, false)).generationConfig, undefined)
})

test('gemini: x-goog-api-key auth and native paths', function () {
  assert.deepEqual(gemini.buildHeaders({ apiKey: 'k', headers: {} }), { 'content-type': 'application/json', 'x-goog-api-key': 'k' })
  assert.equal(gemini.streamPath('', 'gemini-2.5-flash'), '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse')
  assert.equal(gemini.defaultBaseUrl, 'https://generativelanguage.googleapis.com')
})

test('gemini: all text parts are read, thoughts are skipped; thinking tokens count as completion and as reasoning', function () {
  const answer = gemini.readAnswer({
    candidates: [{ content: { role: 'model', parts: [{ text: 'pondering', thought: true }, { text: 'Hello ' }, { text: 'world' }] }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, thoughtsTokenCount: 10, totalTokenCount: 16 }
  }, 'g:m')
  assert.deepEqual(answer, { text: 'Hello world', result: 'COMPLETE', usage: { promptTokens: 4, completionTokens: 12, totalTokens: 16, reasoningTokens: 10 } })
})

test('gemini: finish reasons map to results', function () {
  const read = (finishReason: string) => gemini.readAnswer({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason }] }, 'g:m').result
  assert.equal(read('STOP'), 'COMPLETE')
  assert.equal(read('MAX_TOKENS'), 'INCOMPLETE_MAX_TOKENS')
  assert.equal(read('SAFETY'), 'INCOMPLETE_UNKNOWN')
})

test('gemini: a blocked prompt is AI_PROVIDER_REQUEST_REJECTED, no text is AI_PROVIDER_EMPTY_RESPONSE', function () {
  assert.throws(() => gemini.readAnswer({ promptFeedback: { blockReason: 'SAFETY' } }, 'g:m'), { code: 'AI_PROVIDER_REQUEST_REJECTED', message: /SAFETY/ })
  assert.throws(() => gemini.readStreamEvent('{"promptFeedback":{"blockReason":"OTHER"}}', gemini.createStreamState(), 'g:m'), { code: 'AI_PROVIDER_REQUEST_REJECTED' })
  assert.throws(() => gemini.readAnswer({ candidates: [{ content: { parts: [{ text: 'hm', thought: true }] }, finishReason: 'STOP' }] }, 'g:m'), { code: 'AI_PROVIDER_EMPTY_RESPONSE' })
  assert.throws(() => gemini.readAnswer({ candidates: [] }, 'g:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => gemini.readAnswer({ candidates: {} }, 'g:m'), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
})

test('gemini: a stream ends with the body after a finishReason; without one it was cut', function () {
  const state = gemini.createStreamState()
  assert.deepEqual(gemini.readStreamEvent('{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"}}]}', state, 'g:m'), { type: 'delta', text: 'Hi' })
  assert.equal(gemini.readStreamEnd(state, 'g:m'), undefined)
  gemini.readStreamEvent('{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2}}', state, 'g:m')
  assert.deepEqual(gemini.readStreamEnd(state, 'g:m'), { type: 'end', result: 'COMPLETE', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } })
})

test('gemini: RESOURCE_EXHAUSTED is AI_PROVIDER_EXCEEDED', function () {
  const error = gemini.readError(429, '{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}', 'g:m', undefined)
  assert.equal((error as Error & { code: string }).code, 'AI_PROVIDER_EXCEEDED')
  assert.match(error.message, /Resource has been exhausted/)
})

test('gemini: cachedContentTokenCount is the usage\'s cachedPromptTokens', function () {
  const answer = gemini.readAnswer({
    candidates: [{ content: { parts: [{ text: 'Hi' }] }, finishReason: 'STOP' }],
    usageMetadata: { promptTokenCount: 40, cachedContentTokenCount: 32, candidatesTokenCount: 2, totalTokenCount: 42 }
  }, 'g:m')
  assert.deepEqual(answer.usage, { promptTokens: 40, completionTokens: 2, totalTokens: 42, cachedPromptTokens: 32 })
})
