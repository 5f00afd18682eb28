// A real gateway for the OpenAI-compatible tests: fastify-ai with an OpenAI and a Gemini model
// on the mock provider, listening on port 0, and an openai SDK client pointed at it.
import type { TestContext } from 'node:test'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import OpenAI from 'openai'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { MockProvider } from '@platformatic/ai-mock-provider'
import fastifyAi from '../../src/index.ts'
import type { FastifyAiOptions } from '../../src/index.ts'

export const OPENAI_MODEL = 'openai:gpt-4o-mini'
export const GEMINI_MODEL = 'gemini:gemini-2.5-flash'
/** A model of an OpenAI provider reached through the Responses API (`api: "responses"`), with `withResponsesApi`. */
export const RESPONSES_MODEL = 'responses:gpt-4.1-mini'

export interface OpenAiGateway {
  app: FastifyInstance
  mock: MockProvider
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string
  /** The official openai SDK, without retries so statuses surface as they are. */
  client: OpenAI
}

export interface OpenAiGatewayOptions {
  plugin?: Partial<FastifyAiOptions>
  /** Runs before the plugin is registered (e.g. a hook standing for ai-warp's auth). */
  setup?: (app: FastifyInstance) => void
  /** Adds the provider `responses` (OpenAI through the Responses API) and RESPONSES_MODEL, last in the chain. */
  withResponsesApi?: boolean
}

export async function startOpenAiGateway (t: TestContext, options: OpenAiGatewayOptions = {}): Promise<OpenAiGateway> {
  const mock = await createMockProvider()
  const app = Fastify()
  // The app (and the core's pools to the mock) first: the mock's close waits for their sockets.
  t.after(async function closeGateway () {
    await app.close()
    await mock.close()
  })
  options.setup?.(app)
  const responses = options.withResponsesApi === true
  await app.register(fastifyAi, {
    providers: {
      openai: { apiKey: 'test-key', baseUrl: mock.url },
      gemini: { apiKey: 'test-key', baseUrl: mock.url },
      ...(responses ? { responses: { type: 'openai', apiKey: 'test-key', baseUrl: mock.url, api: 'responses' } } : {})
    },
    models: responses ? [OPENAI_MODEL, GEMINI_MODEL, RESPONSES_MODEL] : [OPENAI_MODEL, GEMINI_MODEL],
    limits: { retry: { max: 0, interval: 0 } },
    openai: { aliases: { fast: [GEMINI_MODEL, OPENAI_MODEL] } },
    ...options.plugin
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const baseURL = `http://127.0.0.1:${address.port}/v1`
  return { app, mock, baseURL, client: new OpenAI({ apiKey: 'unused', baseURL, maxRetries: 0 }) }
}
