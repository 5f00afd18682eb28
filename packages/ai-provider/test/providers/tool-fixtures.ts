// The tool conversation the OpenAI-format provider tests send (Chat Completions and Responses):
// a system message, a user message with an image and a file, an earlier call and its result,
// two tools (one strict), a forced tool choice and a JSON schema answer.

import type { ProviderInput } from '../../src/provider.ts'

export const WEATHER = { name: 'get_weather', arguments: '{"city":"Paris","note":"a \\"quoted\\" \\u00e9 ☀️"}' }
export const EMAIL = { name: 'send_email', arguments: '{"to":"bob@email.com","body":"Hi"}' }

export const toolInput: ProviderInput = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture, and the weather?' },
        { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' },
        { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'report.pdf' }
      ]
    },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', providerData: { gemini: { thoughtSignature: 'sig' } } }] },
    { role: 'tool', toolCallId: 'call_1', content: '22C' }
  ],
  tools: [
    { name: 'get_weather', description: 'The weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: true },
    { name: 'send_email' }
  ],
  toolChoice: 'required',
  parallelToolCalls: true,
  responseFormat: { type: 'json_schema', name: 'report', schema: { type: 'object' }, strict: true }
}
