// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// Every provider type AI Warp speaks. Adding a provider: one adapter file, one line here,
// one test file, one row in docs/providers.md.

import type { ProviderType } from '../types.ts'
import type { ProviderAdapter } from './adapter.ts'
import { anthropic } from './anthropic.ts'
import { deepseek } from './deepseek.ts'
import { gemini } from './gemini.ts'
import { openai } from './openai.ts'
import { openaiCompatible } from './openai-compatible.ts'

export const registry: Readonly<Record<ProviderType, ProviderAdapter>> = {
  openai,
  deepseek,
  gemini,
  anthropic,
  'openai-compatible': openaiCompatible
}
