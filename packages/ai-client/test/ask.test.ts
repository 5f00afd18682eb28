// ask() against a scripted real HTTP server: request shape, both answer kinds, both SSE styles.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildClient, AiClientOptionsError, AiClientResponseError, AiClientStreamError } from '../src/index.ts'
import { collect, frame, startScriptedServer, startSse } from './helpers/scripted-server.ts'

test('stream (the default) posts the body and reads content, then done', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    startSse(response, 'abc')
    response.write(': ping\n\n')
    response.write(frame(1, 'content', { response: 'Hello ' }))
    response.write(frame(2, 'content', { response: 'world' }))
    response.end(frame(3, 'end', { response: 'COMPLETE', sessionId: 'abc', model: 'openai:gpt-4o-mini' }))
  })
  const client = buildClient({ url: server.url + '/', headers: { authorization: 'Bearer x' } })
  const { stream, headers } = await client.ask({
    prompt: 'Hi',
    context: 'be brief',
    temperature: 0.5,
    maxTokens: 10,
    models: ['openai:gpt-4o-mini', { provider: 'gemini', model: 'gemini-2.5-flash' }],
    history: [{ prompt: 'p', response: 'r' }]
  })
  assert.equal(headers.get('x-session-id'), 'abc')
  assert.deepEqual(await collect(stream), [
    { type: 'content', content: 'Hello ' },
    { type: 'content', content: 'world' },
    { type: 'done', response: { result: 'COMPLETE', sessionId: 'abc', model: 'openai:gpt-4o-mini' } }
  ])
  const [request] = server.requests
  assert.equal(request.url, '/api/v1/stream')
  assert.equal(request.headers.authorization, 'Bearer x')
  assert.equal(request.headers.accept, 'text/event-stream')
  assert.equal(request.headers['last-event-id'], undefined)
  assert.deepEqual(request.body, {
    prompt: 'Hi',
    context: 'be brief',
    temperature: 0.5,
    maxTokens: 10,
    models: ['openai:gpt-4o-mini', { provider: 'gemini', model: 'gemini-2.5-flash' }],
    history: [{ prompt: 'p', response: 'r' }]
  })
})

test('stream: an error event is the last message, typed AiClientStreamError', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    startSse(response)
    response.write(frame(1, 'content', { response: 'par' }))
    response.write(frame(2, 'error', { code: 'AI_PROVIDER_TIMEOUT', message: 'The provider took too long' }))
    response.end(frame(3, 'content', { response: 'never read' }))
  })
  const client = buildClient({ url: server.url })
  const { stream } = await client.ask({ prompt: 'Hi', stream: true })
  const messages = await collect(stream)
  assert.equal(messages.length, 2)
  assert.deepEqual(messages[0], { type: 'content', content: 'par' })
  const last = messages[1]
  assert.equal(last.type, 'error')
  assert.ok(last.type === 'error' && last.error instanceof AiClientStreamError)
  assert.equal(last.error.code, 'AI_PROVIDER_TIMEOUT')
  assert.equal(last.error.message, 'The provider took too long')
})

test('stream: reads data-only SSE split in small writes, skipping unknown events', async (t) => {
  const server = await startScriptedServer(t, async (request, response) => {
    startSse(response)
    const text = frame(undefined, undefined, { response: 'a' }) + frame(undefined, 'debug', { x: 1 }) +
      'data: é\r\n\r\n' + frame(undefined, undefined, { response: 'COMPLETE', sessionId: 'session-1', model: 'm' })
    const bytes = Buffer.from(text)
    for (let i = 0; i < bytes.length; i += 3) {
      response.write(bytes.subarray(i, i + 3))
      await new Promise((resolve) => setImmediate(resolve))
    }
    response.end()
  })
  const client = buildClient({ url: server.url })
  const { stream } = await client.ask({ prompt: 'Hi' })
  assert.deepEqual(await collect(stream), [
    { type: 'content', content: 'a' },
    { type: 'content', content: 'é' },
    { type: 'done', response: { result: 'COMPLETE', sessionId: 'session-1', model: 'm' } }
  ])
})

test('stream: false posts to the prompt path and returns the JSON answer and headers', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'x-session-id': 's2' })
    response.end(JSON.stringify({ text: 'Yes', result: 'COMPLETE', sessionId: 's2', model: 'gemini:g', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } }))
  })
  const client = buildClient({ url: server.url, promptPath: '/custom/prompt' })
  const { content, headers } = await client.ask({ prompt: 'Hi', stream: false, sessionId: 's2', resume: false })
  assert.deepEqual(content, { text: 'Yes', result: 'COMPLETE', sessionId: 's2', model: 'gemini:g', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } })
  assert.equal(headers.get('x-session-id'), 's2')
  assert.equal(server.requests[0].url, '/custom/prompt')
  assert.equal(server.requests[0].headers.accept, 'application/json')
  assert.deepEqual(server.requests[0].body, { prompt: 'Hi', sessionId: 's2', resume: false })
})

test('a 2xx answer that is not what the route promises is an AiClientResponseError', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(request.url === '/api/v1/prompt' ? '<html>' : '{"text":1}')
  })
  const client = buildClient({ url: server.url })
  await assert.rejects(client.ask({ prompt: 'Hi', stream: false }), (error: unknown) =>
    error instanceof AiClientResponseError && error.code === 'AI_CLIENT_BAD_RESPONSE')
  await assert.rejects(client.ask({ prompt: 'Hi' }), AiClientResponseError)
})

test('sessions and models routes', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    if (request.method === 'DELETE') {
      response.writeHead(204).end()
      return
    }
    response.writeHead(200, { 'content-type': 'application/json' })
    if (request.url === '/api/v1/models') {
      response.end(JSON.stringify({ models: [{ name: 'openai:m', provider: 'openai', model: 'm', state: 'ready' }] }))
    } else {
      response.end(JSON.stringify({ sessionId: 'a/b', turns: [], expiresAt: '2030-01-01T00:00:00.000Z' }))
    }
  })
  const client = buildClient({ url: server.url })
  assert.deepEqual(await client.models(), [{ name: 'openai:m', provider: 'openai', model: 'm', state: 'ready' }])
  assert.deepEqual(await client.getSession('a/b'), { sessionId: 'a/b', turns: [], expiresAt: '2030-01-01T00:00:00.000Z' })
  assert.equal(await client.deleteSession('a/b'), undefined)
  assert.deepEqual(server.requests.map((request) => `${request.method} ${request.url}`), [
    'GET /api/v1/models', 'GET /api/v1/sessions/a%2Fb', 'DELETE /api/v1/sessions/a%2Fb'
  ])
})

test('bad options are AiClientOptionsError naming the option', async () => {
  const cases: Array<[() => unknown, string]> = [
    [() => buildClient({ url: 'not a url' }), 'url'],
    [() => buildClient({ url: 'http://x', timeout: 0 }), 'timeout'],
    [() => buildClient({ url: 'http://x', streamPath: 'no-slash' }), 'streamPath'],
    [() => buildClient({ url: 'http://x', resume: { maxAttempts: 1.5 } }), 'resume.maxAttempts'],
    [() => buildClient({ url: 'http://x', logger: {} as any }), 'logger']
  ]
  for (const [build, option] of cases) {
    assert.throws(build, (error: unknown) => error instanceof AiClientOptionsError && error.option === option && error.code === 'AI_CLIENT_INVALID_OPTION')
  }
  const client = buildClient({ url: 'http://127.0.0.1:1' })
  await assert.rejects(client.ask({ prompt: '' }), (error: unknown) => error instanceof AiClientOptionsError && error.option === 'prompt')
  await assert.rejects(client.getSession(''), (error: unknown) => error instanceof AiClientOptionsError && error.option === 'sessionId')
})
