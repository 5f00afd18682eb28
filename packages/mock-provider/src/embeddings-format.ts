// Embeddings in both wire formats the mock speaks, read and written independently of the gateway:
// OpenAI's `POST /v1/embeddings` (`input` as a string, strings, token ids or token arrays;
// `dimensions`; `encoding_format` float or base64; usage in `prompt_tokens`) and Gemini's
// `models/{model}:embedContent` (`{embedding: {values}}`) and `:batchEmbedContents` (each request
// naming `models/{model}`; `{embeddings: [{values}]}`), `outputDimensionality`, no usage (as the
// Developer API). Vectors are deterministic: the same text (or tokens) and length give the same
// unit vector, whichever format asked, with float32-exact values so base64 round-trips exactly.

/** The embedding call a route serves. */
export type EmbeddingDialect = 'openai' | 'gemini-single' | 'gemini-batch'

/** Length of a vector when the request does not ask for one. */
export const MOCK_EMBEDDING_DIMENSIONS = 8

/** A status and the JSON body to answer with. */
export interface EmbeddingReply {
  status: number
  body: unknown
}

/**
 * The deterministic vector of `input` (a text, or token ids): `dimensions` float32 values from a
 * generator seeded by the input's FNV-1a hash, scaled to unit length.
 */
export function mockEmbedding (input: string | readonly number[], dimensions: number = MOCK_EMBEDDING_DIMENSIONS): number[] {
  const text = typeof input === 'string' ? input : 'tokens:' + input.join(',')
  let seed = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    seed ^= text.charCodeAt(index)
    seed = Math.imul(seed, 0x01000193) >>> 0
  }
  const values: number[] = []
  let squares = 0
  for (let index = 0; index < dimensions; index++) {
    // xorshift32
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    seed >>>= 0
    const value = (seed / 0xffffffff) * 2 - 1
    values.push(value)
    squares += value * value
  }
  const norm = Math.sqrt(squares) || 1
  return values.map(function unit (value) { return Math.fround(value / norm) })
}

/** Words of a text, the mock's token count (as its chat answers count them). */
function tokensOf (input: string | readonly number[]): number {
  if (typeof input !== 'string') return input.length
  return input.split(/\s+/).filter(Boolean).length || 1
}

function openAiError (message: string, param: string | null): EmbeddingReply {
  return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code: null } } }
}

function geminiError (message: string): EmbeddingReply {
  return { status: 400, body: { error: { code: 400, message, status: 'INVALID_ARGUMENT' } } }
}

/** OpenAI `input` as a list of texts or token arrays, or undefined when it is not one. */
function openAiInputs (input: unknown): Array<string | number[]> | undefined {
  if (typeof input === 'string') return input === '' ? undefined : [input]
  if (!Array.isArray(input) || input.length === 0) return undefined
  if (input.every((item) => typeof item === 'number')) return [input as number[]]
  if (input.every((item) => typeof item === 'string' && item !== '')) return input as string[]
  if (input.every((item) => Array.isArray(item) && item.length > 0 && item.every((token: unknown) => Number.isInteger(token)))) return input as number[][]
  return undefined
}

function float32Base64 (vector: number[]): string {
  const bytes = Buffer.alloc(vector.length * 4)
  vector.forEach(function write (value, index) { bytes.writeFloatLE(value, index * 4) })
  return bytes.toString('base64')
}

function openAiAnswer (model: string, body: any): EmbeddingReply {
  const inputs = openAiInputs(body.input)
  if (inputs === undefined) return openAiError("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.", 'input')
  const dimensions = body.dimensions ?? MOCK_EMBEDDING_DIMENSIONS
  if (!Number.isInteger(dimensions) || dimensions <= 0) return openAiError('dimensions must be a positive integer', 'dimensions')
  const base64 = body.encoding_format === 'base64'
  let tokens = 0
  const data = inputs.map(function toItem (input, index) {
    tokens += tokensOf(input)
    const vector = mockEmbedding(input, dimensions)
    return { object: 'embedding', index, embedding: base64 ? float32Base64(vector) : vector }
  })
  return { status: 200, body: { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } } }
}

/** The text of a Gemini EmbedContentRequest (its parts' text), or undefined. */
function geminiText (request: any): string | undefined {
  const parts = request?.content?.parts
  if (!Array.isArray(parts)) return undefined
  const text = parts.map((part: any) => typeof part?.text === 'string' ? part.text : '').join('')
  return text === '' ? undefined : text
}

function geminiValues (request: any): number[] | EmbeddingReply {
  const text = geminiText(request)
  if (text === undefined) return geminiError('* EmbedContentRequest.content: contents must not be empty')
  const dimensions = request.outputDimensionality ?? MOCK_EMBEDDING_DIMENSIONS
  if (!Number.isInteger(dimensions) || dimensions <= 0) return geminiError('* EmbedContentRequest.output_dimensionality: must be positive')
  return mockEmbedding(text, dimensions)
}

/** The answer of one embedding request in `dialect`, for `model` (from the body or the path). */
export function embeddingAnswer (dialect: EmbeddingDialect, model: string, body: any): EmbeddingReply {
  if (dialect === 'openai') return openAiAnswer(model, body)
  if (dialect === 'gemini-single') {
    const values = geminiValues(body)
    return Array.isArray(values) ? { status: 200, body: { embedding: { values } } } : values
  }
  const requests = body.requests
  if (!Array.isArray(requests) || requests.length === 0) return geminiError('* BatchEmbedContentsRequest.requests: must not be empty')
  const embeddings: Array<{ values: number[] }> = []
  for (const [index, request] of requests.entries()) {
    if (request?.model !== 'models/' + model) return geminiError(`* BatchEmbedContentsRequest.requests[${index}].model: must be models/${model}, as in the path`)
    const values = geminiValues(request)
    if (!Array.isArray(values)) return values
    embeddings.push({ values })
  }
  return { status: 200, body: { embeddings } }
}
