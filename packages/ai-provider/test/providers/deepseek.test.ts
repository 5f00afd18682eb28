import { test } from 'node:test'
import assert from 'node:assert/strict'
import { deepseek } from '../../src/providers/deepseek.ts'
import { input, providerSuite } from './provider-suite.ts'

providerSuite({
  type: 'deepseek',
  baseUrl: (mockUrl) => mockUrl,
  completePath: () => '/chat/completions',
  streamPath: () => '/chat/completions',
  maxTokensReason: 'length',
  missingKeyStatus: 401
})

test('deepseek: request body uses max_tokens, path has no /v1, default base URL', function () {
  const body = JSON.parse(deepseek.buildBody('deepseek-chat', input, false))
  assert.equal(body.max_tokens, 100)
  assert.equal(body.max_completion_tokens, undefined)
  assert.equal(deepseek.completePath('', 'deepseek-chat'), '/chat/completions')
  assert.equal(deepseek.defaultBaseUrl, 'https://api.deepseek.com')
})

test('deepseek: reasoning_content is not answer text', function () {
  const state = deepseek.createStreamState()
  assert.equal(deepseek.readStreamEvent('{"choices":[{"delta":{"content":null,"reasoning_content":"thinking…"},"finish_reason":null}]}', state, 'd:m'), undefined)
  assert.deepEqual(deepseek.readStreamEvent('{"choices":[{"delta":{"content":"42"},"finish_reason":null}]}', state, 'd:m'), { type: 'delta', text: '42' })
  const answer = deepseek.readAnswer({ choices: [{ message: { content: '42', reasoning_content: 'thinking…' }, finish_reason: 'stop' }] }, 'd:m')
  assert.equal(answer.text, '42')
})

test('deepseek: 402 insufficient balance is AI_PROVIDER_EXCEEDED', function () {
  const error = deepseek.readError(402, '{"error":{"message":"Insufficient Balance","type":"unknown_error","param":null,"code":"invalid_request_error"}}', 'd:m', undefined)
  assert.equal((error as Error & { code: string }).code, 'AI_PROVIDER_EXCEEDED')
})

test('deepseek: prompt_cache_hit_tokens is the usage\'s cachedPromptTokens', function () {
  const answer = deepseek.readAnswer({
    choices: [{ message: { content: 'Hi' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_cache_hit_tokens: 64, prompt_cache_miss_tokens: 36 }
  }, 'd:m')
  assert.deepEqual(answer.usage, { promptTokens: 100, completionTokens: 5, totalTokens: 105, cachedPromptTokens: 64 })
})
