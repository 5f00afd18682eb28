// Layer embeddings/ (ai.embed: checks, the embedding chain). May import every layer below it;
// see docs/architecture.md.
//
// An embedding request checked before any call, each refusal a 400 AI_BAD_REQUEST naming the
// field (`field` for the native API, `param` for the OpenAI route: the same names here): the
// input's shape (a non-empty string, non-empty strings, non-empty arrays of non-negative integer
// token ids), its size (`embeddings.maxInputs`, `maxInputCharacters`, `maxInputTokens`),
// `dimensions` (a positive integer), `encodingFormat` (float or base64).

import type { AiEmbeddingRequest } from '../embedding-types.ts'
import type { NormalizedEmbeddingOptions } from '../embedding-options.ts'
import { AiBadRequestError } from '../errors.ts'
import { estimateTextTokens } from '../accounting/token-estimate.ts'

/** What a checked request embeds. */
export interface EmbeddingInputs {
  /** Texts, or token arrays. */
  input: string[] | number[][]
  /** True for token arrays (OpenAI-format models only). */
  tokens: boolean
  /** Prompt tokens: counted for token arrays, estimated for texts (about four characters each). */
  estimatedTokens: number
}

const ENCODINGS = new Set(['float', 'base64'])

/** A 400 naming `field`, read by both routes (`details.field` natively, `param` in OpenAI's answer). */
export function embeddingFieldError (field: string, message: string): Error & { field: string, param: string } {
  return Object.assign(new AiBadRequestError(message), { field, param: field })
}

/** Check `request` against `limits`; throws embeddingFieldError. */
export function checkEmbeddingRequest (request: AiEmbeddingRequest, limits: NormalizedEmbeddingOptions): EmbeddingInputs {
  const { dimensions, encodingFormat } = request
  if (dimensions !== undefined && (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions <= 0)) {
    throw embeddingFieldError('dimensions', `dimensions must be a positive integer, got ${JSON.stringify(dimensions)}`)
  }
  if (encodingFormat !== undefined && !ENCODINGS.has(encodingFormat)) {
    throw embeddingFieldError('encodingFormat', `encodingFormat must be "float" or "base64", got ${JSON.stringify(encodingFormat)}`)
  }
  const raw: unknown = request.input
  if (typeof raw === 'string') return { input: [checkText(raw, 'input', limits)], tokens: false, estimatedTokens: estimateTextTokens(raw) }
  if (!Array.isArray(raw) || raw.length === 0) throw embeddingFieldError('input', 'input must be a non-empty string or a non-empty array of strings or token arrays')
  if (raw.length > limits.maxInputs) throw embeddingFieldError('input', `input has ${raw.length} items, more than the ${limits.maxInputs} allowed (embeddings.maxInputs)`)
  if (typeof raw[0] === 'string') {
    let estimatedTokens = 0
    raw.forEach(function checkItem (item: unknown, index) {
      estimatedTokens += estimateTextTokens(checkText(item, `input[${index}]`, limits))
    })
    return { input: raw as string[], tokens: false, estimatedTokens }
  }
  let estimatedTokens = 0
  raw.forEach(function checkItem (item: unknown, index) {
    estimatedTokens += checkTokens(item, `input[${index}]`, limits).length
  })
  return { input: raw as number[][], tokens: true, estimatedTokens }
}

function checkText (text: unknown, field: string, limits: NormalizedEmbeddingOptions): string {
  if (typeof text !== 'string') throw embeddingFieldError(field, `${field} must be a string, like the other items`)
  if (text === '') throw embeddingFieldError(field, `${field} must not be empty`)
  if (text.length > limits.maxInputCharacters) {
    throw embeddingFieldError(field, `${field} has ${text.length} characters, more than the ${limits.maxInputCharacters} allowed (embeddings.maxInputCharacters)`)
  }
  return text
}

function checkTokens (tokens: unknown, field: string, limits: NormalizedEmbeddingOptions): number[] {
  if (!Array.isArray(tokens)) throw embeddingFieldError(field, `${field} must be an array of token ids, like the other items`)
  if (tokens.length === 0) throw embeddingFieldError(field, `${field} must not be empty`)
  if (tokens.length > limits.maxInputTokens) {
    throw embeddingFieldError(field, `${field} has ${tokens.length} tokens, more than the ${limits.maxInputTokens} allowed (embeddings.maxInputTokens)`)
  }
  for (const token of tokens) {
    if (typeof token !== 'number' || !Number.isInteger(token) || token < 0) throw embeddingFieldError(field, `${field} must hold non-negative integer token ids, got ${JSON.stringify(token)}`)
  }
  return tokens
}
