// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The conversation model -> a Messages API body.
//
// - system messages -> the top-level `system`: a string (joined by a blank line), or text blocks
//   when one carries `providerData.anthropic.cacheControl` (each block keeps its own);
// - user messages -> `user` messages of text, image and document blocks (anthropic-content.ts);
// - an assistant message -> its reasoning first (thinking blocks with their signature, redacted
//   ones with their data, sent back unchanged as the API requires in a tool loop; reasoning of
//   other providers is left out), then its text, then a `tool_use` block per call;
// - tool messages -> `tool_result` blocks in the next `user` message, grouped, in the order of
//   the calls they answer; a user message right after them joins the same message, after them;
// - call ids Anthropic's pattern refuses (other providers' ids, like Kimi's `functions.Bash:0`)
//   go in a safe form, the same in a `tool_use` and its `tool_result` (anthropic-tool-use-id.ts);
// - consecutive messages of one role are merged into one, as the API requires alternation;
// - tools -> `tools` (name, description, input_schema, cache_control), toolChoice ->
//   `tool_choice` (TOOL_CHOICE_TYPES), parallelToolCalls false -> `disable_parallel_tool_use`;
// - no tools but tool calls in the history (a plain follow-up prompt in a session that used
//   tools): the API refuses `tool_use`/`tool_result` blocks in a request without `tools` (400
//   "Requests which include tool_use or tool_result blocks must define tools"), so the names the
//   calls used go as minimal tools (historyTools) with `tool_choice: none`: the model answers in text;
// - responseFormat json_schema -> structured outputs' `output_config.format`; json_object has
//   no Anthropic counterpart (the provider's jsonObject capability is off) and is not sent;
// - thinking -> `thinking: {type: 'enabled', budget_tokens}`;
// - `max_tokens`, which the API requires: the request's (already capped by the model's
//   `limits.maxTokens`), else ANTHROPIC_DEFAULT_MAX_TOKENS, raised above a thinking budget.

import type { AiAssistantMessage, AiMessage, AiSystemMessage, AiToolMessage } from '../../conversation/messages.ts'
import type { AiTool, AiToolChoice } from '../../conversation/tools.ts'
import type { ProviderInput } from '../../provider.ts'
import type {
  AnthropicContentBlock, AnthropicMessage, AnthropicRequest, AnthropicTextBlock, AnthropicTool, AnthropicToolChoice,
  AnthropicToolResultBlock, AnthropicToolUseBlock
} from './types.ts'
import { cacheControlOf, contentBlocks, reasoningBlock, textBlock, withCacheControl } from './anthropic-content.ts'
import { anthropicToolUseId } from './anthropic-tool-use-id.ts'

/** `max_tokens` when neither the request nor the model's `limits.maxTokens` gives one. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096

/** The `tool_choice` type of each tool choice; a named tool is `tool` with its name. */
export const TOOL_CHOICE_TYPES: Readonly<Record<Exclude<AiToolChoice, { name: string }>, 'auto' | 'any' | 'none'>> = {
  auto: 'auto',
  required: 'any',
  none: 'none'
}

/** The Anthropic role of each conversation role that goes to `messages` (tool results are the user's). */
export const ANTHROPIC_ROLES: Readonly<Record<Exclude<AiMessage['role'], 'system'>, AnthropicMessage['role']>> = {
  user: 'user',
  assistant: 'assistant',
  tool: 'user'
}

/** `system`: a string, or text blocks when one carries a cache breakpoint. */
function systemOf (messages: readonly AiSystemMessage[]): string | AnthropicTextBlock[] | undefined {
  if (messages.length === 0) return undefined
  const cached = messages.some(function hasCacheControl (message) { return cacheControlOf(message.providerData) !== undefined })
  if (!cached) return messages.map(function textOf (message) { return message.content }).join('\n\n')
  return messages.map(function systemBlock (message) { return textBlock(message.content, message.providerData) })
}

/** The arguments of a call as the object `input` must be (`{}` for arguments that are not a JSON object). */
function toolInput (text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text)
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {}
  return {}
}

function assistantBlocks (message: AiAssistantMessage): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = []
  for (const reasoning of message.reasoning ?? []) {
    const block = reasoningBlock(reasoning)
    if (block !== undefined) blocks.push(block)
  }
  if (message.content !== '') blocks.push(textBlock(message.content))
  for (const call of message.toolCalls ?? []) {
    const block: AnthropicToolUseBlock = { type: 'tool_use', id: anthropicToolUseId(call.id), name: call.name, input: toolInput(call.arguments) }
    blocks.push(withCacheControl(block, call.providerData))
  }
  // A breakpoint on the message applies to its last block.
  const last = blocks.at(-1)
  if (last !== undefined && last.type !== 'thinking' && last.type !== 'redacted_thinking') withCacheControl(last, message.providerData)
  return blocks
}

function toolResultBlock (message: AiToolMessage): AnthropicToolResultBlock {
  const block: AnthropicToolResultBlock = { type: 'tool_result', tool_use_id: anthropicToolUseId(message.toolCallId) }
  if (typeof message.content === 'string') {
    block.content = message.content
  } else {
    // A tool result holds text and images only; a document part goes as its text.
    block.content = contentBlocks(message.content).map(function resultBlock (part) {
      return part.type === 'text' || part.type === 'image' ? part : textBlock(part.type === 'document' && part.source.type === 'text' ? part.source.data : '[document]')
    })
  }
  // A failed tool run, as the client said (`is_error`), goes back as one.
  if (message.providerData?.anthropic?.isError === true) block.is_error = true
  return withCacheControl(block, message.providerData)
}

/** Each call's place among the conversation's calls, to put results in call order. */
function callOrder (messages: readonly AiMessage[]): Map<string, number> {
  const order = new Map<string, number>()
  for (const message of messages) {
    if (message.role !== 'assistant') continue
    for (const call of message.toolCalls ?? []) order.set(call.id, order.size)
  }
  return order
}

/** The `messages`: roles alternate, tool results grouped in call order at the head of their user message. */
function messagesOf (messages: readonly AiMessage[]): AnthropicMessage[] {
  const order = callOrder(messages)
  const result: AnthropicMessage[] = []
  let results: AiToolMessage[] = []

  function push (role: AnthropicMessage['role'], blocks: AnthropicContentBlock[]): void {
    if (blocks.length === 0) return
    const last = result.at(-1)
    if (last !== undefined && last.role === role) (last.content as AnthropicContentBlock[]).push(...blocks)
    else result.push({ role, content: blocks })
  }

  function flushResults (): void {
    if (results.length === 0) return
    results.sort(function byCall (a, b) { return (order.get(a.toolCallId) ?? 0) - (order.get(b.toolCallId) ?? 0) })
    push(ANTHROPIC_ROLES.tool, results.map(toolResultBlock))
    results = []
  }

  for (const message of messages) {
    if (message.role === 'system') continue
    if (message.role === 'tool') {
      results.push(message)
      continue
    }
    flushResults()
    push(ANTHROPIC_ROLES[message.role], message.role === 'assistant' ? assistantBlocks(message) : contentBlocks(message.content))
  }
  flushResults()
  // A message of one plain text block reads as a string, as most clients write it.
  for (const message of result) {
    const blocks = message.content as AnthropicContentBlock[]
    const only = blocks[0]
    if (blocks.length === 1 && only.type === 'text' && only.cache_control === undefined) message.content = only.text
  }
  return result
}

function toolOf (tool: AiTool): AnthropicTool {
  const wire: AnthropicTool = { name: tool.name, input_schema: tool.parameters ?? { type: 'object', properties: {} } }
  if (tool.description !== undefined) wire.description = tool.description
  if (tool.strict === true) wire.strict = true
  return withCacheControl(wire, tool.providerData)
}

/** Minimal tools for the names the history's calls used, so the API accepts their blocks; none without calls. */
function historyTools (messages: readonly AiMessage[]): AnthropicTool[] {
  const names = new Set<string>()
  for (const message of messages) {
    if (message.role !== 'assistant') continue
    for (const call of message.toolCalls ?? []) names.add(call.name)
  }
  return [...names].map(function historyTool (name): AnthropicTool { return { name, input_schema: { type: 'object' } } })
}

function toolChoiceOf (choice: AiToolChoice | undefined, parallel: boolean | undefined): AnthropicToolChoice | undefined {
  if (choice === undefined && parallel !== false) return undefined
  const type = choice === undefined ? 'auto' : typeof choice === 'string' ? TOOL_CHOICE_TYPES[choice] : 'tool'
  if (type === 'none') return { type }
  const wire: Exclude<AnthropicToolChoice, { type: 'none' }> = type === 'tool' ? { type, name: (choice as { name: string }).name } : { type }
  if (parallel === false) wire.disable_parallel_tool_use = true
  return wire
}

/** The body of a Messages API call for `model`. */
export function toAnthropicRequest (model: string, input: ProviderInput, stream: boolean): AnthropicRequest {
  let maxTokens = input.maxTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS
  // The thinking budget counts in max_tokens and must stay below it; only a default is raised.
  if (input.thinking !== undefined && input.maxTokens === undefined && maxTokens <= input.thinking.budgetTokens) {
    maxTokens = input.thinking.budgetTokens + ANTHROPIC_DEFAULT_MAX_TOKENS
  }
  const body: AnthropicRequest = { model, max_tokens: maxTokens, messages: messagesOf(input.messages) }
  const system = systemOf(input.messages.filter(function isSystem (message): message is AiSystemMessage { return message.role === 'system' }))
  if (system !== undefined) body.system = system
  if (input.temperature !== undefined) body.temperature = input.temperature
  if (input.topP !== undefined) body.top_p = input.topP
  if (input.stop !== undefined && input.stop.length > 0) body.stop_sequences = input.stop
  if (input.tools !== undefined && input.tools.length > 0) {
    body.tools = input.tools.map(toolOf)
    const choice = toolChoiceOf(input.toolChoice, input.parallelToolCalls)
    if (choice !== undefined) body.tool_choice = choice
  } else {
    const tools = historyTools(input.messages)
    if (tools.length > 0) {
      body.tools = tools
      body.tool_choice = { type: 'none' }
    }
  }
  if (input.responseFormat?.type === 'json_schema') body.output_config = { format: { type: 'json_schema', schema: input.responseFormat.schema } }
  if (input.thinking !== undefined) body.thinking = { type: 'enabled', budget_tokens: input.thinking.budgetTokens }
  if (stream) body.stream = true
  return body
}
