// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// DeepSeek: https://api.deepseek.com/chat/completions (no /v1), Bearer auth, `max_tokens`.
// `reasoning_content` (deepseek-reasoner's thinking) is never answer text.

import { createOpenAiCompatibleAdapter } from './openai-compatible.ts'

export const deepseek = createOpenAiCompatibleAdapter({
  type: 'deepseek',
  defaultBaseUrl: 'https://api.deepseek.com',
  path: '/chat/completions',
  maxTokensField: 'max_tokens'
})
