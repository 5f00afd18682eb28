import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import fastifyAi from '../../src/index.ts'
import { defaultOptions, postJson, startGateway } from '../helpers/gateway.ts'

test('GET a session lists its turns; DELETE forgets it (204) and it is 404 afterwards', async (t) => {
  const { app, url, mock } = await startGateway(t)
  mock.enqueue('model-a', { text: 'A1' }, { text: 'A2' })
  const first = await (await postJson(`${url}/api/v1/prompt`, { prompt: 'Q1', context: 'ctx' })).json()
  await postJson(`${url}/api/v1/prompt`, { prompt: 'Q2', sessionId: first.sessionId })

  const read = await app.inject({ method: 'GET', url: `/api/v1/sessions/${first.sessionId}` })
  assert.equal(read.statusCode, 200)
  assert.equal(read.headers['x-session-id'], first.sessionId)
  const session = read.json()
  assert.equal(session.sessionId, first.sessionId)
  assert.equal(session.context, 'ctx')
  assert.ok(!Number.isNaN(Date.parse(session.expiresAt)))
  assert.deepEqual(session.turns.map((turn: { prompt: string, response: string, result: string, model: string }) => [turn.prompt, turn.response, turn.result, turn.model]), [
    ['Q1', 'A1', 'COMPLETE', 'openai:model-a'],
    ['Q2', 'A2', 'COMPLETE', 'openai:model-a']
  ])

  const deleted = await app.inject({ method: 'DELETE', url: `/api/v1/sessions/${first.sessionId}` })
  assert.equal(deleted.statusCode, 204)
  assert.equal(deleted.body, '')
  assert.equal(deleted.headers['x-session-id'], first.sessionId)
  const gone = await app.inject({ method: 'GET', url: `/api/v1/sessions/${first.sessionId}` })
  assert.equal(gone.statusCode, 404)
  assert.equal(gone.json().code, 'AI_SESSION_NOT_FOUND')
})

test('sessions of another owner answer 404', async (t) => {
  const { app } = await startGateway(t, {
    plugin: {
      getOwner (request) {
        const user = request.headers['x-user']
        return typeof user === 'string' ? user : undefined
      }
    }
  })
  const created = await app.inject({ method: 'POST', url: '/api/v1/prompt', headers: { 'x-user': 'alice' }, payload: { prompt: 'hi' } })
  const { sessionId } = created.json()
  const mine = await app.inject({ method: 'GET', url: `/api/v1/sessions/${sessionId}`, headers: { 'x-user': 'alice' } })
  assert.equal(mine.statusCode, 200)
  const theirs = await app.inject({ method: 'GET', url: `/api/v1/sessions/${sessionId}`, headers: { 'x-user': 'bob' } })
  assert.equal(theirs.statusCode, 404)
  const follow = await app.inject({ method: 'POST', url: '/api/v1/prompt', headers: { 'x-user': 'bob' }, payload: { prompt: 'hi', sessionId } })
  assert.equal(follow.statusCode, 404)
})

test('GET models lists the configured models and their state', async (t) => {
  const { app, mock } = await startGateway(t)
  const ready = await app.inject({ method: 'GET', url: '/api/v1/models' })
  assert.equal(ready.statusCode, 200)
  assert.deepEqual(ready.json().models.map((model: { name: string, state: string }) => [model.name, model.state]), [
    ['openai:model-a', 'ready'],
    ['openai:model-b', 'ready']
  ])

  mock.setBehaviour('model-a', { status: 500 })
  await app.inject({ method: 'POST', url: '/api/v1/prompt', payload: { prompt: 'hi' } })
  const cooling = (await app.inject({ method: 'GET', url: '/api/v1/models' })).json().models[0]
  assert.equal(cooling.state, 'cooling-down')
  assert.ok(Date.parse(cooling.until) > Date.now())
})

test('routes: false registers no route, only the decorator', async (t) => {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const app = Fastify()
  t.after(() => app.close())
  await app.register(fastifyAi, { ...defaultOptions(mock.url), routes: false })
  await app.ready()
  assert.equal(typeof app.ai.request, 'function')
  for (const [method, url] of [['POST', '/api/v1/prompt'], ['POST', '/api/v1/stream'], ['GET', '/api/v1/models'], ['GET', '/api/v1/sessions/x']] as const) {
    assert.equal(app.hasRoute({ method, url: url === '/api/v1/sessions/x' ? '/api/v1/sessions/:sessionId' : url }), false, url)
  }
  const answer = await app.ai.request({ prompt: 'direct' })
  assert.equal(answer.text, 'Echo: direct')
})

test('routes can be picked one by one and paths are configurable', async (t) => {
  const { app } = await startGateway(t, {
    plugin: { routes: { stream: false, sessions: false, openai: false }, promptPath: '/ask', modelsPath: '/models' }
  })
  assert.equal(app.hasRoute({ method: 'POST', url: '/ask' }), true)
  assert.equal(app.hasRoute({ method: 'GET', url: '/models' }), true)
  assert.equal(app.hasRoute({ method: 'POST', url: '/api/v1/stream' }), false)
  assert.equal(app.hasRoute({ method: 'GET', url: '/api/v1/sessions/:sessionId' }), false)
  const answer = await app.inject({ method: 'POST', url: '/ask', payload: { prompt: 'hi' } })
  assert.equal(answer.statusCode, 200)
})

test('the session header name is configurable and stays exposed next to other exposed headers, SSE included', async (t) => {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const app = Fastify()
  t.after(() => app.close())
  app.addHook('onRequest', async function cors (request, reply) {
    reply.header('access-control-allow-origin', '*')
    reply.header('access-control-expose-headers', 'x-request-id')
  })
  await app.register(fastifyAi, { ...defaultOptions(mock.url), headerSessionIdName: 'X-Conversation' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

  const answer = await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })
  assert.equal(answer.headers.get('x-conversation'), (await answer.json()).sessionId)
  assert.equal(answer.headers.get('access-control-expose-headers'), 'x-request-id, x-conversation')

  const stream = await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })
  await stream.text()
  assert.ok(stream.headers.get('x-conversation'))
  assert.equal(stream.headers.get('access-control-allow-origin'), '*', 'headers of hooks survive the hijack')
  assert.equal(stream.headers.get('access-control-expose-headers'), 'x-request-id, x-conversation')
})

test('an injected core is used as is and not closed with the app', async (t) => {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const owner = Fastify()
  await owner.register(fastifyAi, { ...defaultOptions(mock.url), routes: false })
  await owner.ready()
  t.after(() => owner.close())

  const app = Fastify()
  await app.register(fastifyAi, { ai: owner.ai })
  assert.equal(app.ai, owner.ai)
  const answer = await app.inject({ method: 'POST', url: '/api/v1/prompt', payload: { prompt: 'hi' } })
  assert.equal(answer.statusCode, 200)
  await app.close()
  const still = await owner.ai.request({ prompt: 'still open' })
  assert.equal(still.text, 'Echo: still open')
})

test('bad HTTP options fail registration naming the option', async () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ promptPath: 'no-slash' }, /promptPath/],
    [{ heartbeatInterval: -1 }, /heartbeatInterval/],
    [{ maxPromptLength: 1.5 }, /maxPromptLength/],
    [{ headerSessionIdName: 'bad header' }, /headerSessionIdName/],
    [{ routes: { chat: true } }, /routes\.chat/],
    [{ routes: 'yes' }, /routes/]
  ]
  for (const [options, message] of cases) {
    const app = Fastify()
    await assert.rejects(async () => {
      await app.register(fastifyAi, { providers: {}, models: [], ...options })
      await app.ready()
    }, (error: Error & { code?: string }) => {
      assert.equal(error.code, 'AI_OPTIONS_INVALID')
      assert.match(error.message, message)
      return true
    })
    await app.close()
  }
})

test('the OpenAI-compatible API is registered by default under openai.prefix', async (t) => {
  const { app } = await startGateway(t, { plugin: { routes: true, openai: { prefix: '/compat' } } })
  assert.equal(app.hasRoute({ method: 'POST', url: '/compat/chat/completions' }), true)
  const answer = await app.inject({
    method: 'POST',
    url: '/compat/chat/completions',
    payload: { model: 'openai:model-a', messages: [{ role: 'user', content: 'hi' }] }
  })
  assert.equal(answer.statusCode, 200)
  assert.equal(answer.json().choices[0].message.content, 'Echo: hi')
})
