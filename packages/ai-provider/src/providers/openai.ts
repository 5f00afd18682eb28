// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// OpenAI: https://api.openai.com/v1/chat/completions, Bearer auth, `max_completion_tokens`
// (the field current models accept; reasoning models reject `max_tokens`).

import { createOpenAiCompatibleAdapter } from './openai-compatible.ts'

export const openai = createOpenAiCompatibleAdapter({
  type: 'openai',
  defaultBaseUrl: 'https://api.openai.com',
  versionPrefix: '/v1',
  path: '/chat/completions',
  maxTokensField: 'max_completion_tokens'
})
