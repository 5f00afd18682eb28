import { test } from 'node:test'
import assert from 'node:assert/strict'
import Anthropic, { APIError } from '@anthropic-ai/sdk'
import { AiCallerRateLimitedError, AiUnauthorizedError } from '@platformatic/ai-provider'
import { OPENAI_MODEL, startAnthropicGateway } from './anthropic-gateway.ts'

interface ErrorAnswer {
  status: number
  body: { type: string, error: { type: string, message: string }, request_id?: string }
  headers: Headers
}

async function post (url: string, body: unknown): Promise<ErrorAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: response.status, body: await response.json(), headers: response.headers }
}

function assertAnthropicError (answer: ErrorAnswer, status: number, type: string, message: RegExp): void {
  assert.equal(answer.status, status)
  assert.deepEqual(Object.keys(answer.body), ['type', 'error', 'request_id'])
  assert.equal(answer.body.type, 'error')
  assert.equal(answer.body.error.type, type)
  assert.match(answer.body.error.message, message)
  assert.equal(answer.body.request_id, answer.headers.get('request-id'))
  assert.match(answer.body.request_id ?? '', /^req_/)
}

test('a request the gateway cannot honour is 400 invalid_request_error naming the field', async (t) => {
  const { baseURL, mock } = await startAnthropicGateway(t)
  const url = `${baseURL}/v1/messages`
  const hi = [{ role: 'user', content: 'hi' }]
  const cases: Array<[unknown, RegExp]> = [
    [{ model: OPENAI_MODEL, messages: hi }, /^max_tokens: Field required/],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: hi, top_k: 5 }, /^top_k: /],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: hi, temperature: 1.5 }, /^temperature: Input should be between 0 and 1/],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: hi, surprise: true }, /^surprise: Extra inputs are not permitted/],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: hi, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, /^tools\.0\.type: /],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: hi, tools: [{ name: 'bad name', input_schema: { type: 'object' } }] }, /^tools\.0\.name: /],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: hi, tools: [{ name: 'a', input_schema: { type: 'string' } }] }, /^tools\.0\.input_schema: /],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: hi, tools: [{ name: 'a', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 'b' } }, /^tool_choice\.name: /],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'http://example.com/a.png' } }] }] }, /^messages\.0\.content\.0\.source\.url: /],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'AAAA' } }] }] }, /^messages\.0\.content\.0\.source\.media_type: /],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'The answer is' }] }, /^messages\.1\.role: the last message must be a user message/],
    [{ model: OPENAI_MODEL, max_tokens: 2000, messages: hi, thinking: { type: 'enabled', budget_tokens: 4000 } }, /^thinking\.budget_tokens: must be less than max_tokens/],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'nope', content: 'x' }] }] }, /^messages\.0\.content\.0\.tool_use_id: tool_result "nope" answers no tool_use/],
    [{ model: OPENAI_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }, { role: 'user', content: [{ type: 'text', text: 'and' }, { type: 'tool_result', tool_use_id: 'gone', content: 'x' }] }] }, /^messages\.2\.content\.1\.tool_use_id: /],
    ['{"model": ', /JSON/]
  ]
  for (const [body, message] of cases) {
    assertAnthropicError(await post(url, body), 400, 'invalid_request_error', message)
  }
  assert.equal(mock.requests.length, 0)
})

test('an unknown model is 404 not_found_error, and an unknown path under /v1/messages too', async (t) => {
  const { baseURL } = await startAnthropicGateway(t)
  assertAnthropicError(await post(`${baseURL}/v1/messages`, { model: 'claude-nope', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), 404, 'not_found_error', /claude-nope/)
  const unknown = await post(`${baseURL}/v1/messages/batches`, {})
  assert.equal(unknown.status, 404)
  assert.equal(unknown.body.error.type, 'not_found_error')
})

test('every model failing is 529 overloaded_error, which the SDK sees as such', async (t) => {
  const { client, mock } = await startAnthropicGateway(t)
  mock.setBehaviour('*', { status: 500 })
  await assert.rejects(client.messages.create({ model: 'default', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), (error: APIError) => {
    assert.equal(error.status, 529)
    assert.equal((error.error as { error: { type: string } }).error.type, 'overloaded_error')
    // When the first model is back (the core's cool-down), in seconds.
    assert.match(error.headers?.get('retry-after') ?? '', /^[1-9][0-9]*$/)
    return true
  })
})

test('the caller\'s 401 and 429 come in Anthropic\'s shape, as the SDK\'s own error classes', async (t) => {
  const { baseURL } = await startAnthropicGateway(t, {
    setup (app) {
      app.addHook('onRequest', async function fakeAuth (request) {
        if (request.headers['x-api-key'] === 'bad') throw new AiUnauthorizedError('Invalid token')
        if (request.headers['x-api-key'] === 'busy') throw Object.assign(new AiCallerRateLimitedError(7), { retryAfter: 7 })
      })
    }
  })
  const bad = new Anthropic({ apiKey: 'x', baseURL, maxRetries: 0, defaultHeaders: { 'x-api-key': 'bad' } })
  await assert.rejects(bad.messages.create({ model: OPENAI_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), (error: APIError) => {
    assert.ok(error instanceof Anthropic.AuthenticationError)
    assert.equal((error.error as { error: { type: string } }).error.type, 'authentication_error')
    return true
  })
  const busy = new Anthropic({ apiKey: 'x', baseURL, maxRetries: 0, defaultHeaders: { 'x-api-key': 'busy' } })
  await assert.rejects(busy.messages.create({ model: OPENAI_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }), (error: APIError) => {
    assert.ok(error instanceof Anthropic.RateLimitError)
    assert.equal(error.headers?.get('retry-after'), '7')
    return true
  })
})

test('a body over the Anthropic group\'s limit is 413 request_too_large', async (t) => {
  const { baseURL } = await startAnthropicGateway(t, { plugin: { bodyLimit: { anthropic: 1000 } } })
  const answer = await post(`${baseURL}/v1/messages`, { model: OPENAI_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x'.repeat(2000) }] })
  assertAnthropicError(answer, 413, 'request_too_large', /larger than 1000 bytes/)
})

test('a failure after the stream started is an in-band error event, which the SDK raises', async (t) => {
  const { client, mock } = await startAnthropicGateway(t)
  mock.setBehaviour('gpt-4o-mini', { deltas: ['one ', 'two'], inBandErrorAfter: 1 })
  const stream = client.messages.stream({ model: OPENAI_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })
  const seen: string[] = []
  await assert.rejects(async () => {
    for await (const event of stream) seen.push(event.type)
  }, (error: APIError) => {
    assert.equal((error.error as { error: { type: string } }).error.type, 'api_error')
    return true
  })
  assert.deepEqual(seen, ['message_start', 'content_block_start', 'content_block_delta'])
})
