// A real Fastify app with the plugin, listening on port 0, in front of the mock provider.
import type { TestContext } from 'node:test'
import Fastify from 'fastify'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { MockProvider } from '@platformatic/ai-mock-provider'
import fastifyAi from '../../src/index.ts'
import type { FastifyAiOptions } from '../../src/index.ts'

export interface Gateway {
  app: FastifyInstance
  mock: MockProvider
  /** `http://127.0.0.1:PORT` of the app. */
  url: string
}

export interface GatewayOptions {
  /** Plugin options merged over the defaults (two OpenAI models on the mock, no retries). */
  plugin?: Partial<FastifyAiOptions>
  /** A mock to share (e.g. two apps on one mock). */
  mock?: MockProvider
  /** Fastify's bodyLimit. */
  bodyLimit?: number
  /** More Fastify server options (e.g. `fastifyAiServerOptions()`). */
  server?: FastifyServerOptions
  /** Runs before the plugin is registered (routes of the application). */
  setup?: (app: FastifyInstance) => void
}

/** The plugin options used by most tests: `openai:model-a` then `openai:model-b`, no retries. */
export function defaultOptions (mockUrl: string): FastifyAiOptions {
  return {
    providers: { openai: { apiKey: 'test-key', baseUrl: mockUrl } },
    models: ['openai:model-a', 'openai:model-b'],
    limits: { retry: { max: 0, interval: 0 } },
    routes: { openai: false }
  }
}

export async function startGateway (t: TestContext, options: GatewayOptions = {}): Promise<Gateway> {
  const mock = options.mock ?? await createMockProvider()
  if (options.mock === undefined) t.after(() => mock.close())
  const app = Fastify({ bodyLimit: options.bodyLimit, ...options.server })
  options.setup?.(app)
  await app.register(fastifyAi, { ...defaultOptions(mock.url), ...options.plugin })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return { app, mock, url: `http://127.0.0.1:${address.port}` }
}

/** POST a JSON body. */
export function postJson (url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    ...init,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) },
    body: JSON.stringify(body)
  })
}
