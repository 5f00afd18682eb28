// A real gateway for the Anthropic Messages tests: fastify-ai with an OpenAI-format and a
// Gemini-format model on the mock provider (and an Anthropic one when the mock speaks it),
// listening on port 0, and an @anthropic-ai/sdk client pointed at it.
import type { TestContext } from 'node:test'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import Anthropic from '@anthropic-ai/sdk'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { MockProvider } from '@platformatic/ai-mock-provider'
import fastifyAi from '../../src/index.ts'
import type { FastifyAiOptions } from '../../src/index.ts'

export const OPENAI_MODEL = 'openai:gpt-4o-mini'
export const GEMINI_MODEL = 'gemini:gemini-2.5-flash'

export interface AnthropicGateway {
  app: FastifyInstance
  mock: MockProvider
  /** `http://127.0.0.1:PORT`: what ANTHROPIC_BASE_URL is set to (the SDK appends `/v1/messages`). */
  baseURL: string
  /** The official Anthropic SDK, without retries so statuses surface as they are. */
  client: Anthropic
}

export interface AnthropicGatewayOptions {
  /** Plugin options over the defaults, or a function of the mock's URL giving them. */
  plugin?: Partial<FastifyAiOptions> | ((mockUrl: string) => Partial<FastifyAiOptions>)
  /** Runs before the plugin is registered (e.g. a hook standing for ai-warp's auth). */
  setup?: (app: FastifyInstance) => void
}

export async function startAnthropicGateway (t: TestContext, options: AnthropicGatewayOptions = {}): Promise<AnthropicGateway> {
  const mock = await createMockProvider()
  const app = Fastify()
  // The app (and the core's pools to the mock) first: the mock's close waits for their sockets.
  t.after(async function closeGateway () {
    await app.close()
    await mock.close()
  })
  options.setup?.(app)
  await app.register(fastifyAi, {
    providers: {
      openai: { apiKey: 'test-key', baseUrl: mock.url },
      gemini: { apiKey: 'test-key', baseUrl: mock.url }
    },
    models: [OPENAI_MODEL, GEMINI_MODEL],
    limits: { retry: { max: 0, interval: 0 } },
    openai: { aliases: { 'claude-sonnet': [GEMINI_MODEL, OPENAI_MODEL] } },
    ...(typeof options.plugin === 'function' ? options.plugin(mock.url) : options.plugin)
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const baseURL = `http://127.0.0.1:${address.port}`
  return { app, mock, baseURL, client: new Anthropic({ apiKey: 'unused', baseURL, maxRetries: 0 }) }
}
