// A real AI Warp HTTP API for integration tests: Fastify + @platformatic/fastify-ai in front of
// the mock provider, listening on port 0, closed when the test ends.
import type { TestContext } from 'node:test'
import Fastify from 'fastify'
import fastifyAi from '@platformatic/fastify-ai'
import type { FastifyAiOptions } from '@platformatic/fastify-ai'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { MockProvider } from '@platformatic/ai-mock-provider'

export interface Gateway {
  mock: MockProvider
  /** `http://127.0.0.1:PORT` of the Fastify app. */
  url: string
}

/** Plugin options over the defaults; a function gets the mock's URL. */
export type GatewayOptions = Partial<FastifyAiOptions> | ((mockUrl: string) => Partial<FastifyAiOptions>)

/** Starts the mock provider and the gateway (`openai:model-a` then `openai:model-b`, no retries). */
export async function startGateway (t: TestContext, options: GatewayOptions = {}): Promise<Gateway> {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const plugin = typeof options === 'function' ? options(mock.url) : options
  const app = Fastify()
  await app.register(fastifyAi, {
    providers: { openai: { apiKey: 'test-key', baseUrl: mock.url } },
    models: ['openai:model-a', 'openai:model-b'],
    limits: { retry: { max: 0, interval: 0 } },
    routes: { openai: false },
    ...plugin
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new TypeError('the gateway has no TCP address')
  return { mock, url: `http://127.0.0.1:${address.port}` }
}
