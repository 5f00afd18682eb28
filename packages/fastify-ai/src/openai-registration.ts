import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import type { HttpOptions } from './options.ts'

interface OpenAiRoutesOptions {
  prefix: string
  aliases: Record<string, string[]>
}

/**
 * Register the OpenAI-compatible API (src/openai, written alongside this plugin). Loaded
 * lazily so the rest of the plugin works while that module does not exist yet.
 */
export async function registerOpenAi (fastify: FastifyInstance, http: HttpOptions): Promise<void> {
  // A variable specifier keeps TypeScript from resolving it before the module exists.
  const specifier = './openai/index.ts'
  let openaiRoutes: FastifyPluginAsync<OpenAiRoutesOptions>
  try {
    ({ openaiRoutes } = await import(specifier) as { openaiRoutes: FastifyPluginAsync<OpenAiRoutesOptions> })
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error
    fastify.log.debug('OpenAI-compatible API not available')
    return
  }
  await fastify.register(openaiRoutes, { prefix: http.openai.prefix, aliases: http.openai.aliases })
}
