import type { IncomingMessage } from 'node:http'
import { geminiMessages, openAiMessages } from './answer.ts'
import type { PromptMessage } from './answer.ts'
import { anthropicFormat, anthropicMessages } from './anthropic-format.ts'
import type { EmbeddingDialect } from './embeddings-format.ts'
import { geminiFormat } from './gemini-format.ts'
import { openAiFormat } from './openai-format.ts'
import { responsesFormat } from './responses-format.ts'
import { responsesMessages } from './responses-messages.ts'
import type { MockProviderName } from './types.ts'
import type { WireFormat } from './wire-format.ts'

// Which wire format a request speaks, decided by its path, and what each format's body says:
// its credentials, its prompt messages, whether it asks for JSON.

const GEMINI_PATH = /^\/v1beta\/models\/([^/]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/
const GEMINI_EMBEDDINGS: Record<string, EmbeddingDialect> = { embedContent: 'gemini-single', batchEmbedContents: 'gemini-batch' }

/** A request matched to a provider route. */
export interface Route {
  /** The wire format's name, recorded on the request. */
  provider: MockProviderName
  /** How answers and errors are written. */
  format: WireFormat
  /** Gemini: model from the path; OpenAI: filled from the body. */
  model: string
  /** Gemini: from the path; OpenAI: filled from the body. */
  stream: boolean
  /** Query string (Gemini `key`), '' when none. */
  query: string
  /** An embedding call (embeddings-format.ts), not a chat one. */
  embedding?: EmbeddingDialect
  /** Anthropic `POST /v1/messages/count_tokens`: answered `{input_tokens}`, the words of the conversation. */
  countTokens?: true
}

/** The route of a request URL, or undefined for a path the mock does not serve. */
export function matchRoute (url: string): Route | undefined {
  const mark = url.indexOf('?')
  const path = mark === -1 ? url : url.slice(0, mark)
  const query = mark === -1 ? '' : url.slice(mark + 1)
  if (path === '/v1/chat/completions') return { provider: 'openai', format: openAiFormat, model: '', stream: false, query }
  if (path === '/v1/responses') return { provider: 'openai-responses', format: responsesFormat, model: '', stream: false, query }
  if (path === '/chat/completions') return { provider: 'deepseek', format: openAiFormat, model: '', stream: false, query }
  if (path === '/v1/messages') return { provider: 'anthropic', format: anthropicFormat, model: '', stream: false, query }
  if (path === '/v1/messages/count_tokens') return { provider: 'anthropic', format: anthropicFormat, model: '', stream: false, query, countTokens: true }
  if (path === '/v1/embeddings') return { provider: 'openai', format: openAiFormat, model: '', stream: false, query, embedding: 'openai' }
  const gemini = GEMINI_PATH.exec(path)
  if (gemini === null) return undefined
  return { provider: 'gemini', format: geminiFormat, model: decodeURIComponent(gemini[1]), stream: gemini[2] === 'streamGenerateContent', query, embedding: GEMINI_EMBEDDINGS[gemini[2]] }
}

/** Whether the request carries the format's credentials: Anthropic `x-api-key`, Gemini `x-goog-api-key` or `?key=`, else a Bearer token. */
export function isAuthorized (route: Route, request: IncomingMessage): boolean {
  if (route.provider === 'anthropic') {
    const key = request.headers['x-api-key']
    return typeof key === 'string' && key !== ''
  }
  if (route.provider !== 'gemini') {
    const authorization = request.headers.authorization
    return authorization !== undefined && authorization.startsWith('Bearer ') && authorization.length > 7
  }
  const key = request.headers['x-goog-api-key']
  if (typeof key === 'string' && key !== '') return true
  return new URLSearchParams(route.query).get('key') !== null
}

/** How each format's body reads into prompt messages. */
const MESSAGE_READERS: Record<MockProviderName, (body: any) => PromptMessage[]> = {
  openai: openAiMessages,
  'openai-responses': responsesMessages,
  deepseek: openAiMessages,
  gemini: geminiMessages,
  anthropic: anthropicMessages
}

/** The prompt messages of a request body, in its route's format. */
export function promptMessages (route: Route, body: any): PromptMessage[] {
  return MESSAGE_READERS[route.provider](body)
}

/**
 * Whether the body asks for a JSON answer: OpenAI `response_format` json_object / json_schema,
 * Responses `text.format` of those types, Gemini `generationConfig.responseMimeType`
 * application/json, Anthropic `output_config.format`.
 */
export function asksForJson (route: Route, body: any): boolean {
  if (route.provider === 'gemini') return body.generationConfig?.responseMimeType === 'application/json'
  if (route.provider === 'anthropic') return body.output_config?.format?.type === 'json_schema'
  const type = route.provider === 'openai-responses' ? body.text?.format?.type : body.response_format?.type
  return type === 'json_object' || type === 'json_schema'
}
