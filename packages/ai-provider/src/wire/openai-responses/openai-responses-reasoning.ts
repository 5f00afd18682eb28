// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A reasoning item of the Responses API as a conversation's reasoning block, and back. Its
// summary is the block's text; its id and encrypted content are what the model needs back on
// the next turn of a stateless conversation (`store: false`), kept in the block's provider data
// under `openai`, with the `provider:model` that wrote it: encrypted reasoning is readable by
// that model only, so it is sent back to it alone.

import type { AiReasoning } from '../../conversation/messages.ts'
import type { ResponsesReasoningItem } from './types.ts'

/** What a reasoning block keeps of its item, under `providerData.openai`. */
export interface OpenAiReasoningData {
  /** The item's `rs_…` id. */
  id: string
  /** The item's `encrypted_content`, when the provider sent it. */
  encryptedContent?: string
  /** `provider:model` of the answer that made it. */
  source: string
}

/** The provider data key of these blocks. */
const KEY = 'openai'

/** The block of a reasoning item (`source` is the answer's `provider:model`); undefined for an item without id. */
export function fromOpenAiReasoningItem (item: Partial<ResponsesReasoningItem>, source: string): AiReasoning | undefined {
  if (typeof item.id !== 'string' || item.id === '') return undefined
  let text = ''
  for (const part of Array.isArray(item.summary) ? item.summary : []) {
    if (typeof part?.text === 'string' && part.text !== '') text = text === '' ? part.text : text + '\n\n' + part.text
  }
  const data: OpenAiReasoningData = { id: item.id, source }
  if (typeof item.encrypted_content === 'string' && item.encrypted_content !== '') data.encryptedContent = item.encrypted_content
  return { text, providerData: { [KEY]: { ...data } } }
}

/** What a block keeps of its item, when it is one of OpenAI's (another provider's blocks give undefined). */
export function openAiReasoningOf (reasoning: AiReasoning): OpenAiReasoningData | undefined {
  const data = reasoning.providerData?.[KEY]
  if (data === undefined || typeof data.id !== 'string' || typeof data.source !== 'string') return undefined
  const own: OpenAiReasoningData = { id: data.id, source: data.source }
  if (typeof data.encryptedContent === 'string') own.encryptedContent = data.encryptedContent
  return own
}
