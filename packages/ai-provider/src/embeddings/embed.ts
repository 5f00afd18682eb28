// Layer embeddings/ (ai.embed: checks, the embedding chain). May import every layer below it;
// see docs/architecture.md.
//
// ai.embed(): the embedding models' own chain (models of `type: 'embedding'`, in config order),
// walked by the chat chain's machinery (walkChain: rate limits, cool-downs, retries, fallback),
// with the usage reserved, settled and recorded as a prompt's. Vectors come back as numbers
// from every provider and are written as base64 here when the caller asks for it.

import type { AiEmbeddingRequest, AiEmbeddingResponse, AiEmbeddingUsage } from '../embedding-types.ts'
import type { AiModelSelector } from '../types.ts'
import type { NormalizedAiOptions, NormalizedModel } from '../options.ts'
import type { ProviderClient, ProviderEmbeddingInput, ProviderEmbeddings } from '../provider.ts'
import type { ChainAttempt, ChainContext } from '../chain/fallback-chain.ts'
import type { Accounting } from '../accounting/spend.ts'
import { AiAbortedError, AiModelNotConfiguredError, AiModelTypeMismatchError, AiNoModelOfTypeError, AiUnsupportedFeatureError } from '../errors.ts'
import { embeddingAdapters } from '../providers/embedding-adapters.ts'
import { walkChain } from '../chain/fallback-chain.ts'
import { costOf, inCurrency } from '../accounting/prices.ts'
import { encodeFloat32Base64 } from '../wire/openai-embeddings/openai-embeddings-base64.ts'
import { checkEmbeddingRequest } from './embedding-input.ts'

/** What ai.embed needs of the core. */
export interface EmbeddingsDependencies {
  config: NormalizedAiOptions
  context: ChainContext
  /** The client of a model's provider. */
  client: (model: NormalizedModel) => ProviderClient
  accounting: Accounting
  /** Throws AI_SHUTTING_DOWN once the core is closing. */
  assertOpen: () => void
}

/** The `ai.embed` of one core. */
export function createEmbeddings (deps: EmbeddingsDependencies): (request: AiEmbeddingRequest) => Promise<AiEmbeddingResponse> {
  const { config, context, client, accounting, assertOpen } = deps

  /** Whether the model's API takes token arrays (OpenAI format), not text only (Gemini). */
  function takesTokens (model: NormalizedModel): boolean {
    return embeddingAdapters[config.providers[model.provider].type]?.tokenInput === true
  }

  /** The embedding candidates of a request; a chat model named here is refused, never asked. */
  function candidatesOf (selectors: AiModelSelector[] | undefined): readonly NormalizedModel[] {
    if (selectors === undefined || selectors.length === 0) {
      if (config.embeddingModels.length === 0) throw new AiNoModelOfTypeError('embedding')
      return config.embeddingModels
    }
    const chosen = new Set<NormalizedModel>()
    for (const selector of selectors) {
      const name = typeof selector === 'string' ? selector : `${selector.provider}:${selector.model}`
      const model = config.modelsByName.get(name)
      if (model === undefined) throw new AiModelNotConfiguredError(name)
      if (model.type !== 'embedding') throw new AiModelTypeMismatchError(name, model.type, 'embedding')
      chosen.add(model)
    }
    return [...chosen]
  }

  return async function embed (request: AiEmbeddingRequest): Promise<AiEmbeddingResponse> {
    assertOpen()
    const inputs = checkEmbeddingRequest(request, config.embeddings)
    if (request.signal?.aborted === true) throw new AiAbortedError()
    const candidates = candidatesOf(request.models)
    // Token arrays: a model whose API takes text only is skipped before the walk (no call, no cool-down).
    const usable = inputs.tokens ? candidates.filter(takesTokens) : candidates
    if (usable.length === 0) {
      throw new AiUnsupportedFeatureError('token input', `needed by this request; candidates: ${candidates.map(nameOf).join(', ')}`)
    }
    const providerInput: ProviderEmbeddingInput = { input: inputs.input }
    if (request.dimensions !== undefined) providerInput.dimensions = request.dimensions
    if (request.taskType !== undefined) providerInput.taskType = request.taskType
    // No output: an embedding reserves its prompt's tokens only.
    const spend = accounting.begin({ caller: request.caller, maxTokens: 0 }, usable)
    spend.estimateTokens(inputs.estimatedTokens)
    if (spend.reserves) await spend.reserveCaller()
    // Seen by the observers as a request of its own kind: metrics, spans (`embeddings {model}`), the log line.
    const observed = context.observers.begin('embed', { caller: request.caller, signal: request.signal }, usable)
    let chosen: { model: NormalizedModel, value: ProviderEmbeddings }
    try {
      chosen = await walkChain(context, usable, function embedWith (model, signal, attempt) {
        return client(model).embed(model.model, providerInput, { signal, timeout: model.limits.requestTimeout, headers: attempt?.upstreamHeaders })
      }, request.signal, observed, spend)
    } catch (failure) {
      await spend.release()
      const error = withSkipped(failure, candidates, usable)
      context.observers.failed(observed, error)
      throw error
    }
    const { model, value } = chosen
    await spend.settle(model, value.usage, '')
    const base64 = request.encodingFormat === 'base64'
    const usage = usageOf(model, value, inputs.estimatedTokens)
    context.observers.answered(observed, undefined, 'COMPLETE', { promptTokens: usage.promptTokens, completionTokens: 0, totalTokens: usage.totalTokens }, '')
    return {
      model: model.name,
      embeddings: value.vectors.map(function toEmbedding (vector, index) {
        return { index, embedding: base64 ? encodeFloat32Base64(vector) : vector }
      }),
      usage
    }
  }
}

function nameOf (model: NormalizedModel): string {
  return model.name
}

/** The answer's usage: the provider's, or the estimate when it reported none; with its cost when priced. */
function usageOf (model: NormalizedModel, value: ProviderEmbeddings, estimatedTokens: number): AiEmbeddingUsage {
  const usage: AiEmbeddingUsage = value.usage === undefined
    ? { promptTokens: estimatedTokens, totalTokens: estimatedTokens, estimated: true }
    : { promptTokens: value.usage.promptTokens, totalTokens: value.usage.totalTokens }
  if (model.price !== undefined) usage.cost = inCurrency(costOf(model.price, { promptTokens: usage.promptTokens, completionTokens: 0 }))
  return usage
}

/** When no model answered, the models skipped for token input are among the attempts, in chain order. */
function withSkipped (error: unknown, candidates: readonly NormalizedModel[], usable: readonly NormalizedModel[]): unknown {
  const details = (error as { code?: unknown, details?: { attempts?: ChainAttempt[] } }).details
  if (usable.length === candidates.length || (error as { code?: unknown }).code !== 'AI_NO_MODELS_AVAILABLE' || details?.attempts === undefined) return error
  const tried = new Map(details.attempts.map(function byModel (attempt) { return [attempt.model, attempt] }))
  details.attempts = candidates.map(function attemptOf (model) {
    return tried.get(model.name) ?? { model: model.name, code: 'AI_MODEL_UNSUPPORTED' }
  })
  return error
}
