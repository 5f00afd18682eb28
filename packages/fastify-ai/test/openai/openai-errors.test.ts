import { test } from 'node:test'
import assert from 'node:assert/strict'
import OpenAI from 'openai'
import { AiCallerRateLimitedError, AiUnauthorizedError } from '@platformatic/ai-provider'
import { GEMINI_MODEL, OPENAI_MODEL, startOpenAiGateway } from './openai-gateway.ts'

const messages = [{ role: 'user' as const, content: 'hi' }]

async function rejection (promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof OpenAI.APIError, `expected an APIError, got ${String(error)}`)
    return error
  }
  assert.fail('expected a rejection')
}

test('an unknown model is a 404 model_not_found', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  const error = await rejection(client.chat.completions.create({ model: 'gpt-5', messages }))
  assert.ok(error instanceof OpenAI.NotFoundError)
  assert.equal(error.status, 404)
  assert.equal(error.code, 'model_not_found')
  assert.equal(error.param, 'model')
  assert.equal(error.type, 'invalid_request_error')
  const retrieve = await rejection(client.models.retrieve('nope'))
  assert.equal(retrieve.status, 404)
  assert.equal(mock.requests.length, 0)
})

test('parameters the gateway cannot honour are a 400 naming them, never dropped', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  const seed = await rejection(client.chat.completions.create({ model: OPENAI_MODEL, messages, seed: 42 }))
  assert.ok(seed instanceof OpenAI.BadRequestError)
  assert.equal(seed.param, 'seed')
  assert.equal(seed.code, 'unsupported_parameter')

  const logprobs = await rejection(client.chat.completions.create({ model: OPENAI_MODEL, messages, logprobs: true }))
  assert.equal(logprobs.param, 'logprobs')
  const n = await rejection(client.chat.completions.create({ model: OPENAI_MODEL, messages, n: 3 }))
  assert.equal(n.param, 'n')
  const audio = await rejection(client.chat.completions.create({
    model: OPENAI_MODEL,
    messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } }] }]
  }))
  assert.equal(audio.param, 'messages[0].content[0].type')
  assert.equal(audio.code, 'unsupported_content_type')
  const temperature = await rejection(client.chat.completions.create({ model: OPENAI_MODEL, messages, temperature: 7 }))
  assert.equal(temperature.status, 400)
  assert.equal(temperature.param, 'temperature')

  // Defaults that change nothing are accepted.
  const accepted = await client.chat.completions.create({ model: OPENAI_MODEL, messages, n: 1, presence_penalty: 0, logprobs: false, user: 'u1' })
  assert.equal(accepted.choices[0].message.content, 'Echo: hi')
  assert.equal(mock.requests.length, 1)
})

test('invalid JSON is a 400 in OpenAI\'s shape, while /api/v1 keeps its own error shape', async (t) => {
  const { baseURL } = await startOpenAiGateway(t)
  const response = await fetch(`${baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' })
  assert.equal(response.status, 400)
  const body = await response.json()
  assert.equal(body.error.type, 'invalid_request_error')
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type'])

  const api = await fetch(baseURL.replace('/v1', '/api/v1/prompt'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  assert.equal(api.status, 400)
  const apiBody = await api.json()
  assert.equal(apiBody.error, undefined)
  assert.equal(apiBody.code, 'AI_BAD_REQUEST')
})

test('no model available is a 503 with Retry-After', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  mock.setBehaviour('gpt-4o-mini', { status: 500 })
  mock.setBehaviour('gemini-2.5-flash', { status: 503 })
  const error = await rejection(client.chat.completions.create({ model: 'default', messages }))
  assert.ok(error instanceof OpenAI.InternalServerError)
  assert.equal(error.status, 503)
  assert.equal(error.type, 'server_error')
  assert.equal(error.code, 'no_models_available')
  assert.ok(Number(error.headers?.get('retry-after')) >= 1)
})

test('an unknown session is a 404 session_not_found', async (t) => {
  const { client } = await startOpenAiGateway(t)
  const error = await rejection(client.chat.completions.create({ model: OPENAI_MODEL, messages }, { headers: { 'x-session-id': 'missing' } }))
  assert.equal(error.status, 404)
  assert.equal(error.code, 'session_not_found')
})

test('a session belongs to its owner: another owner gets 404', async (t) => {
  const { client } = await startOpenAiGateway(t, {
    plugin: {
      getOwner: function ownerOf (request) {
        const user = request.headers['x-user']
        return typeof user === 'string' ? user : undefined
      }
    }
  })
  const { response } = await client.chat.completions.create({ model: OPENAI_MODEL, messages }, { headers: { 'x-user': 'alice' } }).withResponse()
  const sessionId = response.headers.get('x-session-id') ?? ''
  const own = await client.chat.completions.create({ model: OPENAI_MODEL, messages }, { headers: { 'x-user': 'alice', 'x-session-id': sessionId } })
  assert.equal(own.object, 'chat.completion')
  const other = await rejection(client.chat.completions.create({ model: OPENAI_MODEL, messages }, { headers: { 'x-user': 'mallory', 'x-session-id': sessionId } }))
  assert.equal(other.status, 404)
  assert.equal(other.code, 'session_not_found')
})

test('errors raised by hooks (auth, caller rate limit) answer in OpenAI\'s shape', async (t) => {
  const { client } = await startOpenAiGateway(t, {
    setup (app) {
      app.addHook('onRequest', async function guard (request) {
        if (request.headers.authorization === 'Bearer limited') {
          throw Object.assign(new AiCallerRateLimitedError(7), { retryAfter: 7 })
        }
        if (request.headers.authorization !== 'Bearer good') throw new AiUnauthorizedError('Missing or invalid token')
      })
    }
  })
  const unauthorized = await rejection(client.chat.completions.create({ model: OPENAI_MODEL, messages }))
  assert.ok(unauthorized instanceof OpenAI.AuthenticationError)
  assert.equal(unauthorized.status, 401)

  const limited = await rejection(client.chat.completions.create({ model: OPENAI_MODEL, messages }, { headers: { authorization: 'Bearer limited' } }))
  assert.ok(limited instanceof OpenAI.RateLimitError)
  assert.equal(limited.status, 429)
  assert.equal(limited.code, 'rate_limit_exceeded')
  assert.equal(limited.headers?.get('retry-after'), '7')

  const ok = await client.chat.completions.create({ model: OPENAI_MODEL, messages }, { headers: { authorization: 'Bearer good' } })
  assert.equal(ok.object, 'chat.completion')
})

test('a failure after the stream started ends it with an OpenAI error frame', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  mock.setBehaviour('gpt-4o-mini', { deltas: ['one ', 'two ', 'three'], cutAfter: 1 })
  const stream = await client.chat.completions.create({ model: OPENAI_MODEL, messages, stream: true })
  let text = ''
  const error = await rejection((async () => {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
  })())
  assert.equal(text, 'one ')
  assert.equal(error.status, undefined)
  assert.equal(error.type, 'server_error')
  assert.match(String(error.code), /^AI_/)
})

test('with onDisconnect "abort", a client that goes away mid-stream aborts the upstream call', async (t) => {
  // detachTimeout 0: the core does not wait for a resume (an OpenAI client never resumes).
  const { client, mock } = await startOpenAiGateway(t, { plugin: { limits: { retry: { max: 0, interval: 0 }, detachTimeout: 0, onDisconnect: 'abort' } } })
  mock.setBehaviour('gemini-2.5-flash', { deltas: ['first ', 'second'], stallAfter: 1 })
  const controller = new AbortController()
  const stream = await client.chat.completions.create({ model: GEMINI_MODEL, messages, stream: true }, { signal: controller.signal })
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta.content === 'first ') break
  }
  controller.abort()
  assert.equal(await mock.requests[0].closed, true)
})

test('closing the server ends a running stream with an AI_SHUTTING_DOWN error frame', async (t) => {
  const { client, mock, app } = await startOpenAiGateway(t)
  mock.setBehaviour('gpt-4o-mini', { deltas: ['first ', 'second'], stallAfter: 1 })
  const stream = await client.chat.completions.create({ model: OPENAI_MODEL, messages, stream: true })
  const iterator = stream[Symbol.asyncIterator]()
  await iterator.next()
  const first = await iterator.next()
  assert.equal(first.value.choices[0].delta.content, 'first ')
  const closing = app.close()
  const error = await rejection(iterator.next())
  assert.equal(error.code, 'AI_SHUTTING_DOWN')
  await closing
  assert.equal(await mock.requests[0].closed, true)
})
