// Layer conversation/ (the conversation model: types and pure functions over them). Imports
// nothing but its own folder.
//
// What a request needs of a model, as data: the chain compares it with each model's
// capabilities before any translation, so no translator ever checks a model's name.

import type { AiMessage } from './messages.ts'
import type { AiResponseFormat } from './response-format.ts'
import type { AiTool } from './tools.ts'

/** A feature a model may or may not serve. */
export type AiCapability = 'tools' | 'vision' | 'files' | 'jsonSchema' | 'jsonObject' | 'streamingTools'

/** Every capability, in the order errors name them. */
export const CAPABILITIES: readonly AiCapability[] = ['tools', 'streamingTools', 'vision', 'files', 'jsonSchema', 'jsonObject']

/** What a model serves. */
export type AiCapabilities = Readonly<Record<AiCapability, boolean>>

/** What a request is made of, as far as capabilities go. */
export interface CapabilityInput {
  messages: readonly AiMessage[]
  tools?: readonly AiTool[]
  responseFormat?: AiResponseFormat
}

/** The capabilities a request needs, none for plain text. */
export function requiredCapabilities (input: CapabilityInput, stream: boolean): AiCapability[] {
  const needed = new Set<AiCapability>()
  if (input.tools !== undefined && input.tools.length > 0) needed.add('tools')
  for (const message of input.messages) {
    if (message.role === 'tool' || (message.role === 'assistant' && message.toolCalls !== undefined && message.toolCalls.length > 0)) needed.add('tools')
    const content = message.content
    if (typeof content === 'string') continue
    for (const part of content) {
      if (part.type === 'image') needed.add('vision')
      else if (part.type === 'file') needed.add('files')
    }
  }
  if (stream && needed.has('tools')) needed.add('streamingTools')
  if (input.responseFormat?.type === 'json_schema') needed.add('jsonSchema')
  else if (input.responseFormat?.type === 'json_object') needed.add('jsonObject')
  return CAPABILITIES.filter(function isNeeded (capability) { return needed.has(capability) })
}

/** The first capability of `needed` that `capabilities` lacks, undefined when it serves them all. */
export function missingCapability (capabilities: AiCapabilities, needed: readonly AiCapability[]): AiCapability | undefined {
  for (const capability of needed) {
    if (!capabilities[capability]) return capability
  }
  return undefined
}
