// What OpenAI's Responses API (https://platform.openai.com/docs/api-reference/responses/create)
// refuses before answering, with its 400 body `{ error: { message, type, param, code } }`: a
// parameter it does not know (a gateway sending chat completions fields such as `messages`,
// `max_tokens` or `response_format`), a previous response the mock never stored, a tool it
// does not know, a too small `max_output_tokens`, a function call output answering no call, and
// reasoning whose encrypted content the mock never issued.

/** The top-level parameters of `POST /v1/responses`. */
const KNOWN_PARAMETERS = new Set([
  'model', 'input', 'instructions', 'tools', 'tool_choice', 'parallel_tool_calls', 'text', 'max_output_tokens',
  'temperature', 'top_p', 'store', 'stream', 'stream_options', 'metadata', 'previous_response_id', 'reasoning',
  'include', 'truncation', 'user', 'service_tier', 'background', 'prompt_cache_key', 'safety_identifier',
  'top_logprobs', 'max_tool_calls', 'conversation', 'prompt'
])

/** The smallest `max_output_tokens` the API takes. */
const MIN_OUTPUT_TOKENS = 16

/** An OpenAI 400 body. */
function invalidRequest (message: string, param: string | null, code: string | null): unknown {
  return { error: { message, type: 'invalid_request_error', param, code } }
}

function unknownParameter (body: Record<string, unknown>): unknown {
  for (const name of Object.keys(body)) {
    if (!KNOWN_PARAMETERS.has(name)) return invalidRequest(`Unknown parameter: '${name}'.`, name, 'unknown_parameter')
  }
  return undefined
}

function previousResponse (body: Record<string, unknown>): unknown {
  const id = body.previous_response_id
  if (id === undefined || id === null) return undefined
  return invalidRequest(`Previous response with id '${String(id)}' not found.`, 'previous_response_id', 'previous_response_not_found')
}

/** Only function tools, each with a name: the mock knows no hosted tool. */
function toolError (tools: unknown): unknown {
  if (!Array.isArray(tools)) return undefined
  for (let index = 0; index < tools.length; index++) {
    const tool = tools[index]
    if (tool?.type !== 'function') {
      return invalidRequest(`Invalid value: '${String(tool?.type)}'. Supported values are: 'function'.`, `tools[${index}].type`, 'invalid_value')
    }
    if (typeof tool.name !== 'string' || tool.name === '') {
      return invalidRequest(`Missing required parameter: 'tools[${index}].name'.`, `tools[${index}].name`, 'missing_required_parameter')
    }
  }
  return undefined
}

function outputTokensError (value: unknown): unknown {
  if (typeof value !== 'number' || value >= MIN_OUTPUT_TOKENS) return undefined
  return invalidRequest(
    `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= ${MIN_OUTPUT_TOKENS}, but got ${value} instead.`,
    'max_output_tokens',
    'integer_below_min_value'
  )
}

/**
 * The `encrypted_content` of a reasoning item the mock answers with. It names the model that
 * reasoned: like OpenAI, the mock accepts it back from that model's requests only.
 */
export function encryptedReasoning (model: string, answerId: string, text: string): string {
  return `gAAAAABmock_${Buffer.from(`${model}\n${answerId}:${text}`).toString('base64url')}`
}

/** The model an encrypted reasoning of the mock names, undefined for one it could not have written. */
function reasoningModel (encrypted: string): string | undefined {
  if (!encrypted.startsWith('gAAAAABmock_')) return undefined
  const plain = Buffer.from(encrypted.slice('gAAAAABmock_'.length), 'base64url').toString()
  const newline = plain.indexOf('\n')
  return newline === -1 ? undefined : plain.slice(0, newline)
}

/** What may follow a reasoning item: the output it led to (a message of the model, a call, more reasoning). */
function followsReasoning (item: any): boolean {
  return item?.type === 'function_call' || item?.type === 'reasoning' || item?.role === 'assistant'
}

/**
 * Function call outputs must answer a `function_call` earlier in `input`. Reasoning must carry
 * encrypted content the mock issued to this model (with `store: false` an item by id alone names
 * nothing: items are not kept), and come before the output it led to, as OpenAI requires.
 */
function inputError (body: Record<string, unknown>, issued: ReadonlySet<string>): unknown {
  const input = body.input
  if (!Array.isArray(input)) return undefined
  const calls = new Set<string>()
  for (let index = 0; index < input.length; index++) {
    const item = input[index]
    if (item?.type === 'function_call') calls.add(item.call_id)
    else if (item?.type === 'function_call_output' && !calls.has(item.call_id)) {
      return invalidRequest(`No tool call found for function call output with call_id ${String(item.call_id)}.`, 'input', null)
    } else if (item?.type === 'reasoning') {
      const encrypted = item.encrypted_content
      if (typeof encrypted !== 'string') {
        if (body.store === false) return invalidRequest(`Item with id '${String(item.id)}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`, 'input', null)
      } else if (!issued.has(encrypted) || reasoningModel(encrypted) !== body.model) {
        return invalidRequest(`The encrypted content for item ${String(item.id)} could not be verified.`, null, 'invalid_encrypted_content')
      }
      if (!followsReasoning(input[index + 1])) {
        return invalidRequest(`Item '${String(item.id)}' of type 'reasoning' was provided without its required following item.`, 'input', null)
      }
    }
  }
  return undefined
}

/**
 * The 400 body for a Responses request the API would refuse, or undefined when it passes.
 * `issued` holds every `encrypted_content` the mock answered with.
 */
export function responsesRequestError (body: Record<string, unknown>, issued: ReadonlySet<string>): unknown {
  return unknownParameter(body) ??
    previousResponse(body) ??
    toolError(body.tools) ??
    outputTokensError(body.max_output_tokens) ??
    inputError(body, issued)
}
