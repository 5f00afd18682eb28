import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AiOptions } from '../src/types.ts'
import { normalizeOptions } from '../src/options.ts'

const providers = { openai: { apiKey: 'k' } }

const badOptions: Array<[string, unknown, RegExp]> = [
  ['negative rate max in a model', { providers, models: ['openai:a', { provider: 'openai', model: 'b', limits: { rate: { max: -3 } } }] }, /models\[1\]\.limits\.rate\.max must be a positive integer, got -3/],
  ['unknown provider in models', { providers, models: ['gemini:flash'] }, /models\[0\] uses provider "gemini", which is not configured/],
  ['model object with unknown provider', { providers, models: [{ provider: 'x', model: 'm' }] }, /models\[0\] uses provider "x"/],
  ['empty models', { providers, models: [] }, /models must be a non-empty array, got \[\]/],
  ['models missing', { providers }, /models must be a non-empty array, got undefined/],
  ['duplicate model', { providers, models: ['openai:a', { provider: 'openai', model: 'a' }] }, /models\[1\] repeats "openai:a"/],
  ['model string without colon', { providers, models: ['gpt-4o'] }, /models\[0\] must be "provider:model", got "gpt-4o"/],
  ['bad time window', { providers, models: ['openai:a'], limits: { rate: { timeWindow: '10 minutes' } } }, /limits\.rate\.timeWindow must be a time window .*got "10 minutes"/],
  ['negative restore', { providers, models: ['openai:a'], restore: { timeout: -1 } }, /restore\.timeout must be a time window .*got -1/],
  ['zero rate window', { providers, models: ['openai:a'], limits: { rate: { timeWindow: 0 } } }, /limits\.rate\.timeWindow must be a time window longer than 0, got 0/],
  ['negative retry', { providers, models: ['openai:a'], limits: { retry: { max: -1 } } }, /limits\.retry\.max must be a non-negative integer, got -1/],
  ['fractional historyLength', { providers, models: ['openai:a'], limits: { historyLength: 1.5 } }, /limits\.historyLength must be a positive integer, got 1.5/],
  ['requestTimeout as string', { providers, models: ['openai:a'], limits: { requestTimeout: '30s' } }, /limits\.requestTimeout must be a positive integer, got "30s"/],
  ['requestTimeout beyond a timer', { providers, models: ['openai:a'], limits: { requestTimeout: 2 ** 31 } }, /limits\.requestTimeout must be at most 2147483647 ms, got 2147483648/],
  ['unknown top-level key', { providers, models: ['openai:a'], limit: {} }, /options\.limit is not a known option/],
  ['unknown limits key', { providers, models: ['openai:a'], limits: { maxToken: 5 } }, /limits\.maxToken is not a known option/],
  ['session limits in a model', { providers, models: [{ provider: 'openai', model: 'a', limits: { historyLength: 5 } }] }, /models\[0\]\.limits\.historyLength is not a known option/],
  ['unknown restore key', { providers, models: ['openai:a'], restore: { quota: '1m' } }, /restore\.quota is not a known option/],
  ['unknown provider key', { providers: { openai: { apiKey: 'k', url: 'x' } }, models: ['openai:a'] }, /providers\.openai\.url is not a known option/],
  ['no providers', { providers: {}, models: ['openai:a'] }, /providers must configure at least one provider/],
  ['custom provider without type', { providers: { local: { baseUrl: 'http://127.0.0.1:1/v1' } }, models: ['local:m'] }, /providers\.local\.type is required/],
  ['unknown provider type', { providers: { local: { type: 'bedrock', baseUrl: 'http://x' } }, models: ['local:m'] }, /providers\.local\.type must be one of .*got "bedrock"/],
  ['version for a provider not anthropic', { providers: { openai: { apiKey: 'k', version: '2023-06-01' } }, models: ['openai:a'] }, /providers\.openai\.version is for a provider of type anthropic, not openai/],
  ['anthropic beta not an array', { providers: { anthropic: { apiKey: 'k', beta: 'x' } }, models: ['anthropic:c'] }, /providers\.anthropic\.beta must be an array of strings/],
  ['anthropic beta with an empty flag', { providers: { anthropic: { apiKey: 'k', beta: [''] } }, models: ['anthropic:c'] }, /providers\.anthropic\.beta\[0\]/],
  ['streamUsage for anthropic', { providers: { anthropic: { apiKey: 'k', streamUsage: true } }, models: ['anthropic:c'] }, /providers\.anthropic\.streamUsage is for the OpenAI wire format, not for a provider of type anthropic/],
  ['openai-compatible without baseUrl', { providers: { local: { type: 'openai-compatible' } }, models: ['local:m'] }, /providers\.local\.baseUrl is required/],
  ['openai without apiKey', { providers: { openai: {} }, models: ['openai:a'] }, /providers\.openai\.apiKey is required/],
  ['baseUrl not a URL', { providers: { openai: { apiKey: 'k', baseUrl: 'localhost:8080' } }, models: ['openai:a'] }, /providers\.openai\.baseUrl must be an http\(s\) URL, got "localhost:8080"/],
  ['negative pool connections', { providers: { openai: { apiKey: 'k', connections: -1 } }, models: ['openai:a'] }, /providers\.openai\.connections must be a positive integer, got -1/],
  ['streamUsage for gemini', { providers: { gemini: { apiKey: 'k', streamUsage: false } }, models: ['gemini:g'] }, /providers\.gemini\.streamUsage is for the OpenAI wire format/],
  ['streamUsage not a boolean', { providers: { openai: { apiKey: 'k', streamUsage: 'no' } }, models: ['openai:a'] }, /providers\.openai\.streamUsage must be true or false, got "no"/],
  ['unknown storage type', { providers, models: ['openai:a'], storage: { type: 'redis' } }, /storage\.type must be "memory" or "valkey", got "redis"/],
  ['negative detachTimeout', { providers, models: ['openai:a'], limits: { detachTimeout: -5 } }, /limits\.detachTimeout must be a non-negative integer, got -5/]
]

for (const [name, options, message] of badOptions) {
  test(`rejects ${name}`, () => {
    assert.throws(() => normalizeOptions(options as AiOptions), (error: Error & { code: string }) => {
      assert.equal(error.code, 'AI_OPTIONS_INVALID')
      assert.match(error.message, message)
      return true
    })
  })
}

test('defaults are the documented ones', () => {
  const options = normalizeOptions({ providers, models: ['openai:gpt-4o-mini'] })
  const [model] = options.models
  assert.deepEqual({ ...model.limits }, { rate: { max: 200, windowMs: 30_000 }, requestTimeout: 30_000, retry: { max: 1, interval: 1000 }, onDisconnect: 'continue', maxGenerationTime: 600_000 })
  assert.deepEqual(model.restore, { rateLimit: 60_000, retry: 60_000, timeout: 60_000, providerCommunicationError: 60_000, providerExceededError: 600_000 })
  assert.deepEqual(options.limits, { historyExpiration: 86_400_000, historyLength: 50, detachTimeout: 1000, streamLease: 10_000, maxDetachedStreams: 1000 })
  assert.deepEqual(options.storage, { type: 'memory' })
  assert.equal(options.providers.openai.baseUrl, 'https://api.openai.com')
  assert.equal(options.providers.openai.type, 'openai')
  assert.ok(Object.isFrozen(options) && Object.isFrozen(model) && Object.isFrozen(model.limits))
})

test('provider:model is split at the first colon and keyed by provider and model', () => {
  const options = normalizeOptions({
    providers: { openai: { apiKey: 'k' }, local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1/' } },
    models: ['local:llama3:8b', 'openai:llama3:8b']
  })
  assert.deepEqual(options.models.map((model) => [model.name, model.provider, model.model]), [
    ['local:llama3:8b', 'local', 'llama3:8b'],
    ['openai:llama3:8b', 'openai', 'llama3:8b']
  ])
  assert.equal(options.providers.local.baseUrl, 'http://127.0.0.1:11434/v1')
})

test('per-model limits and restore override the global ones field by field', () => {
  const options = normalizeOptions({
    providers,
    models: [
      { provider: 'openai', model: 'a', limits: { rate: { max: 5 }, retry: { interval: 10 } }, restore: { timeout: '5s' } },
      'openai:b'
    ],
    limits: { maxTokens: 1000, rate: { max: 100, timeWindow: '1m' }, requestTimeout: 20_000 },
    restore: { providerExceededError: '1h' }
  })
  const [a, b] = options.models
  assert.deepEqual(a.limits, { maxTokens: 1000, rate: { max: 5, windowMs: 60_000 }, requestTimeout: 20_000, retry: { max: 1, interval: 10 }, onDisconnect: 'continue', maxGenerationTime: 600_000 })
  assert.equal(a.restore.timeout, 5000)
  assert.equal(a.restore.providerExceededError, 3_600_000)
  assert.deepEqual(b.limits.rate, { max: 100, windowMs: 60_000 })
  assert.equal(b.restore.timeout, 60_000)
})
