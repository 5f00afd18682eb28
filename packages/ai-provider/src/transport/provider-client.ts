// Layer transport/ (one upstream call: pools, deadlines, retries, whole responses, SSE parsing).
// May import providers/, stores/ and the base files; see docs/architecture.md.
//
// One configured provider: its adapter (picked by `type`), ONE undici Pool for the origin of
// its base URL, and the transport that speaks through that pool.

import { Pool } from 'undici'
import type { Dispatcher } from 'undici'
import type { Logger } from '../types.ts'
import type { NormalizedProviderOptions, ProviderClient } from '../provider.ts'
import { adapterOf } from '../providers/registry.ts'
import { embeddingAdapters } from '../providers/embedding-adapters.ts'
import { tokenCounters } from '../providers/token-counters.ts'
import { AiProviderRequestRejectedError } from '../errors.ts'
import { createTransport } from './transport.ts'

/** What a provider client can be given instead of building it. */
export interface ProviderClientDependencies {
  logger: Logger
  /** A dispatcher to use instead of a new Pool (it is not closed by `close()`); tests and embedders. */
  dispatcher?: Dispatcher
}

/** Builds the client of one configured provider. Options are already validated (options.ts). */
export function createProviderClient (options: NormalizedProviderOptions, deps: ProviderClientDependencies): ProviderClient {
  const adapter = adapterOf(options.type, options.api)
  const url = new URL(options.baseUrl || adapter.defaultBaseUrl || '')
  let basePath = url.pathname.replace(/\/+$/, '')
  // `http://host/v1` for OpenAI (as its SDK's baseURL is written): the adapter's paths add /v1.
  const version = adapter.versionPrefix
  if (version !== undefined && basePath.endsWith(version)) basePath = basePath.slice(0, -version.length)

  const ownPool = deps.dispatcher === undefined
  const dispatcher = deps.dispatcher ?? new Pool(url.origin, {
    connections: options.connections ?? null,
    pipelining: options.pipelining,
    connectTimeout: options.connectTimeout,
    keepAliveTimeout: options.keepAliveTimeout
  })

  const transport = createTransport({
    name: options.name,
    adapter,
    dispatcher,
    origin: url.origin,
    basePath,
    headers: adapter.buildHeaders({ apiKey: options.apiKey, headers: options.headers, version: options.version, beta: options.beta }),
    body: { streamUsage: options.streamUsage, provider: options.name },
    logger: deps.logger
  })

  return {
    name: options.name,
    complete: transport.complete,
    stream: transport.stream,
    embed: async function embed (model, input, callOptions) {
      const embeddings = embeddingAdapters[options.type]
      // Options refuse an embedding model on such a provider: this is for a caller of the client alone.
      if (embeddings === undefined) throw new AiProviderRequestRejectedError(options.name + ':' + model, 404, `a provider of type ${options.type} has no embeddings API`)
      const json = await transport.postJson(model, embeddings.path(basePath, model, input), embeddings.buildBody(model, input), callOptions)
      return embeddings.readAnswer(json, options.name + ':' + model, input.input.length)
    },
    countTokens: async function countTokens (model, input, callOptions) {
      const counter = tokenCounters[options.type]
      if (counter === undefined) return undefined
      const json = await transport.postJson(model, counter.path(basePath, model), counter.buildBody(model, input), callOptions)
      return counter.readAnswer(json, options.name + ':' + model)
    },
    close: async function close (): Promise<void> {
      transport.shutdown()
      if (ownPool) await dispatcher.close()
    }
  }
}
