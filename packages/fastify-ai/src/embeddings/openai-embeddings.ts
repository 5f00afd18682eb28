// Layer embeddings/ (the embeddings routes: native and OpenAI's). May import sse/ and the base
// files; see docs/architecture.md.
//
// `POST {openai.prefix}/embeddings`, OpenAI's shape both ways: the body read by the wire format
// (ai-provider's wire/openai-embeddings), `model` resolved like the chat route's (a configured
// `provider:model`, a bare model name, an alias, `default` for the embedding chain), the answer
// written in OpenAI's shape whichever provider gave it. Errors take OpenAI's shape from the
// gateway's error handler (everything under the OpenAI prefix does).

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AiEmbeddingRequest, OpenAiEmbeddingsAnswer } from '@platformatic/ai-provider'
import { fromOpenAiEmbeddingsRequest, toOpenAiEmbeddingsAnswer } from '@platformatic/ai-provider'
import { abortWhenClientLeaves } from '../client-gone.ts'

/** What the OpenAI embeddings route needs. */
export interface OpenAiEmbeddingsRouteOptions {
  /** The models a `model` parameter stands for (undefined: the whole embedding chain); AI_MODEL_NOT_CONFIGURED when unknown. */
  resolveModel: (model: string) => Promise<string[] | undefined>
  /** Who is asking, for accounting. */
  getCaller?: (request: FastifyRequest) => string | undefined
}

/** Model errors name the `model` parameter in OpenAI's answer. */
const MODEL_CODES = new Set(['AI_MODEL_TYPE_MISMATCH', 'AI_NO_MODEL_OF_TYPE'])

/** Registers `POST /embeddings` in the OpenAI API's scope (its prefix). */
export async function openaiEmbeddingsRoutes (fastify: FastifyInstance, options: OpenAiEmbeddingsRouteOptions): Promise<void> {
  fastify.post('/embeddings', async function embeddings (request, reply): Promise<OpenAiEmbeddingsAnswer> {
    const { model, request: embedRequest } = fromOpenAiEmbeddingsRequest(request.body)
    const full: AiEmbeddingRequest = { ...embedRequest }
    const models = await options.resolveModel(model)
    if (models !== undefined) full.models = models
    const caller = options.getCaller?.(request)
    if (caller !== undefined) full.caller = caller
    const disconnect = abortWhenClientLeaves(reply)
    full.signal = disconnect.signal
    try {
      const response = await fastify.ai.embed(full).catch(function nameModel (error: unknown) {
        const code = (error as { code?: unknown } | null)?.code
        if (typeof code === 'string' && MODEL_CODES.has(code)) Object.assign(error as object, { param: 'model' })
        throw error
      })
      return toOpenAiEmbeddingsAnswer(response)
    } finally {
      disconnect.release()
    }
  })
}
