// Layer wire/ (wire formats, both directions). Imports conversation/ and the base files only.
//
// ProviderInput -> the body of POST /chat/completions, field by field: nothing of the input is
// passed through as it is. OpenAI chat has no provider data of its own: the `providerData` of
// messages and calls (Gemini signatures…) is never written out.
//
// What the format cannot say: a tool message holds text only, so the images and files of a tool
// result are left out (its text parts are kept).

import type {
  AiAssistantMessage, AiContent, AiContentPart, AiFilePart, AiMessage, AiResponseFormat, AiTool, AiToolChoice
} from '../../conversation/index.ts'
import { contentText } from '../../conversation/index.ts'
import type { ProviderInput } from '../../provider.ts'
import type {
  OpenAiChatAssistantMessage, OpenAiChatMessage, OpenAiChatRequest, OpenAiChatResponseFormat, OpenAiChatTextPart,
  OpenAiChatTool, OpenAiChatToolChoice, OpenAiChatUserPart
} from './types.ts'

/** What a provider's configuration changes in the body. */
export interface OpenAiChatRequestOptions {
  /** Stream the answer. */
  stream: boolean
  /** With `stream`: ask for the usage chunk (`stream_options.include_usage`). Some servers reject the field. */
  streamUsage: boolean
  /** The output budget's field: OpenAI's `max_completion_tokens` or the classic `max_tokens`. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens'
}

/** File names by media type, for files sent without one (OpenAI asks a name with `file_data`). */
const FILE_EXTENSIONS: Readonly<Record<string, string>> = Object.freeze({
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/csv': 'csv',
  'text/html': 'html',
  'application/json': 'json'
})

/** The named tool choices, as the format spells them. */
const TOOL_CHOICES: Readonly<Record<'auto' | 'none' | 'required', OpenAiChatToolChoice>> = Object.freeze({
  auto: 'auto',
  none: 'none',
  required: 'required'
})

/** The request body for `model`. */
export function toOpenAiChatRequest (model: string, input: ProviderInput, options: OpenAiChatRequestOptions): OpenAiChatRequest {
  const body: OpenAiChatRequest = { model, messages: input.messages.map(toOpenAiChatMessage) }
  if (options.stream) {
    body.stream = true
    if (options.streamUsage) body.stream_options = { include_usage: true }
  }
  if (input.temperature !== undefined) body.temperature = input.temperature
  if (input.topP !== undefined) body.top_p = input.topP
  if (input.stop !== undefined && input.stop.length > 0) body.stop = [...input.stop]
  if (input.maxTokens !== undefined) body[options.maxTokensField] = input.maxTokens
  if (input.tools !== undefined && input.tools.length > 0) {
    body.tools = input.tools.map(toOpenAiChatTool)
    // OpenAI rejects parallel_tool_calls and tool_choice without tools: they go with tools only.
    if (input.parallelToolCalls !== undefined) body.parallel_tool_calls = input.parallelToolCalls
    if (input.toolChoice !== undefined) body.tool_choice = toOpenAiChatToolChoice(input.toolChoice)
  }
  if (input.responseFormat !== undefined) body.response_format = toOpenAiChatResponseFormat(input.responseFormat)
  return body
}

/** One message of the conversation. */
export function toOpenAiChatMessage (message: AiMessage): OpenAiChatMessage {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content }
    case 'user':
      return { role: 'user', content: typeof message.content === 'string' ? message.content : message.content.map(toOpenAiChatUserPart) }
    case 'assistant':
      return toOpenAiChatAssistantMessage(message)
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: toolContent(message.content) }
  }
}

function toOpenAiChatAssistantMessage (message: AiAssistantMessage): OpenAiChatAssistantMessage {
  const calls = message.toolCalls ?? []
  if (calls.length === 0) return { role: 'assistant', content: message.content }
  return {
    role: 'assistant',
    // A message of tool calls only has no content.
    content: message.content === '' ? null : message.content,
    tool_calls: calls.map(function toOpenAiChatToolCall (call) {
      return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }
    })
  }
}

function toOpenAiChatUserPart (part: AiContentPart, index: number): OpenAiChatUserPart {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text }
    case 'image': {
      const imageUrl: { url: string, detail?: 'auto' | 'low' | 'high' } = { url: part.url }
      if (part.detail !== undefined) imageUrl.detail = part.detail
      return { type: 'image_url', image_url: imageUrl }
    }
    case 'file':
      return {
        type: 'file',
        file: {
          file_data: `data:${part.mediaType};base64,${part.data}`,
          filename: openAiFileName(part, index)
        }
      }
  }
}

/** A file's name for OpenAI, which asks one with `file_data`: the caller's, else `file-<n>.<extension of its type>`. */
export function openAiFileName (part: AiFilePart, index: number): string {
  return part.filename ?? `file-${index + 1}.${FILE_EXTENSIONS[part.mediaType.toLowerCase()] ?? 'bin'}`
}

function toolContent (content: AiContent): string | OpenAiChatTextPart[] {
  if (typeof content === 'string') return content
  const parts: OpenAiChatTextPart[] = []
  for (const part of content) {
    if (part.type === 'text') parts.push({ type: 'text', text: part.text })
  }
  // A result without text parts still answers its call.
  return parts.length === 0 ? contentText(content) : parts
}

/** One tool. */
export function toOpenAiChatTool (tool: AiTool): OpenAiChatTool {
  const fn: OpenAiChatTool['function'] = { name: tool.name }
  if (tool.description !== undefined) fn.description = tool.description
  if (tool.parameters !== undefined) fn.parameters = tool.parameters
  if (tool.strict !== undefined) fn.strict = tool.strict
  return { type: 'function', function: fn }
}

/** The tool choice. */
export function toOpenAiChatToolChoice (choice: AiToolChoice): OpenAiChatToolChoice {
  if (typeof choice === 'string') return TOOL_CHOICES[choice]
  return { type: 'function', function: { name: choice.name } }
}

/** The response format. */
export function toOpenAiChatResponseFormat (format: AiResponseFormat): OpenAiChatResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type }
  const schema: Extract<OpenAiChatResponseFormat, { type: 'json_schema' }>['json_schema'] = { name: format.name, schema: format.schema }
  if (format.description !== undefined) schema.description = format.description
  if (format.strict !== undefined) schema.strict = format.strict
  return { type: 'json_schema', json_schema: schema }
}
