// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// ProviderInput -> the body of POST /v1/responses, for a provider spoken to through OpenAI's
// Responses API. The conversation is the gateway's (a session, a client's `previous_response_id`
// on our own Responses route): every request is stateless upstream (`store: false`) and carries
// the whole conversation as input items, so any model of the chain can take the next turn and
// nothing is kept at the provider.
//
// Messages become items in order: system and user messages in their short form (`role`,
// `content`), an assistant message as its reasoning items (when the same model made them: their
// encrypted content is that model's), its text, then one `function_call` per call; a tool
// message is a `function_call_output`, images and files included (the format takes them).
//
// Reasoning goes back only with its encrypted content (with `store: false` an item by id alone
// names nothing) and only before the output it led to (the API refuses reasoning without its
// following item). OpenAI itself is asked for that content (`include`); a compatible server may
// not know the field, and sends what it sends.
//
// What the format cannot say: `stop` (the Responses API has no stop sequences) is not sent, and
// `thinking` (a token budget) has no equivalent: a reasoning model reasons at its default effort,
// asked only for a summary of its reasoning (`reasoning.summary: "auto"`). `max_output_tokens`
// is at least 16, the API's minimum: a smaller budget is raised to it, not refused.

import type { AiAssistantMessage, AiContent, AiContentPart, AiMessage, AiTool } from '../../conversation/index.ts'
import type { ProviderInput } from '../../provider.ts'
import { openAiFileName } from '../openai-chat/to-openai-chat-request.ts'
import { openAiReasoningOf } from './openai-responses-reasoning.ts'
import { textFormatOf, toolChoiceOf } from './to-openai-responses-answer.ts'
import type { ResponsesInputPart, ResponsesRequest, ResponsesRequestItem } from './types.ts'

/** Parameters of a tool that declares none: an object without properties. */
const NO_PARAMETERS: Readonly<Record<string, unknown>> = Object.freeze({ type: 'object', properties: {} })

/** The smallest `max_output_tokens` the API takes. */
const MIN_OUTPUT_TOKENS = 16

/** What the provider's configuration changes in the body. */
export interface OpenAiResponsesRequestOptions {
  /** Stream the answer (the typed events). */
  stream: boolean
  /** The provider's configured name: with the model, what marks the reasoning it made. */
  provider: string
  /** Ask for reasoning's encrypted content (`include`): OpenAI knows the field, not every compatible server. */
  includeEncryptedReasoning: boolean
}

/** The request body for `model`. */
export function toOpenAiResponsesRequest (model: string, input: ProviderInput, options: OpenAiResponsesRequestOptions): ResponsesRequest {
  const items: ResponsesRequestItem[] = []
  const source = options.provider + ':' + model
  for (const message of input.messages) appendItems(items, message, source)
  const body: ResponsesRequest = { model, input: items, store: false }
  if (options.includeEncryptedReasoning) body.include = ['reasoning.encrypted_content']
  if (options.stream) body.stream = true
  if (input.temperature !== undefined) body.temperature = input.temperature
  if (input.topP !== undefined) body.top_p = input.topP
  if (input.maxTokens !== undefined) body.max_output_tokens = Math.max(MIN_OUTPUT_TOKENS, input.maxTokens)
  if (input.thinking !== undefined) body.reasoning = { summary: 'auto' }
  if (input.tools !== undefined && input.tools.length > 0) {
    body.tools = input.tools.map(toResponsesTool)
    if (input.parallelToolCalls !== undefined) body.parallel_tool_calls = input.parallelToolCalls
    if (input.toolChoice !== undefined) body.tool_choice = toolChoiceOf(input.toolChoice)
  }
  if (input.responseFormat !== undefined) body.text = { format: textFormatOf(input.responseFormat) }
  return body
}

function appendItems (items: ResponsesRequestItem[], message: AiMessage, source: string): void {
  switch (message.role) {
    case 'system':
      items.push({ role: 'system', content: message.content })
      return
    case 'user':
      items.push({ role: 'user', content: typeof message.content === 'string' ? message.content : message.content.map(toResponsesPart) })
      return
    case 'assistant':
      appendAssistantItems(items, message, source)
      return
    case 'tool':
      items.push({ type: 'function_call_output', call_id: message.toolCallId, output: toolOutput(message.content) })
  }
}

function appendAssistantItems (items: ResponsesRequestItem[], message: AiAssistantMessage, source: string): void {
  const calls = message.toolCalls ?? []
  // Reasoning needs the output it led to after it.
  const led = message.content !== '' || calls.length > 0
  for (const reasoning of led ? message.reasoning ?? [] : []) {
    // Back to the model that made it only (another model cannot read its encrypted content), and only with that content.
    const own = openAiReasoningOf(reasoning)
    if (own?.source !== source || own.encryptedContent === undefined) continue
    const summary = reasoning.text === '' ? [] : [{ type: 'summary_text' as const, text: reasoning.text }]
    items.push({ type: 'reasoning', id: own.id, summary, encrypted_content: own.encryptedContent })
  }
  if (message.content !== '') items.push({ role: 'assistant', content: message.content })
  for (const call of calls) {
    items.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments })
  }
}

function toResponsesPart (part: AiContentPart, index: number): ResponsesInputPart {
  switch (part.type) {
    case 'text':
      return { type: 'input_text', text: part.text }
    case 'image':
      return { type: 'input_image', image_url: part.url, detail: part.detail ?? 'auto' }
    case 'file':
      return { type: 'input_file', file_data: `data:${part.mediaType};base64,${part.data}`, filename: openAiFileName(part, index) }
  }
}

/** A tool's result: its text, or its parts (the format takes images and files in a call's output). */
function toolOutput (content: AiContent): string | ResponsesInputPart[] {
  return typeof content === 'string' ? content : content.map(toResponsesPart)
}

/**
 * One function tool. `strict` is always sent: the Responses API holds a tool without it to its
 * schema strictly (and refuses a schema that strict mode cannot take), which chat never did.
 */
function toResponsesTool (tool: AiTool): NonNullable<ResponsesRequest['tools']>[number] {
  const written: NonNullable<ResponsesRequest['tools']>[number] = {
    type: 'function',
    name: tool.name,
    parameters: tool.parameters ?? { ...NO_PARAMETERS },
    strict: tool.strict ?? false
  }
  if (tool.description !== undefined) written.description = tool.description
  return written
}
