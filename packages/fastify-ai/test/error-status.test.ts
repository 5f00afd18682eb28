// The error handler maps every error to its status and JSON body. Conditions the mock cannot
// produce through a real core on demand (a storage outage, a lone timeout, a bug) come from a
// core whose methods reject with the core's real error classes.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import type { Ai, AiStreamEvent, AiStreamResponse } from '@platformatic/ai-provider'
import {
  AiCallerRateLimitedError,
  AiNoModelsAvailableError,
  AiProviderResponseError,
  AiProviderTimeoutError,
  AiStorageUnavailableError,
  AiUnauthorizedError
} from '@platformatic/ai-provider'
import fastifyAi from '../src/index.ts'
import { collectFrames, eventsOf } from './helpers/sse.ts'
import { postJson } from './helpers/gateway.ts'

function failingAi (error: () => Error, events?: () => AsyncIterable<AiStreamEvent>): Ai {
  return {
    async request () { throw error() },
    async stream (): Promise<AiStreamResponse> {
      if (events === undefined) throw error()
      return { sessionId: 's1', model: 'openai:model-a', events: events() }
    },
    async getSession () { throw error() },
    async deleteSession () { throw error() },
    async cancelStream () { throw error() },
    async models () { throw error() },
    async embed () { throw error() },
    async countTokens () { throw error() },
    async usage () { throw error() },
    observe () { return function unsubscribe () {} },
    get store (): never { throw new Error('no store') },
    async close () {}
  }
}

async function serve (t: TestContext, ai: Ai): Promise<string> {
  const app = Fastify()
  await app.register(fastifyAi, { ai, routes: { openai: false } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return `http://127.0.0.1:${address.port}`
}

const cases: Array<{ name: string, error: () => Error, status: number, code: string, retryAfter?: string }> = [
  { name: 'provider error', error: () => new AiProviderResponseError('openai:model-a', 500, 'boom'), status: 502, code: 'AI_PROVIDER_RESPONSE_ERROR' },
  { name: 'provider timeout', error: () => new AiProviderTimeoutError('openai:model-a', 1000), status: 504, code: 'AI_PROVIDER_TIMEOUT' },
  { name: 'storage down', error: () => new AiStorageUnavailableError('connection refused'), status: 503, code: 'AI_STORAGE_UNAVAILABLE', retryAfter: '1' },
  {
    name: 'no models, retry in 42.3 s',
    error: () => Object.assign(new AiNoModelsAvailableError('all cooling down'), { retryAfter: 42.3, details: { attempts: [] } }),
    status: 503,
    code: 'AI_NO_MODELS_AVAILABLE',
    retryAfter: '43'
  },
  { name: 'caller rate limited', error: () => Object.assign(new AiCallerRateLimitedError(7), { retryAfter: 7 }), status: 429, code: 'AI_CALLER_RATE_LIMITED', retryAfter: '7' },
  { name: 'unauthenticated', error: () => new AiUnauthorizedError('Missing token'), status: 401, code: 'AI_UNAUTHORIZED' },
  { name: 'a bug', error: () => new TypeError('x is undefined'), status: 500, code: 'AI_INTERNAL_ERROR' }
]

for (const { name, error, status, code, retryAfter } of cases) {
  test(`${name}: ${status} ${code} on every route`, async (t) => {
    const url = await serve(t, failingAi(error))
    const answers = [
      await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' }),
      await postJson(`${url}/api/v1/stream`, { prompt: 'hi' }),
      await fetch(`${url}/api/v1/sessions/s1`),
      await fetch(`${url}/api/v1/sessions/s1`, { method: 'DELETE' }),
      await fetch(`${url}/api/v1/models`)
    ]
    for (const answer of answers) {
      assert.equal(answer.status, status)
      assert.match(answer.headers.get('content-type') ?? '', /^application\/json/)
      assert.equal(answer.headers.get('retry-after') ?? undefined, retryAfter)
      const body = await answer.json()
      assert.equal(body.code, code)
      assert.equal(body.statusCode, status)
      assert.equal(typeof body.message, 'string')
      if (code === 'AI_INTERNAL_ERROR') assert.equal(body.message, 'Internal error', 'no internals leak')
    }
  })
}

test('a core stream that throws after the start ends with an error event', async (t) => {
  const url = await serve(t, failingAi(() => new Error('unused'), async function * () {
    yield { type: 'content', id: '1', text: 'partial' }
    throw new TypeError('bug')
  }))
  const events = eventsOf(await collectFrames(await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })))
  assert.deepEqual(events.map((event) => event.event), ['content', 'error'])
  assert.deepEqual(events[1].data, { code: 'AI_INTERNAL_ERROR', message: 'Internal error' })
})

test('a core stream that stops without end still ends with an error event', async (t) => {
  const url = await serve(t, failingAi(() => new Error('unused'), async function * () {
    yield { type: 'content', id: '1', text: 'partial' }
  }))
  const events = eventsOf(await collectFrames(await postJson(`${url}/api/v1/stream`, { prompt: 'hi' })))
  assert.deepEqual(events.map((event) => event.event), ['content', 'error'])
  assert.equal(events[1].data.code, 'AI_INTERNAL_ERROR')
})
