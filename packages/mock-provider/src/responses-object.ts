import type { Answer } from './answer.ts'
import type { MockUsage } from './types.ts'
import type { FormatContext } from './wire-format.ts'

// OpenAI's Response object (https://platform.openai.com/docs/api-reference/responses/object): the
// request's settings echoed, the output items (reasoning, message, function calls) and usage.
// The stream (responses-stream.ts) sends the same items and ends with the same object.

/** A reasoning output item. */
export interface ReasoningItem {
  type: 'reasoning'
  id: string
  summary: Array<{ type: 'summary_text', text: string }>
  encrypted_content: string
}

/** An assistant message output item with one `output_text` part. */
export interface MessageItem {
  type: 'message'
  id: string
  status: 'in_progress' | 'completed' | 'incomplete'
  role: 'assistant'
  content: Array<{ type: 'output_text', text: string, annotations: unknown[], logprobs: unknown[] }>
}

/** A function call output item. */
export interface FunctionCallItem {
  type: 'function_call'
  id: string
  call_id: string
  name: string
  arguments: string
  status: 'in_progress' | 'completed'
}

/** One output item of a Response. */
export type OutputItem = ReasoningItem | MessageItem | FunctionCallItem

/** A Response's `status` in the mock's answers. */
export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed'

/** The behaviour's finish reasons that make a Response `incomplete`, and the reason given. */
const INCOMPLETE_REASONS: Record<string, string> = {
  length: 'max_output_tokens',
  max_output_tokens: 'max_output_tokens',
  content_filter: 'content_filter'
}

/** The request settings a Response echoes, as the request may give them. */
interface ResponsesSettings {
  instructions?: unknown
  max_output_tokens?: unknown
  parallel_tool_calls?: unknown
  reasoning?: { effort?: unknown, summary?: unknown }
  store?: unknown
  temperature?: unknown
  text?: { format?: unknown }
  tool_choice?: unknown
  tools?: unknown
  top_p?: unknown
  truncation?: unknown
  user?: unknown
  metadata?: unknown
}

/** `resp_mock1` -> `mock1`: the part item ids are built from. */
function answerKey (context: FormatContext): string {
  return context.id.slice('resp_'.length)
}

/** The Response's status once the answer is over: `incomplete` for a length or content-filter finish. */
export function finalStatus (answer: Answer): 'completed' | 'incomplete' {
  return answer.finishReason !== undefined && INCOMPLETE_REASONS[answer.finishReason] !== undefined ? 'incomplete' : 'completed'
}

/** The output items of an answer, in order: reasoning, the message (when there is text), function calls. */
export function outputItems (answer: Answer, context: FormatContext): OutputItem[] {
  const key = answerKey(context)
  const items: OutputItem[] = []
  if (context.reasoning !== undefined) {
    // As OpenAI: a summary only when the request asked for one (`reasoning.summary`).
    const summarized = isSet((context.request as ResponsesSettings | undefined)?.reasoning?.summary)
    items.push({ type: 'reasoning', id: `rs_${key}_${items.length}`, summary: summarized ? [{ type: 'summary_text', text: context.reasoning.text }] : [], encrypted_content: context.reasoning.encryptedContent })
  }
  if (answer.deltas.length > 0) {
    const status = finalStatus(answer) === 'incomplete' ? 'incomplete' : 'completed'
    items.push({ type: 'message', id: `msg_${key}_${items.length}`, status, role: 'assistant', content: [{ type: 'output_text', text: answer.text, annotations: [], logprobs: [] }] })
  }
  answer.toolCalls.forEach(function functionCall (call, index) {
    items.push({ type: 'function_call', id: `fc_${key}_${items.length}`, call_id: call.id ?? `call_${key}_${index}`, name: call.name, arguments: call.arguments, status: 'completed' })
  })
  return items
}

function usageBody (usage: MockUsage) {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens ?? 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.promptTokens + usage.completionTokens
  }
}

/**
 * A Response object: `status` and `output` as given, the request's settings echoed with OpenAI's
 * defaults. Usage and `incomplete_details` only once the answer is over (`completed` / `incomplete`).
 */
export function responseObject (answer: Answer, context: FormatContext, status: ResponseStatus, output: OutputItem[]): Record<string, unknown> {
  const request = (context.request ?? {}) as ResponsesSettings
  const over = status === 'completed' || status === 'incomplete'
  const reason = status === 'incomplete' ? INCOMPLETE_REASONS[answer.finishReason ?? ''] : undefined
  return {
    id: context.id,
    object: 'response',
    created_at: context.created,
    status,
    error: null,
    incomplete_details: reason === undefined ? null : { reason },
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: answer.model,
    output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
    usage: over && answer.usage !== false ? usageBody(answer.usage) : null,
    user: request.user ?? null,
    metadata: request.metadata ?? {}
  }
}

/** The whole (non-stream) answer: the Response once over. */
export function finalResponse (answer: Answer, context: FormatContext): Record<string, unknown> {
  return responseObject(answer, context, finalStatus(answer), outputItems(answer, context))
}

function isSet (value: unknown): boolean {
  return value !== undefined && value !== null
}
