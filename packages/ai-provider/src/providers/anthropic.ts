// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// Anthropic's Messages API: the transport facts. What the bodies mean, both ways, is the wire
// format's (../wire/anthropic/).
//
// Request:  POST /v1/messages (the same path for streams, with `stream: true`), headers
//           `x-api-key`, `anthropic-version` (provider option `version`, default 2023-06-01)
//           and `anthropic-beta` (option `beta`, joined by commas).
// Stream:   named SSE events whose data repeats the name as `type`; message_stop ends it.
//           An `event: error` (overloaded, typically) fails it: the transport sees it first.
// Errors:   {"type":"error","error":{"type","message"}}. 429 rate_limit_error carries
//           `retry-after` (the transport reads it) and `anthropic-ratelimit-*` headers; 529
//           overloaded_error is a 5xx: retried, then cooled down and fallen back from; 400
//           invalid_request_error and 413 request_too_large are this request's fault (the next
//           model, no cool-down); 401/403 an operator's to fix. billing_error (402) is a quota.

import type { ProviderAnswer, ProviderInput, ProviderStreamEvent } from '../provider.ts'
import type { ProviderAdapter, ProviderRequestOptions, ProviderStreamEnd, ProviderStreamState } from './adapter.ts'
import type { AnthropicResponse, AnthropicStreamEvent } from '../wire/anthropic/types.ts'
import type { AnthropicStreamReader } from '../wire/anthropic/from-anthropic-stream.ts'
import { AiProviderEmptyResponseError, AiProviderMalformedResponseError, AiProviderStreamError } from '../errors.ts'
import { toAnthropicRequest } from '../wire/anthropic/to-anthropic-request.ts'
import { fromAnthropicAnswer } from '../wire/anthropic/from-anthropic-answer.ts'
import { createAnthropicStreamReader } from '../wire/anthropic/from-anthropic-stream.ts'
import { errorFromStatus, errorObject, parseErrorBody, shortMessage, parseStreamData } from './upstream-error.ts'

/** The API version of the path. */
const VERSION = '/v1'

/** `anthropic-version` when the provider options give none. */
export const ANTHROPIC_DEFAULT_VERSION = '2023-06-01'

/** Error types that say a quota or a bill is at fault, whatever the status. */
const QUOTA_ERROR_TYPES: ReadonlySet<string> = new Set(['rate_limit_error', 'billing_error'])

export const anthropic: ProviderAdapter = {
  type: 'anthropic',
  defaultBaseUrl: 'https://api.anthropic.com',
  versionPrefix: VERSION,

  buildHeaders: function buildHeaders (options: ProviderRequestOptions): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'anthropic-version': options.version ?? ANTHROPIC_DEFAULT_VERSION
    }
    if (options.apiKey) headers['x-api-key'] = options.apiKey
    if (options.beta !== undefined && options.beta.length > 0) headers['anthropic-beta'] = options.beta.join(',')
    return Object.assign(headers, options.headers)
  },

  completePath: function completePath (basePath: string): string {
    return basePath + VERSION + '/messages'
  },

  streamPath: function streamPath (basePath: string): string {
    return basePath + VERSION + '/messages'
  },

  buildBody: function buildBody (model: string, input: ProviderInput, stream: boolean): string {
    return JSON.stringify(toAnthropicRequest(model, input, stream))
  },

  readAnswer: function readAnswer (json: unknown, label: string): ProviderAnswer {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new AiProviderMalformedResponseError(label, 'answer is not an object')
    if ((json as { type?: unknown }).type === 'error') throw new AiProviderStreamError(label, messageOf(errorObject(json)))
    const answer = fromAnthropicAnswer(json as AnthropicResponse, label)
    if (answer.text === '' && answer.toolCalls === undefined) throw new AiProviderEmptyResponseError(label)
    return answer
  },

  // The stream's state is the wire format's reader: it carries finishReason and usage as the contract reads them.
  createStreamState: function createStreamState (): ProviderStreamState {
    return createAnthropicStreamReader()
  },

  readStreamEvent: function readStreamEvent (data: string, state: ProviderStreamState, label: string): ProviderStreamEvent[] | undefined {
    const events = (state as AnthropicStreamReader).read(parseStreamData(data, label) as AnthropicStreamEvent, label)
    return events.length === 0 ? undefined : events
  },

  readStreamEnd: function readStreamEnd (state: ProviderStreamState): ProviderStreamEnd | undefined {
    return (state as AnthropicStreamReader).end()
  },

  readError: function readError (status: number, body: string, label: string, retryAfterMs: number | undefined): Error {
    const error = errorObject(parseErrorBody(body))
    if (error === undefined) return errorFromStatus(label, status, shortMessage(body), false, retryAfterMs)
    return errorFromStatus(label, status, messageOf(error), QUOTA_ERROR_TYPES.has(error.type as string), retryAfterMs)
  }
}

function messageOf (error: Record<string, unknown> | undefined): string {
  if (error === undefined) return 'error answer without details'
  const message = typeof error.message === 'string' ? error.message : JSON.stringify(error)
  return shortMessage(typeof error.type === 'string' ? `${error.type}: ${message}` : message)
}
