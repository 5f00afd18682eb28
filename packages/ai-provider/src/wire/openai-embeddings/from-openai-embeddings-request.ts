// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// An OpenAI embeddings body (what the `openai` SDK and AI SDK send to /v1/embeddings) read into an
// embedding request of the core. Refused in OpenAI's terms, naming the parameter: an unknown
// parameter, a missing model or input, an input of the wrong type, an encoding_format other than
// float or base64, dimensions that are not a positive integer. Limits (how many inputs, how
// large) are the core's (ai.embed), which names `input` too.

import type { AiEmbeddingInput, AiEmbeddingRequest } from '../../embedding-types.ts'
import { openAiChatParameterError as parameterError } from '../openai-chat/openai-chat-request-error.ts'

/** What an OpenAI body asks for: the model it names, and the request for the core (without models, caller, signal). */
export interface OpenAiEmbeddingsInput {
  /** The `model` parameter, as the caller wrote it (a configured `provider:model`, or what the route maps it to). */
  model: string
  request: AiEmbeddingRequest
}

const KNOWN = new Set(['input', 'model', 'dimensions', 'encoding_format', 'user'])
const ENCODINGS = new Set(['float', 'base64'])

/** Read an OpenAI embeddings body; throws AI_BAD_REQUEST with OpenAI's `param` and `code`. */
export function fromOpenAiEmbeddingsRequest (body: unknown): OpenAiEmbeddingsInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw parameterError('body', 'The body must be a JSON object', 'invalid_type')
  const fields = body as Record<string, unknown>
  for (const key of Object.keys(fields)) {
    if (!KNOWN.has(key)) throw parameterError(key, `Unrecognized request argument supplied: ${key}`, 'unknown_parameter')
  }
  if (typeof fields.model !== 'string' || fields.model === '') throw parameterError('model', 'you must provide a model parameter', 'missing_required_parameter')
  if (fields.input === undefined) throw parameterError('input', 'you must provide an input parameter', 'missing_required_parameter')
  const request: AiEmbeddingRequest = { input: inputOf(fields.input) }
  if (fields.dimensions !== undefined) {
    const dimensions = fields.dimensions
    if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions <= 0) {
      throw parameterError('dimensions', `dimensions must be a positive integer, got ${JSON.stringify(dimensions)}`)
    }
    request.dimensions = dimensions
  }
  if (fields.encoding_format !== undefined) {
    if (typeof fields.encoding_format !== 'string' || !ENCODINGS.has(fields.encoding_format)) {
      throw parameterError('encoding_format', `encoding_format must be "float" or "base64", got ${JSON.stringify(fields.encoding_format)}`)
    }
    request.encodingFormat = fields.encoding_format as 'float' | 'base64'
  }
  if (fields.user !== undefined && typeof fields.user !== 'string') throw parameterError('user', 'user must be a string', 'invalid_type')
  return { model: fields.model, request }
}

/** A string, strings, one token array (numbers) or token arrays; a single token array becomes one input. */
function inputOf (input: unknown): AiEmbeddingInput {
  if (typeof input === 'string') return input
  if (!Array.isArray(input)) throw parameterError('input', 'input must be a string, an array of strings or an array of token arrays', 'invalid_type')
  if (input.length > 0 && input.every(function isNumber (each) { return typeof each === 'number' })) return [input as number[]]
  // The rest (empty, mixed, bad items) is the core's to refuse, naming the item.
  return input as AiEmbeddingInput
}
