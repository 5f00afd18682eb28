import { test } from 'node:test'
import assert from 'node:assert/strict'
import { foldMessages, readMessages } from '../../src/openai/chat-messages.ts'
import { readChatRequest } from '../../src/openai/chat-request.ts'
import { buildChunk, buildCompletion, buildUsageChunk, toFinishReason } from '../../src/openai/chat-response.ts'
import { createModelCatalog } from '../../src/openai/model-catalog.ts'
import { toOpenAiError } from '../../src/openai/openai-error.ts'

function rejectsParam (body: unknown, param: string, code?: string): void {
  assert.throws(() => readChatRequest(body), (error: { statusCode: number, param: string, openaiCode: string }) => {
    assert.equal(error.statusCode, 400)
    assert.equal(error.param, param)
    if (code !== undefined) assert.equal(error.openaiCode, code)
    return true
  })
}

const user = { role: 'user', content: 'hi' }

test('readChatRequest keeps the parameters the gateway honours', () => {
  const chat = readChatRequest({
    model: 'openai:gpt-4o-mini',
    messages: [{ role: 'developer', content: 'be brief' }, user],
    temperature: 0.5,
    max_completion_tokens: 20,
    max_tokens: 20,
    top_p: 0.9,
    stop: 'END',
    user: 'someone',
    n: 1,
    stream: true,
    stream_options: { include_usage: true }
  })
  assert.deepEqual(chat, {
    model: 'openai:gpt-4o-mini',
    messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }],
    stream: true,
    includeUsage: true,
    temperature: 0.5,
    topP: 0.9,
    maxTokens: 20,
    stop: ['END']
  })
})

test('readChatRequest treats null as unset and accepts harmless defaults', () => {
  const chat = readChatRequest({
    model: 'default',
    messages: [user],
    temperature: null,
    seed: null,
    tools: [],
    tool_choice: 'none',
    frequency_penalty: 0,
    presence_penalty: 0,
    logprobs: false,
    response_format: { type: 'text' },
    store: false
  })
  assert.equal(chat.temperature, undefined)
  assert.equal(chat.stream, false)
})

test('readChatRequest rejects what it cannot honour, naming the parameter', () => {
  rejectsParam({ model: 'm', messages: [user], tools: [{ type: 'function', function: { name: 'f' } }] }, 'tools', 'unsupported_parameter')
  rejectsParam({ model: 'm', messages: [user], response_format: { type: 'json_object' } }, 'response_format', 'unsupported_parameter')
  rejectsParam({ model: 'm', messages: [user], n: 2 }, 'n', 'unsupported_parameter')
  rejectsParam({ model: 'm', messages: [user], logprobs: true }, 'logprobs', 'unsupported_parameter')
  rejectsParam({ model: 'm', messages: [user], presence_penalty: 0.5 }, 'presence_penalty', 'unsupported_parameter')
  rejectsParam({ model: 'm', messages: [user], seed: 4 }, 'seed', 'unsupported_parameter')
  rejectsParam({ model: 'm', messages: [user], surprise: true }, 'surprise', 'unknown_parameter')
  rejectsParam({ model: 'm', messages: [user], stream_options: { include_usage: true } }, 'stream_options')
})

test('readChatRequest checks types and ranges', () => {
  rejectsParam({ messages: [user] }, 'model', 'missing_required_parameter')
  rejectsParam({ model: 'm', messages: [] }, 'messages')
  rejectsParam({ model: 'm', messages: [user], temperature: 3 }, 'temperature')
  rejectsParam({ model: 'm', messages: [user], temperature: 'hot' }, 'temperature', 'invalid_type')
  rejectsParam({ model: 'm', messages: [user], top_p: 1.5 }, 'top_p')
  rejectsParam({ model: 'm', messages: [user], max_tokens: 0 }, 'max_tokens')
  rejectsParam({ model: 'm', messages: [user], max_tokens: 10, max_completion_tokens: 20 }, 'max_tokens')
  rejectsParam({ model: 'm', messages: [user], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop')
  rejectsParam({ model: 'm', messages: [user], stream: 'yes' }, 'stream', 'invalid_type')
  rejectsParam([user], 'body', 'invalid_type')
})

test('readMessages accepts text parts and rejects other content and tool messages', () => {
  assert.deepEqual(readMessages([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }]),
    [{ role: 'user', content: 'a\nb' }])
  assert.deepEqual(readMessages([{ role: 'assistant', content: null, refusal: 'I cannot' }]),
    [{ role: 'assistant', content: 'I cannot' }])
  rejectsParam({ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 'messages[0].content[0].type', 'unsupported_content_type')
  rejectsParam({ model: 'm', messages: [user, { role: 'tool', content: 'x', tool_call_id: '1' }] }, 'messages[1].role')
  rejectsParam({ model: 'm', messages: [user, { role: 'assistant', content: null, tool_calls: [{}] }, user] }, 'messages[1].tool_calls', 'unsupported_parameter')
  rejectsParam({ model: 'm', messages: [{ role: 'user', content: 'x', name: 'bob' }] }, 'messages[0].name')
  rejectsParam({ model: 'm', messages: [{ role: 'user', content: 42 }] }, 'messages[0].content', 'invalid_type')
})

test('foldMessages maps an alternating conversation to prompt, context and history', () => {
  const folded = foldMessages([
    { role: 'system', content: 'S1' },
    { role: 'user', content: 'Q1' },
    { role: 'assistant', content: 'A1' },
    { role: 'system', content: 'S2' },
    { role: 'user', content: 'Q2' }
  ])
  assert.deepEqual(folded, { prompt: 'Q2', context: 'S1\n\nS2', history: [{ prompt: 'Q1', response: 'A1' }] })
})

test('foldMessages joins consecutive messages of one role and keeps a leading assistant message as context', () => {
  const folded = foldMessages([
    { role: 'assistant', content: 'Hello, how can I help?' },
    { role: 'user', content: 'Q1' },
    { role: 'user', content: 'Q1 again' },
    { role: 'assistant', content: 'A1' },
    { role: 'assistant', content: 'A1 more' },
    { role: 'user', content: 'Q2' },
    { role: 'user', content: 'Q2 more' }
  ])
  assert.deepEqual(folded, {
    prompt: 'Q2\n\nQ2 more',
    context: 'The conversation began with this message from the assistant:\nHello, how can I help?',
    history: [{ prompt: 'Q1\n\nQ1 again', response: 'A1\n\nA1 more' }]
  })
  assert.equal(foldMessages([{ role: 'user', content: 'only' }]).context, undefined)
})

test('foldMessages refuses a conversation without a final user message', () => {
  assert.throws(() => foldMessages([{ role: 'system', content: 'S' }]), { param: 'messages', statusCode: 400 })
  assert.throws(() => foldMessages([{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }]), /last message must be a user message/)
  assert.throws(() => foldMessages([{ role: 'user', content: '  ' }]), /must not be empty/)
})

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

test('completion and chunks have OpenAI\'s shape', () => {
  const completion = buildCompletion({ text: 'hey', result: 'INCOMPLETE_MAX_TOKENS', sessionId: 's', model: 'gemini:g', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } }, 'chatcmpl-1', 10)
  assert.deepEqual(completion, {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 10,
    model: 'gemini:g',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hey', refusal: null }, logprobs: null, finish_reason: 'length' }],
    usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }
  })
  assert.equal(toFinishReason('COMPLETE'), 'stop')
  assert.equal(toFinishReason('INCOMPLETE_UNKNOWN'), 'stop')
  const header = { id: 'chatcmpl-1', created: 10, model: 'openai:m', includeUsage: true }
  assert.deepEqual(buildChunk(header, { content: 'x' }), {
    id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 10, model: 'openai:m', choices: [{ index: 0, delta: { content: 'x' }, logprobs: null, finish_reason: null }], usage: null
  })
  assert.deepEqual(buildUsageChunk(header, { promptTokens: 1, completionTokens: 1, totalTokens: 2 }).choices, [])
  assert.equal('usage' in buildChunk({ ...header, includeUsage: false }, {}), false)
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
