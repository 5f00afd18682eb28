// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// Every provider type AI Warp speaks. Adding a provider: one adapter file, one line here,
// one test file, one row in docs/providers.md.

import type { OpenAiApi, ProviderType } from '../types.ts'
import type { ProviderAdapter } from './adapter.ts'
import { anthropic } from './anthropic.ts'
import { deepseek } from './deepseek.ts'
import { gemini } from './gemini.ts'
import { openai } from './openai.ts'
import { openaiCompatible } from './openai-compatible.ts'
import { openaiCompatibleResponses, openaiResponses } from './openai-responses.ts'

export const registry: Readonly<Record<ProviderType, ProviderAdapter>> = {
  openai,
  deepseek,
  gemini,
  anthropic,
  'openai-compatible': openaiCompatible
}

/** The adapters of the provider types that can also be reached through OpenAI's Responses API. */
const responsesRegistry: Readonly<Partial<Record<ProviderType, ProviderAdapter>>> = {
  openai: openaiResponses,
  'openai-compatible': openaiCompatibleResponses
}

/** The adapter of a provider: by its type, and for the OpenAI wire format by the API it is reached through. */
export function adapterOf (type: ProviderType, api: OpenAiApi): ProviderAdapter {
  return (api === 'responses' ? responsesRegistry[type] : undefined) ?? registry[type]
}
