// Layer chain/ (choosing a model: fallback chain and policy, model state, rate limits). May import
// transport/, sessions/, providers/, stores/, conversation/ and the base files; see docs/architecture.md.
//
// What a conversation needs of a model, and whether a request's candidates can serve it: the
// request's own parts decide it before anything is read; its session's history (images, files,
// tool calls of earlier turns) adds to it once the conversation is built.

import type { AiCapability, AiMessage, AiRequest } from '../types.ts'
import type { NormalizedModel } from '../options.ts'
import { AiModelUnsupportedError, AiUnsupportedFeatureError } from '../errors.ts'
import { missingCapability, requiredCapabilities } from '../conversation/capabilities.ts'

/** Add to `needs` what the whole conversation needs (its history's parts and tool calls included). */
export function addConversationNeeds (needs: AiCapability[], request: AiRequest, messages: readonly AiMessage[], stream: boolean): void {
  for (const capability of requiredCapabilities({ messages, tools: request.tools, responseFormat: request.responseFormat }, stream)) {
    if (!needs.includes(capability)) needs.push(capability)
  }
}

/** 400 AI_UNSUPPORTED_FEATURE, before any call, when no candidate serves all of `needs`. */
export function requireCapableCandidate (candidates: readonly NormalizedModel[], needs: readonly AiCapability[]): void {
  if (needs.length === 0) return
  let lacking: AiCapability | undefined
  for (const model of candidates) {
    lacking = missingCapability(model.capabilities, needs)
    if (lacking === undefined) return
  }
  const names = candidates.map(function nameOf (model) { return model.name }).join(', ')
  throw new AiUnsupportedFeatureError(lacking as string, `needed by this request; candidates: ${names}`)
}

/**
 * Refuse a call to `model` when it lacks what the conversation needs: the chain then moves on
 * (AI_MODEL_UNSUPPORTED, no cool-down). For a model the chain reached before the history was read.
 */
export function assertCapable (model: NormalizedModel, needs: readonly AiCapability[]): void {
  const lacking = needs.length === 0 ? undefined : missingCapability(model.capabilities, needs)
  if (lacking !== undefined) throw new AiModelUnsupportedError(model.name, lacking)
}

/**
 * The error of a chain none of whose candidates could serve the conversation (every attempt
 * AI_MODEL_UNSUPPORTED): 400 AI_UNSUPPORTED_FEATURE instead of 503; any other error as it is.
 */
export function unsupportedOr (error: unknown, needs: readonly AiCapability[], candidates: readonly NormalizedModel[]): unknown {
  const attempts = (error as { code?: unknown, details?: { attempts?: Array<{ code: string }> } }).details?.attempts
  if ((error as { code?: unknown }).code !== 'AI_NO_MODELS_AVAILABLE' || attempts === undefined || attempts.length === 0) return error
  if (!attempts.every(function unsupported (attempt) { return attempt.code === 'AI_MODEL_UNSUPPORTED' })) return error
  try {
    requireCapableCandidate(candidates, needs)
  } catch (refusal) {
    return refusal
  }
  return error
}
