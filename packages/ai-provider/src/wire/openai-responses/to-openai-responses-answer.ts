// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// An answer -> the Responses API's response object: the request's settings echoed, the output
// items (the message's `output_text`, then one `function_call` per call), the status by the
// result, and the usage with cached and reasoning tokens. A call's `call_id` is its id with its
// provider data (a Gemini thought signature), by the tool-call id codec of the chat route
// (openai-chat-tool-call-id.ts): a stateless client (`store: false`) replays the item as it got it.

import type { AiResponseFormat } from '../../conversation/response-format.ts'
import type { AiToolCall, AiToolChoice } from '../../conversation/tools.ts'
import type { AiResponse, AiResult, AiUsage } from '../../types.ts'
import { encodeToolCallId } from '../openai-chat/openai-chat-tool-call-id.ts'
import type { OpenAiResponsesInput } from './from-openai-responses-request.ts'
import { RESPONSES_ENDS, functionCallItemId, messageItemId } from './openai-responses-status.ts'
import type { ResponsesOutputItem, ResponsesResponse, ResponsesTextFormat, ResponsesToolChoice, ResponsesUsage } from './types.ts'

/** What a response says of itself besides the request's settings. */
export interface ResponsesIdentity {
  /** `resp_…` */
  id: string
  /** Unix seconds. */
  createdAt: number
  /** The `provider:model` answering. */
  model: string
}

/** A tool choice as the format spells it (`auto` when the request gave none). */
export function toolChoiceOf (choice: AiToolChoice | undefined): ResponsesToolChoice {
  if (choice === undefined) return 'auto'
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.name }
}

/** A response format as `text.format` (`text` when the request gave none). */
export function textFormatOf (format: AiResponseFormat | undefined): ResponsesTextFormat {
  if (format === undefined || format.type !== 'json_schema') return format ?? { type: 'text' }
  const written: ResponsesTextFormat = { type: 'json_schema', name: format.name, schema: format.schema }
  if (format.description !== undefined) written.description = format.description
  if (format.strict !== undefined) written.strict = format.strict
  return written
}

/** The response as it starts: `in_progress`, no output yet, the request's settings echoed. */
export function toOpenAiResponsesShell (request: OpenAiResponsesInput, identity: ResponsesIdentity): ResponsesResponse {
  return {
    id: identity.id,
    object: 'response',
    created_at: identity.createdAt,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.maxTokens ?? null,
    model: identity.model,
    output: [],
    parallel_tool_calls: request.parallelToolCalls ?? true,
    previous_response_id: request.previousResponseId ?? null,
    temperature: request.temperature ?? null,
    top_p: request.topP ?? null,
    tool_choice: toolChoiceOf(request.toolChoice),
    tools: (request.tools ?? []).map(function toolOf (tool) {
      return { type: 'function', name: tool.name, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? null }
    }),
    text: { format: textFormatOf(request.responseFormat) },
    truncation: 'disabled',
    metadata: request.metadata,
    store: request.store,
    background: false,
    usage: null
  }
}

/** Usage in the API's terms (zero details where the provider said nothing). */
export function toOpenAiResponsesUsage (usage: AiUsage): ResponsesUsage {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedPromptTokens ?? 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.totalTokens
  }
}

/** The output items of an answer: its text as a message (when it has any), then its calls. */
export function toOpenAiResponsesOutput (responseId: string, text: string, toolCalls: readonly AiToolCall[] | undefined, result: AiResult): ResponsesOutputItem[] {
  const itemStatus = RESPONSES_ENDS[result].status
  const output: ResponsesOutputItem[] = []
  if (text !== '' || toolCalls === undefined || toolCalls.length === 0) {
    output.push({ type: 'message', id: messageItemId(responseId), status: itemStatus, role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] })
  }
  toolCalls?.forEach(function callItem (call, index) {
    output.push({ type: 'function_call', id: functionCallItemId(responseId, index), call_id: encodeToolCallId(call.id, call.providerData), name: call.name, arguments: call.arguments, status: 'completed' })
  })
  return output
}

/** The finished response: `shell` with the answer's output, status and usage. */
export function toOpenAiResponsesAnswer (shell: ResponsesResponse, answer: Pick<AiResponse, 'text' | 'result' | 'toolCalls' | 'usage' | 'model'>): ResponsesResponse {
  const end = RESPONSES_ENDS[answer.result]
  return {
    ...shell,
    model: answer.model,
    status: end.status,
    incomplete_details: end.reason === null ? null : { reason: end.reason },
    output: toOpenAiResponsesOutput(shell.id, answer.text, answer.toolCalls, answer.result),
    usage: answer.usage === undefined ? null : toOpenAiResponsesUsage(answer.usage)
  }
}
