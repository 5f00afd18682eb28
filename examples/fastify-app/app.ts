// A plain Fastify application with the AI routes of @platformatic/fastify-ai, plus one route of
// its own that uses `fastify.ai` directly.

import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import fastifyAi from '@platformatic/fastify-ai'

export interface AppOptions {
  /** Base URL of OpenAI (the mock provider in tests). Default: the public API. */
  openaiBaseUrl?: string
  openaiApiKey?: string
}

export async function buildApp (options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } })

  await app.register(fastifyAi, {
    providers: { openai: { apiKey: options.openaiApiKey, baseUrl: options.openaiBaseUrl } },
    models: ['openai:gpt-4o-mini'],
    limits: { maxTokens: 500 }
  })

  // Your own route, answered by the same core (fallback chain, limits, sessions).
  app.post<{ Body: { text: string } }>('/summarize', async function summarize (request) {
    const answer = await app.ai.request({ prompt: request.body.text, context: 'Summarize the text in one sentence.' })
    return { summary: answer.text, model: answer.model }
  })

  return app
}
