// Streams an answer from AI Warp to the terminal with @platformatic/ai-client.
//   node stream.ts "Tell me a story"            (AI_WARP_URL defaults to http://127.0.0.1:3042)
// The client reconnects by itself with Last-Event-ID if the connection drops mid-answer.

import { buildClient } from '@platformatic/ai-client'

export interface StreamToOptions {
  url: string
  prompt: string
  write: (text: string) => void
}

/** Ask for a streamed answer and write each piece as it arrives; resolves with the final result. */
export async function streamTo ({ url, prompt, write }: StreamToOptions): Promise<{ result: string, sessionId: string }> {
  const client = buildClient({ url })
  const { stream } = await client.ask({ prompt, stream: true })
  for await (const message of stream) {
    if (message.type === 'content') write(message.content)
    if (message.type === 'error') throw message.error
    if (message.type === 'done') return { result: message.response.result, sessionId: message.response.sessionId }
  }
  throw new Error('the stream ended without a done message')
}

if (import.meta.main) {
  const prompt = process.argv.slice(2).join(' ') || 'Tell me a short story about a warp drive'
  const { result, sessionId } = await streamTo({
    url: process.env.AI_WARP_URL ?? 'http://127.0.0.1:3042',
    prompt,
    write: (text) => process.stdout.write(text)
  })
  process.stdout.write(`\n\n[${result}, session ${sessionId}]\n`)
}
