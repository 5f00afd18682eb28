// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The conversation model -> a Gemini generateContent body.
//
// - system messages -> `systemInstruction` (text parts, in order);
// - user and assistant messages -> `contents` with roles `user` and `model`; text, images and
//   files as parts (gemini-media.ts);
// - an assistant's tool calls -> `functionCall` parts after its text, each with its thought
//   signature written back on its own part; in the current turn (after the last user message),
//   a step whose first call has none gets DUMMY_THOUGHT_SIGNATURE (gemini-tool-calls.ts);
// - consecutive tool messages -> one `user` content of `functionResponse` parts, in the order of
//   the calls they answer, each named after its call (found by id in the conversation);
// - tools -> `functionDeclarations` with `parametersJsonSchema` (gemini-schema.ts), toolChoice ->
//   `toolConfig.functionCallingConfig`, responseFormat -> `responseMimeType` + `responseJsonSchema`.
// `parallelToolCalls` has no Gemini counterpart and is not sent.

import type { AiContent, AiContentPart } from '../../conversation/content.ts'
import type { AiAssistantMessage, AiMessage, AiToolMessage } from '../../conversation/messages.ts'
import type { AiResponseFormat } from '../../conversation/response-format.ts'
import type { AiTool, AiToolChoice } from '../../conversation/tools.ts'
import type { ProviderInput } from '../../provider.ts'
import type {
  GeminiContent, GeminiFunctionCallingMode, GeminiGenerationConfig, GeminiPart, GeminiRequest, GeminiRole, GeminiTool,
  GeminiToolConfig
} from './types.ts'
import { contentText } from '../../conversation/content.ts'
import { geminiFilePart, geminiImagePart } from './gemini-media.ts'
import { toGeminiSchema } from './gemini-schema.ts'
import { DUMMY_THOUGHT_SIGNATURE, geminiArguments, geminiThoughtSignature, isGeneratedToolCallId } from './gemini-tool-calls.ts'

/** The Gemini role of each conversation role that goes to `contents` (tool results are the user's). */
export const GEMINI_ROLES: Readonly<Record<Exclude<AiMessage['role'], 'system'>, GeminiRole>> = {
  user: 'user',
  assistant: 'model',
  tool: 'user'
}

/** The function-calling mode of each tool choice; a named tool is `ANY` limited to it. */
export const GEMINI_TOOL_CHOICE_MODES: Readonly<Record<Exclude<AiToolChoice, { name: string }>, GeminiFunctionCallingMode>> = {
  auto: 'AUTO',
  none: 'NONE',
  required: 'ANY'
}

/** What each response format sets in `generationConfig`. */
export const GEMINI_RESPONSE_FORMATS: { readonly [T in AiResponseFormat['type']]: (format: Extract<AiResponseFormat, { type: T }>) => GeminiGenerationConfig } = {
  text: function textFormat () { return {} },
  json_object: function jsonObjectFormat () { return { responseMimeType: 'application/json' } },
  json_schema: function jsonSchemaFormat (format) {
    const schema = toGeminiSchema(format.schema) as Record<string, unknown>
    // The format's description says what the answer is for; the schema is where Gemini reads it.
    if (format.description !== undefined && schema.description === undefined) schema.description = format.description
    return { responseMimeType: 'application/json', responseJsonSchema: schema }
  }
}

/** Where each call of the conversation is: its tool's name and its place among all calls. */
interface CallPlace {
  name: string
  order: number
}

/** The body of a generateContent / streamGenerateContent call. */
export function toGeminiRequest (input: ProviderInput): GeminiRequest {
  const messages = input.messages
  const calls = new Map<string, CallPlace>()
  let currentTurnStart = -1
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]
    if (message.role === 'user') currentTurnStart = index
    if (message.role !== 'assistant') continue
    for (const call of message.toolCalls ?? []) calls.set(call.id, { name: call.name, order: calls.size })
  }

  const request: GeminiRequest = { contents: [] }
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]
    if (message.role === 'system') {
      request.systemInstruction ??= { parts: [] }
      request.systemInstruction.parts.push({ text: message.content })
    } else if (message.role === 'assistant') {
      request.contents.push({ role: GEMINI_ROLES.assistant, parts: modelParts(message, index > currentTurnStart) })
    } else if (message.role === 'user') {
      request.contents.push({ role: GEMINI_ROLES.user, parts: contentParts(message.content) })
    } else {
      const results: AiToolMessage[] = []
      while (index < messages.length && messages[index].role === 'tool') results.push(messages[index++] as AiToolMessage)
      index--
      request.contents.push(functionResponses(results, calls))
    }
  }

  if (input.tools !== undefined && input.tools.length > 0) request.tools = [declarations(input.tools)]
  if (input.toolChoice !== undefined) request.toolConfig = toolConfig(input.toolChoice)
  const config = generationConfig(input)
  if (config !== undefined) request.generationConfig = config
  return request
}

function contentParts (content: AiContent): GeminiPart[] {
  if (typeof content === 'string') return [{ text: content }]
  const parts = content.map(contentPart)
  return parts.length > 0 ? parts : [{ text: '' }]
}

function contentPart (part: AiContentPart): GeminiPart {
  if (part.type === 'text') return { text: part.text }
  if (part.type === 'image') return geminiImagePart(part)
  return geminiFilePart(part)
}

/** The model's text (with the message's own signature, if one was kept) then its calls. */
function modelParts (message: AiAssistantMessage, currentTurn: boolean): GeminiPart[] {
  const parts: GeminiPart[] = []
  const calls = message.toolCalls ?? []
  const textSignature = geminiThoughtSignature(message.providerData)
  if (message.content !== '' || textSignature !== undefined || calls.length === 0) {
    const text: GeminiPart = { text: message.content }
    if (textSignature !== undefined) text.thoughtSignature = textSignature
    parts.push(text)
  }
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index]
    const part: GeminiPart = { functionCall: { name: call.name, args: geminiArguments(call.arguments) } }
    if (!isGeneratedToolCallId(call.id)) (part.functionCall as { id?: string }).id = call.id
    // Only the first call of a step carries a signature; Gemini checks it in the current turn.
    const signature = geminiThoughtSignature(call.providerData) ?? (index === 0 && currentTurn ? DUMMY_THOUGHT_SIGNATURE : undefined)
    if (signature !== undefined) part.thoughtSignature = signature
    parts.push(part)
  }
  return parts
}

/** One user content answering the calls of `results`, in the order the calls were made. */
function functionResponses (results: AiToolMessage[], calls: ReadonlyMap<string, CallPlace>): GeminiContent {
  const ordered = results.slice().sort(function byCallOrder (a, b) {
    return (calls.get(a.toolCallId)?.order ?? Infinity) - (calls.get(b.toolCallId)?.order ?? Infinity)
  })
  const parts = ordered.map(function functionResponse (result): GeminiPart {
    // Checked before any translation: every result answers a call of the conversation.
    const name = calls.get(result.toolCallId)?.name ?? result.toolCallId
    const response: GeminiPart = { functionResponse: { name, response: responseObject(result.content) } }
    if (!isGeneratedToolCallId(result.toolCallId)) (response.functionResponse as { id?: string }).id = result.toolCallId
    return response
  })
  return { role: GEMINI_ROLES.tool, parts }
}

/** A tool's result as Gemini's `response` object: a JSON object as is, anything else as `{ output }`. */
function responseObject (content: AiContent): Record<string, unknown> {
  const text = contentText(content)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { output: text }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  return { output: value }
}

function declarations (tools: readonly AiTool[]): GeminiTool {
  return {
    functionDeclarations: tools.map(function declaration (tool) {
      const declared: GeminiTool['functionDeclarations'][number] = { name: tool.name }
      if (tool.description !== undefined) declared.description = tool.description
      if (tool.parameters !== undefined) declared.parametersJsonSchema = toGeminiSchema(tool.parameters) as Record<string, unknown>
      return declared
    })
  }
}

function toolConfig (choice: AiToolChoice): GeminiToolConfig {
  if (typeof choice === 'object') return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } }
  return { functionCallingConfig: { mode: GEMINI_TOOL_CHOICE_MODES[choice] } }
}

function generationConfig (input: ProviderInput): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {}
  if (input.temperature !== undefined) config.temperature = input.temperature
  if (input.maxTokens !== undefined) config.maxOutputTokens = input.maxTokens
  if (input.topP !== undefined) config.topP = input.topP
  if (input.stop !== undefined && input.stop.length > 0) config.stopSequences = input.stop
  const format = input.responseFormat
  if (format !== undefined) Object.assign(config, (GEMINI_RESPONSE_FORMATS[format.type] as (format: AiResponseFormat) => GeminiGenerationConfig)(format))
  return Object.keys(config).length > 0 ? config : undefined
}
