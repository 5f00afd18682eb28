import type { Answer } from './answer.ts'
import type { MockUsage } from './types.ts'
import type { FormatContext, StreamScript, WireFormat } from './wire-format.ts'
import { toolCallDeltas, toolCallId } from './openai-tool-deltas.ts'

// OpenAI chat completions (and DeepSeek, which speaks the same format with its own usage fields):
// https://platform.openai.com/docs/api-reference/chat/object and /chat/streaming

function usageBody (usage: MockUsage, context: FormatContext) {
  const base = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens
  }
  const cached = usage.cachedTokens ?? 0
  const reasoning = usage.reasoningTokens ?? 0
  if (context.provider === 'deepseek') {
    const body: Record<string, unknown> = {
      ...base,
      prompt_tokens_details: { cached_tokens: cached },
      prompt_cache_hit_tokens: cached,
      prompt_cache_miss_tokens: usage.promptTokens - cached
    }
    // deepseek-reasoner reports its thinking; deepseek-chat has no such field.
    if (reasoning > 0) body.completion_tokens_details = { reasoning_tokens: reasoning }
    return body
  }
  return {
    ...base,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 }
  }
}

function finishReasonOf (answer: Answer): string {
  return answer.finishReason ?? (answer.toolCalls.length > 0 ? 'tool_calls' : 'stop')
}

function fingerprint (context: FormatContext): string {
  return context.provider === 'deepseek' ? 'fp_mock_prod0820_fp8_kvcache' : 'fp_mock0001'
}

function completion (answer: Answer, context: FormatContext): unknown {
  // An answer of tool calls only has `content: null`.
  const content = answer.text === '' && answer.toolCalls.length > 0 ? null : answer.text
  const message: Record<string, unknown> = context.provider === 'deepseek'
    ? { role: 'assistant', content }
    : { role: 'assistant', content, refusal: null, annotations: [] }
  if (answer.toolCalls.length > 0) {
    message.tool_calls = answer.toolCalls.map(function wireCall (call, index) {
      return { id: toolCallId(call, index, context), type: 'function', function: { name: call.name, arguments: call.arguments } }
    })
  }
  const body: Record<string, unknown> = {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: answer.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(answer) }]
  }
  if (answer.usage !== false) body.usage = usageBody(answer.usage, context)
  if (context.provider === 'openai') body.service_tier = 'default'
  body.system_fingerprint = fingerprint(context)
  return body
}

function streamScript (answer: Answer, context: FormatContext): StreamScript {
  const head = `{"id":"${context.id}","object":"chat.completion.chunk","created":${context.created},"model":${JSON.stringify(answer.model)},"system_fingerprint":"${fingerprint(context)}",`
  // With include_usage every chunk but the last carries `"usage": null`.
  const tail = context.includeUsage ? ',"usage":null}' : '}'
  function chunk (delta: string, finishReason: string): string {
    return `${head}"choices":[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]${tail}`
  }
  const refusal = context.provider === 'deepseek' ? '' : ',"refusal":null'
  // Without text, the role comes with the first tool call (`content: null`), as OpenAI sends it.
  const callsOnly = answer.deltas.length === 0 && answer.toolCalls.length > 0
  const before = callsOnly ? [] : [chunk(`{"role":"assistant","content":""${refusal}}`, 'null')]
  // Azure-style gateways send a chunk without choices (prompt filter results) first.
  if (context.emptyChoicesChunk) before.unshift('{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}')
  const deltas = answer.deltas.map(function deltaChunk (text) {
    return chunk(`{"content":${JSON.stringify(text)}}`, 'null')
  })
  const toolDeltas = toolCallDeltas(answer, context)
  for (let i = 0; i < toolDeltas.length; i++) {
    const calls = JSON.stringify([toolDeltas[i]])
    deltas.push(chunk(callsOnly && i === 0 ? `{"role":"assistant","content":null,"tool_calls":${calls}${refusal}}` : `{"tool_calls":${calls}}`, 'null'))
  }
  const after = [chunk('{}', JSON.stringify(finishReasonOf(answer)))]
  if (context.includeUsage && answer.usage !== false) {
    after.push(`${head}"choices":[],"usage":${JSON.stringify(usageBody(answer.usage, context))}}`)
  }
  after.push('[DONE]')
  return { before, deltas, after }
}

function errorBody (status: number, model: string): unknown {
  return { error: openAiError(status, model) }
}

function openAiError (status: number, model: string) {
  switch (status) {
    case 400:
      return {
        message: `This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages. (model ${model})`,
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded'
      }
    case 401:
      return { message: 'Incorrect API key provided: sk-mock. You can find your API key at https://platform.openai.com/account/api-keys.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' }
    case 403:
      return { message: 'Country, region, or territory not supported', type: 'request_forbidden', param: null, code: 'unsupported_country_region_territory' }
    case 404:
      return { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' }
    case 429:
      return { message: `Rate limit reached for ${model} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`, type: 'requests', param: null, code: 'rate_limit_exceeded' }
    case 503:
      return { message: 'The engine is currently overloaded, please try again later', type: 'server_error', param: null, code: null }
    default:
      if (status >= 500) return { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null }
      return { message: `Mock error with status ${status}`, type: 'invalid_request_error', param: null, code: null }
  }
}

function inBandError (): unknown {
  return { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } }
}

/** OpenAI / DeepSeek chat completions wire format. */
export const openAiFormat: WireFormat = {
  crlf: false,
  jsonContentType: 'application/json',
  streamContentType: 'text/event-stream; charset=utf-8',
  completion,
  streamScript,
  errorBody,
  inBandError
}
