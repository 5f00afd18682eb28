// buildClient: the AI Warp client. Requests are built here; the HTTP exchange, the timeout
// rule and the stream reading live in their own modules.
import type { PromptResponseBody } from './protocol.ts'
import { askStream } from './ask-stream.ts'
import { AiClientOptionsError, AiClientResponseError } from './errors.ts'
import { requestJson } from './exchange.ts'
import { normalizeClientOptions } from './options.ts'
import type { NormalizedClientOptions } from './options.ts'
import type {
  AskContent,
  AskContentResponse,
  AskOptions,
  AskStreamResponse,
  Client,
  ClientOptions,
  EmbedOptions,
  EmbedResponse,
  ModelStatus,
  ModelsResponseBody,
  Session,
  UsageOptions,
  UsageReport
} from './types.ts'

/** Builds the JSON body of the prompt and stream routes (undefined fields left out). */
export function toRequestBody (options: AskOptions): Record<string, unknown> {
  if (typeof options !== 'object' || options === null) throw new AiClientOptionsError('ask', 'expected an object')
  if (options.prompt === undefined && options.messages === undefined && options.toolResults === undefined) {
    throw new AiClientOptionsError('prompt', 'expected a prompt, messages or toolResults')
  }
  if (options.prompt !== undefined && (typeof options.prompt !== 'string' || options.prompt === '')) {
    throw new AiClientOptionsError('prompt', 'expected a non-empty string')
  }
  for (const field of ['messages', 'toolResults', 'tools'] as const) {
    if (options[field] !== undefined && !Array.isArray(options[field])) throw new AiClientOptionsError(field, 'expected an array')
  }
  // What the values mean (tool names, tool results matching a call…) is the server's to check.
  const body: Record<string, unknown> = {}
  const fields = ['prompt', 'messages', 'toolResults', 'tools', 'toolChoice', 'parallelToolCalls', 'responseFormat', 'context', 'temperature', 'maxTokens', 'models', 'history', 'sessionId', 'resume'] as const
  for (const field of fields) {
    if (options[field] !== undefined) body[field] = options[field]
  }
  return body
}

function toAskContent (body: unknown, url: string): AskContent {
  const answer = body as Partial<PromptResponseBody> | undefined
  if (typeof answer !== 'object' || answer === null || typeof answer.text !== 'string' || typeof answer.result !== 'string') {
    throw new AiClientResponseError(`Unexpected answer from ${url}: ${JSON.stringify(body)?.slice(0, 200)}`)
  }
  const content: AskContent = {
    text: answer.text,
    result: answer.result,
    sessionId: answer.sessionId ?? '',
    model: answer.model ?? ''
  }
  if (Array.isArray(answer.toolCalls) && answer.toolCalls.length > 0) content.toolCalls = answer.toolCalls
  if (answer.usage !== undefined) content.usage = answer.usage
  return content
}

async function askContent (options: NormalizedClientOptions, body: Record<string, unknown>, signal?: AbortSignal): Promise<AskContentResponse> {
  options.logger.debug({ url: options.promptUrl }, 'ai-client: prompt request')
  const { body: answer, headers } = await requestJson(options, {
    url: options.promptUrl,
    method: 'POST',
    headers: { ...options.headers, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
    signal
  })
  return { content: toAskContent(answer, options.promptUrl), headers }
}

function checkSessionId (sessionId: string): string {
  if (typeof sessionId !== 'string' || sessionId === '') {
    throw new AiClientOptionsError('sessionId', 'expected a non-empty string')
  }
  return encodeURIComponent(sessionId)
}

/** Builds an AI Warp client. Options are checked here (AiClientOptionsError). */
export function buildClient (clientOptions: ClientOptions): Client {
  const options = normalizeClientOptions(clientOptions)
  const jsonHeaders = { ...options.headers, accept: 'application/json' }

  function ask (askOptions: AskOptions & { stream: false }): Promise<AskContentResponse>
  function ask (askOptions: AskOptions & { stream?: true }): Promise<AskStreamResponse>
  function ask (askOptions: AskOptions): Promise<AskContentResponse | AskStreamResponse>
  async function ask (askOptions: AskOptions): Promise<AskContentResponse | AskStreamResponse> {
    const body = toRequestBody(askOptions)
    if (askOptions.stream === false) return askContent(options, body, askOptions.signal)
    return askStream(options, { body, signal: askOptions.signal })
  }

  async function getSession (sessionId: string, requestOptions: { signal?: AbortSignal } = {}): Promise<Session> {
    const url = `${options.sessionsUrl}/${checkSessionId(sessionId)}`
    const { body } = await requestJson(options, { url, method: 'GET', headers: jsonHeaders, signal: requestOptions.signal })
    return body as Session
  }

  async function deleteSession (sessionId: string, requestOptions: { signal?: AbortSignal } = {}): Promise<void> {
    const url = `${options.sessionsUrl}/${checkSessionId(sessionId)}`
    await requestJson(options, { url, method: 'DELETE', headers: jsonHeaders, signal: requestOptions.signal })
  }

  async function models (requestOptions: { signal?: AbortSignal } = {}): Promise<ModelStatus[]> {
    const { body } = await requestJson(options, { url: options.modelsUrl, method: 'GET', headers: jsonHeaders, signal: requestOptions.signal })
    const list = (body as ModelsResponseBody | undefined)?.models
    if (!Array.isArray(list)) throw new AiClientResponseError(`Unexpected answer from ${options.modelsUrl}`)
    return list
  }

  async function usage (usageOptions: UsageOptions = {}): Promise<UsageReport> {
    const query = new URLSearchParams()
    for (const field of ['from', 'to', 'caller', 'model'] as const) {
      const value = usageOptions[field]
      if (value === undefined) continue
      if (typeof value !== 'string' || value === '') throw new AiClientOptionsError(field, 'expected a non-empty string')
      query.set(field, value)
    }
    const search = query.toString()
    const url = search === '' ? options.usageUrl : `${options.usageUrl}?${search}`
    const { body } = await requestJson(options, { url, method: 'GET', headers: jsonHeaders, signal: usageOptions.signal })
    const report = body as Partial<UsageReport> | undefined
    if (!Array.isArray(report?.rows) || typeof report.totals !== 'object') throw new AiClientResponseError(`Unexpected answer from ${options.usageUrl}`)
    return report as UsageReport
  }

  async function embed (embedOptions: EmbedOptions): Promise<EmbedResponse> {
    const { signal, ...fields } = embedOptions ?? {}
    if (fields.input === undefined) throw new AiClientOptionsError('input', 'expected a text, texts or token arrays')
    const body: Record<string, unknown> = {}
    for (const field of ['input', 'models', 'dimensions', 'encodingFormat', 'taskType'] as const) {
      if (fields[field] !== undefined) body[field] = fields[field]
    }
    const { body: answer } = await requestJson(options, { url: options.embeddingsUrl, method: 'POST', headers: { ...jsonHeaders, 'content-type': 'application/json' }, body: JSON.stringify(body), signal })
    const response = answer as Partial<EmbedResponse> | undefined
    if (!Array.isArray(response?.embeddings) || typeof response.model !== 'string') throw new AiClientResponseError(`Unexpected answer from ${options.embeddingsUrl}`)
    return response as EmbedResponse
  }

  return { ask, getSession, deleteSession, models, usage, embed }
}
