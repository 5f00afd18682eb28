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
// What the format cannot say: `stop` (the Responses API has no stop sequences) is not sent, and
// `thinking` (a token budget) has no equivalent: a reasoning model reasons at its default effort.

import type { AiAssistantMessage, AiContent, AiContentPart, AiMessage, AiTool } from '../../conversation/index.ts'
import type { ProviderInput } from '../../provider.ts'
import { openAiFileName } from '../openai-chat/to-openai-chat-request.ts'
import { openAiReasoningOf } from './openai-responses-reasoning.ts'
import { textFormatOf, toolChoiceOf } from './to-openai-responses-answer.ts'
import type { ResponsesInputPart, ResponsesRequest, ResponsesRequestItem } from './types.ts'

/** Parameters of a tool that declares none: an object without properties. */
const NO_PARAMETERS: Readonly<Record<string, unknown>> = Object.freeze({ type: 'object', properties: {} })

/** The request body for `model` of `provider` (its configured name); `stream` asks for the typed event stream. */
export function toOpenAiResponsesRequest (model: string, input: ProviderInput, stream: boolean, provider = ''): ResponsesRequest {
  const items: ResponsesRequestItem[] = []
  const source = provider + ':' + model
  for (const message of input.messages) appendItems(items, message, source)
  const body: ResponsesRequest = { model, input: items, store: false }
  if (stream) body.stream = true
  if (input.temperature !== undefined) body.temperature = input.temperature
  if (input.topP !== undefined) body.top_p = input.topP
  if (input.maxTokens !== undefined) body.max_output_tokens = input.maxTokens
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
  for (const reasoning of message.reasoning ?? []) {
    // Reasoning is sent back to the model that made it only: another model cannot read its encrypted content.
    const own = openAiReasoningOf(reasoning)
    if (own === undefined || own.source !== source) continue
    const item: ResponsesRequestItem = { type: 'reasoning', id: own.id, summary: reasoning.text === '' ? [] : [{ type: 'summary_text', text: reasoning.text }] }
    if (own.encryptedContent !== undefined) item.encrypted_content = own.encryptedContent
    items.push(item)
  }
  if (message.content !== '') items.push({ role: 'assistant', content: message.content })
  for (const call of message.toolCalls ?? []) {
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
