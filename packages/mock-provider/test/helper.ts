import { request as httpRequest } from 'node:http'
import type { TestContext } from 'node:test'
import { createMockProvider } from '../src/index.ts'
import type { MockProvider, MockProviderOptions } from '../src/index.ts'

export const OPENAI_AUTH = { authorization: 'Bearer sk-test', 'content-type': 'application/json' }
export const GEMINI_AUTH = { 'x-goog-api-key': 'gemini-key', 'content-type': 'application/json' }

/** Starts a mock closed after the test. */
export async function startMock (t: TestContext, options?: MockProviderOptions): Promise<MockProvider> {
  const mock = await createMockProvider(options)
  t.after(function closeMock () { return mock.close() })
  return mock
}

/** An OpenAI chat body asking `text`. */
export function chatBody (model: string, text: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: text }], ...extra })
}

/** A Gemini body asking `text`. */
export function geminiBody (text: string): string {
  return JSON.stringify({ contents: [{ role: 'user', parts: [{ text }] }], generationConfig: { maxOutputTokens: 100 } })
}

/** POSTs with fetch. */
export function post (mock: MockProvider, path: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
  return fetch(mock.url + path, { method: 'POST', headers, body, signal })
}

/** Data payloads of an SSE text, for either line ending. */
export function dataOf (text: string): string[] {
  return text.split(/\r?\n\r?\n/).filter((frame) => frame !== '').map(function payload (frame) {
    if (!frame.startsWith('data: ')) throw new Error(`not a data frame: ${JSON.stringify(frame)}`)
    return frame.slice(6)
  })
}

/** Reads a streamed body until `count` frames (blank-line separated) arrived; returns the text so far. */
export async function readFrames (response: Response, count: number): Promise<string> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (dataOfPartial(text) < count) {
    const { value, done } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  reader.releaseLock()
  return text
}

function dataOfPartial (text: string): number {
  return text.split(/\r?\n\r?\n/).length - 1
}

/** Raw POST over node:http, keeping every received body chunk as bytes. */
export function rawPost (mock: MockProvider, path: string, body: string, headers: Record<string, string>): Promise<{ status: number, chunks: Buffer[] }> {
  return new Promise(function sendRaw (resolve, reject) {
    const request = httpRequest(mock.url + path, { method: 'POST', headers }, function onResponse (response) {
      const chunks: Buffer[] = []
      response.on('data', function onData (chunk: Buffer) { chunks.push(chunk) })
      response.on('end', function onEnd () { resolve({ status: response.statusCode ?? 0, chunks }) })
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}
