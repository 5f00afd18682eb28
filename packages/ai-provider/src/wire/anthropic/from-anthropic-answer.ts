// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A Messages API answer -> the conversation model: text blocks joined as the answer's text,
// `tool_use` blocks as tool calls (their `input` object as the arguments' JSON text), thinking
// blocks as reasoning with their signature (`providerData.anthropic.signature`) and redacted
// ones with their data (`providerData.anthropic.redactedData`), never as text. Blocks of server
// tools are skipped. Usage: Anthropic's `input_tokens` leaves out the tokens read from and
// written to the cache, so the prompt is the three together.

import type { AiReasoning } from '../../conversation/messages.ts'
import type { AiToolCall } from '../../conversation/tools.ts'
import type { ProviderAnswer } from '../../provider.ts'
import type { AiUsage } from '../../types.ts'
import type { AnthropicAnswerBlock, AnthropicResponse, AnthropicUsage } from './types.ts'
import { AiProviderMalformedResponseError } from '../../errors.ts'
import { ANTHROPIC } from './anthropic-content.ts'
import { anthropicFinish } from './anthropic-stop-reasons.ts'

function count (value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0
}

/** The usage of an answer (or of a stream's message_start and message_delta, merged); undefined without one. */
export function anthropicUsage (usage: Partial<AnthropicUsage> | null | undefined): AiUsage | undefined {
  if (usage === null || typeof usage !== 'object') return undefined
  const read = count(usage.cache_read_input_tokens)
  const created = count(usage.cache_creation_input_tokens)
  const promptTokens = count(usage.input_tokens) + read + created
  const completionTokens = count(usage.output_tokens)
  const result: AiUsage = { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens }
  if (usage.cache_read_input_tokens !== undefined && usage.cache_read_input_tokens !== null) result.cachedPromptTokens = read
  if (created > 0) result.cacheCreationTokens = created
  return result
}

/** A tool_use block as a call; `index` names it in errors. */
export function anthropicToolCall (block: { id?: unknown, name?: unknown }, input: string, label: string): AiToolCall {
  if (typeof block.id !== 'string' || block.id === '' || typeof block.name !== 'string' || block.name === '') {
    throw new AiProviderMalformedResponseError(label, 'tool_use block without id or name')
  }
  return { id: block.id, name: block.name, arguments: input }
}

/** A thinking (or redacted thinking) block as reasoning, its provider data namespaced. */
export function anthropicReasoning (block: { type: string, thinking?: unknown, signature?: unknown, data?: unknown }): AiReasoning | undefined {
  if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
    return { text: '', providerData: { [ANTHROPIC]: { redactedData: block.data } } }
  }
  if (block.type !== 'thinking') return undefined
  const reasoning: AiReasoning = { text: typeof block.thinking === 'string' ? block.thinking : '' }
  if (typeof block.signature === 'string' && block.signature !== '') reasoning.providerData = { [ANTHROPIC]: { signature: block.signature } }
  return reasoning
}

/** Reads an answer already known to be an object. Throws AI_PROVIDER_MALFORMED_RESPONSE for content that is not a list of blocks. */
export function fromAnthropicAnswer (answer: AnthropicResponse, label: string): ProviderAnswer {
  if (!Array.isArray(answer.content)) throw new AiProviderMalformedResponseError(label, 'answer without content blocks')
  let text = ''
  const toolCalls: AiToolCall[] = []
  const reasoning: AiReasoning[] = []
  for (const block of answer.content as AnthropicAnswerBlock[]) {
    if (block === null || typeof block !== 'object') throw new AiProviderMalformedResponseError(label, 'content block is not an object')
    if (block.type === 'text') {
      if (typeof block.text === 'string') text += block.text
    } else if (block.type === 'tool_use') {
      toolCalls.push(anthropicToolCall(block, JSON.stringify(block.input ?? {}), label))
    } else {
      const thought = anthropicReasoning(block)
      if (thought !== undefined) reasoning.push(thought)
    }
  }
  const { result } = anthropicFinish(answer.stop_reason)
  const read: ProviderAnswer = { text, result: result === 'COMPLETE' && toolCalls.length > 0 ? 'TOOL_CALLS' : result }
  if (toolCalls.length > 0) read.toolCalls = toolCalls
  if (reasoning.length > 0) read.reasoning = reasoning
  const usage = anthropicUsage(answer.usage)
  if (usage !== undefined) read.usage = usage
  return read
}
