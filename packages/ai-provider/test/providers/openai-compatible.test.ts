import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openaiCompatible } from '../../src/providers/openai-compatible.ts'
import { providerSuite } from './provider-suite.ts'

// The base URL carries a path prefix (`/v1`), to which the adapter appends /chat/completions.
providerSuite({
  type: 'openai-compatible',
  baseUrl: (mockUrl) => mockUrl + '/v1',
  completePath: () => '/v1/chat/completions',
  streamPath: () => '/v1/chat/completions',
  maxTokensReason: 'length',
  missingKeyStatus: 401
})

test('openai-compatible: no default base URL, max_tokens, no auth header without a key', function () {
  assert.equal(openaiCompatible.defaultBaseUrl, undefined)
  assert.equal(openaiCompatible.completePath('/api/v1', 'llama3'), '/api/v1/chat/completions')
  assert.equal(JSON.parse(openaiCompatible.buildBody('llama3', { messages: [], maxTokens: 5 }, false)).max_tokens, 5)
  assert.deepEqual(openaiCompatible.buildHeaders({ headers: {} }), { 'content-type': 'application/json' })
})

test('openai-compatible: a body that ends after finish_reason without [DONE] is finished; without it, cut', function () {
  const state = openaiCompatible.createStreamState()
  assert.equal(openaiCompatible.readStreamEnd(state, 'l:m'), undefined)
  openaiCompatible.readStreamEvent('{"choices":[{"delta":{},"finish_reason":"length"}]}', state, 'l:m')
  assert.deepEqual(openaiCompatible.readStreamEnd(state, 'l:m'), { type: 'end', result: 'INCOMPLETE_MAX_TOKENS' })
})

test('openai-compatible: a string error (Ollama style) gives its message; usage chunk with choices null is fine', function () {
  const error = openaiCompatible.readError(404, '{"error":"model \\"llama9\\" not found"}', 'l:m', undefined)
  assert.equal((error as Error & { code: string }).code, 'AI_PROVIDER_REQUEST_REJECTED')
  assert.match(error.message, /model "llama9" not found/)
  const state = openaiCompatible.createStreamState()
  assert.equal(openaiCompatible.readStreamEvent('{"choices":null,"usage":{"prompt_tokens":1,"completion_tokens":2}}', state, 'l:m'), undefined)
  assert.deepEqual(state.usage, { promptTokens: 1, completionTokens: 2, totalTokens: 3 })
})
