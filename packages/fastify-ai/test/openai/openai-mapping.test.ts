import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createModelCatalog } from '../../src/openai/model-catalog.ts'
import { toOpenAiError } from '../../src/openai/openai-error.ts'

test('model catalog resolves configured models, bare names, aliases and default', () => {
  const catalog = createModelCatalog(['openai:gpt-4o-mini', 'gemini:gemini-2.5-flash'], { fast: ['gemini:gemini-2.5-flash', 'openai:gpt-4o-mini'] }, 1700000000)
  assert.deepEqual(catalog.resolve('openai:gpt-4o-mini'), ['openai:gpt-4o-mini'])
  assert.deepEqual(catalog.resolve('fast'), ['gemini:gemini-2.5-flash', 'openai:gpt-4o-mini'])
  assert.deepEqual(catalog.resolve('gpt-4o-mini'), ['openai:gpt-4o-mini'])
  assert.equal(catalog.resolve('default'), undefined)
  assert.throws(() => catalog.resolve('gpt-5'), (error: { code: string }) => {
    assert.equal(toOpenAiError(error).statusCode, 404)
    assert.equal(toOpenAiError(error).body.error.code, 'model_not_found')
    return true
  })
  assert.deepEqual(catalog.list(), {
    object: 'list',
    data: [
      { id: 'openai:gpt-4o-mini', object: 'model', created: 1700000000, owned_by: 'openai' },
      { id: 'gemini:gemini-2.5-flash', object: 'model', created: 1700000000, owned_by: 'gemini' },
      { id: 'gpt-4o-mini', object: 'model', created: 1700000000, owned_by: 'openai' },
      { id: 'gemini-2.5-flash', object: 'model', created: 1700000000, owned_by: 'gemini' },
      { id: 'default', object: 'model', created: 1700000000, owned_by: 'ai-warp' },
      { id: 'fast', object: 'model', created: 1700000000, owned_by: 'ai-warp' }
    ]
  })
})

test('model catalog: a bare name is every configured model of that name, unless an alias or default is that name', () => {
  const catalog = createModelCatalog(['openai:gpt-4o-mini', 'local:llama3:8b', 'router:gpt-4o-mini', 'local:default', 'local:fast'], { fast: ['local:llama3:8b'] }, 1)
  assert.deepEqual(catalog.resolve('gpt-4o-mini'), ['openai:gpt-4o-mini', 'router:gpt-4o-mini'])
  assert.deepEqual(catalog.resolve('llama3:8b'), ['local:llama3:8b'], 'split at the first colon: the rest is the bare name')
  assert.equal(catalog.resolve('default'), undefined)
  assert.deepEqual(catalog.resolve('fast'), ['local:llama3:8b'])
  assert.equal(catalog.get('gpt-4o-mini').owned_by, 'ai-warp', 'served by two providers')
  assert.equal(catalog.get('llama3:8b').owned_by, 'local')
  assert.deepEqual(catalog.list().data.map((model) => model.id), [
    'openai:gpt-4o-mini', 'local:llama3:8b', 'router:gpt-4o-mini', 'local:default', 'local:fast', 'gpt-4o-mini', 'llama3:8b', 'default', 'fast'
  ])
})

test('model catalog refuses aliases naming unconfigured models at start', () => {
  assert.throws(() => createModelCatalog(['openai:a'], { fast: ['openai:b'] }), { code: 'AI_OPTIONS_INVALID', message: /openai\.aliases\.fast.*openai:b/ })
  assert.throws(() => createModelCatalog(['openai:a'], { fast: [] }), { code: 'AI_OPTIONS_INVALID' })
  assert.throws(() => createModelCatalog(['openai:a'], { 'openai:a': ['openai:a'] }), { code: 'AI_OPTIONS_INVALID' })
})

test('errors are translated to OpenAI statuses, types and codes', () => {
  const cases: Array<[unknown, number, string, string | null]> = [
    [{ code: 'AI_SESSION_NOT_FOUND', statusCode: 404, message: 'gone' }, 404, 'invalid_request_error', 'session_not_found'],
    [{ code: 'AI_CALLER_RATE_LIMITED', statusCode: 429, message: 'slow down', retryAfter: 3 }, 429, 'rate_limit_error', 'rate_limit_exceeded'],
    [{ code: 'AI_UNAUTHORIZED', statusCode: 401, message: 'no' }, 401, 'authentication_error', 'invalid_api_key'],
    [{ code: 'AI_NO_MODELS_AVAILABLE', statusCode: 503, message: 'none', retryAfter: 12.2 }, 503, 'server_error', 'no_models_available'],
    [{ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400, message: 'bad json' }, 400, 'invalid_request_error', null],
    [new Error('boom'), 500, 'server_error', 'server_error']
  ]
  for (const [error, statusCode, type, code] of cases) {
    const answer = toOpenAiError(error)
    assert.equal(answer.statusCode, statusCode)
    assert.equal(answer.body.error.type, type)
    assert.equal(answer.body.error.code, code)
  }
  assert.equal(toOpenAiError(cases[1][0]).retryAfter, 3)
  assert.equal(toOpenAiError(cases[3][0]).retryAfter, 13)
  assert.equal(toOpenAiError(new Error('secret detail')).body.error.message.includes('secret'), false)
})
