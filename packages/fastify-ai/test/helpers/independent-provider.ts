// An independent provider server for the conformance tests, written from the providers'
// published wire formats (OpenAI Chat Completions and its streaming chunks, DeepSeek's
// /chat/completions, Gemini generateContent / streamGenerateContent?alt=sse), NOT from
// packages/mock-provider: every answer is written by hand, byte by byte, by the test that
// scripts it, so the legal variations of the formats (spacing, comments, CRLF, usage chunks…)
// are exercised as real providers send them.

import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the provider received. */
export interface ReceivedRequest {
  provider: 'openai' | 'deepseek' | 'gemini'
  path: string
  model: string
  stream: boolean
  headers: IncomingMessage['headers']
  body: any
  /** Remote port of the socket the request came on (same port = reused keep-alive socket). */
  remotePort: number
}

/** Answers one request by writing on the raw response. */
export type Script = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>

export interface IndependentProvider {
  url: string
  requests: ReceivedRequest[]
  /** One-shot scripts for a model, consumed in order before the default answer. */
  enqueue (model: string, ...scripts: Script[]): void
  close (): Promise<void>
}

function lastUserText (request: ReceivedRequest): string {
  if (request.provider === 'gemini') {
    const contents = request.body.contents as Array<{ role: string, parts: Array<{ text: string }> }>
    return contents.at(-1)?.parts.map((part) => part.text).join('') ?? ''
  }
  const messages = request.body.messages as Array<{ role: string, content: string }>
  return messages.at(-1)?.content ?? ''
}

/** The default answer: the last user text echoed, in the provider's own format. */
const defaultScript: Script = function echo (request, response) {
  const text = 'Echo: ' + lastUserText(request)
  if (request.provider === 'gemini') {
    if (request.stream) {
      geminiStream(response, [frameOf(text, 'STOP', { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 })])
    } else {
      json(response, 200, frameOf(text, 'STOP', { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 }))
    }
    return
  }
  if (request.stream) {
    openAiStream(response, [
      chunk(request.model, { role: 'assistant', content: '' }),
      chunk(request.model, { content: text }),
      chunk(request.model, {}, 'stop'),
      { id: 'chatcmpl-x', object: 'chat.completion.chunk', model: request.model, choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }
    ])
    return
  }
  json(response, 200, completion(request.model, text, 'stop'))
}

/** A chat.completion.chunk. */
export function chunk (model: string, delta: Record<string, unknown>, finishReason: string | null = null, usage: unknown = null): Record<string, unknown> {
  return { id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1700000000, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], usage }
}

/** A chat.completion. */
export function completion (model: string, content: string | null, finishReason: string): Record<string, unknown> {
  return {
    id: 'chatcmpl-x',
    object: 'chat.completion',
    created: 1700000000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason }],
    usage: { prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 }
  }
}

/** A GenerateContentResponse with one candidate. */
export function frameOf (text: string | string[], finishReason?: string, usageMetadata?: Record<string, number>): Record<string, unknown> {
  const parts = (Array.isArray(text) ? text : [text]).map((each) => ({ text: each }))
  const candidate: Record<string, unknown> = { content: { role: 'model', parts }, index: 0 }
  if (finishReason !== undefined) candidate.finishReason = finishReason
  const frame: Record<string, unknown> = { candidates: [candidate], modelVersion: 'gemini-2.5-flash' }
  if (usageMetadata !== undefined) frame.usageMetadata = usageMetadata
  return frame
}

/** A JSON answer, with content-length (default) or chunked. */
export function json (response: ServerResponse, status: number, body: unknown, options: { chunked?: boolean, headers?: Record<string, string> } = {}): void {
  const text = JSON.stringify(body)
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers }
  if (options.chunked === true) {
    response.writeHead(status, headers)
    const middle = Math.floor(text.length / 2)
    response.write(text.slice(0, middle))
    setImmediate(() => response.end(text.slice(middle)))
    return
  }
  headers['content-length'] = String(Buffer.byteLength(text))
  response.writeHead(status, headers)
  response.end(text)
}

/** OpenAI-style SSE: `data: {json}\n\n` for each chunk, then `data: [DONE]`. */
export function openAiStream (response: ServerResponse, chunks: Array<Record<string, unknown> | string>, done: string = 'data: [DONE]\n\n'): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' })
  for (const each of chunks) {
    response.write(typeof each === 'string' ? each : `data: ${JSON.stringify(each)}\n\n`)
  }
  response.end(done)
}

/** Gemini SSE: `data: {GenerateContentResponse}` frames, no terminator. */
export function geminiStream (response: ServerResponse, frames: Array<Record<string, unknown>>, eol: string = '\n'): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'x-goog-test': '1' })
  for (const frame of frames) response.write(`data: ${JSON.stringify(frame)}${eol}${eol}`)
  response.end()
}

function identify (request: IncomingMessage, body: any): Pick<ReceivedRequest, 'provider' | 'path' | 'model' | 'stream'> | undefined {
  const url = request.url ?? ''
  const path = url.split('?')[0]
  if (path === '/v1/chat/completions') return { provider: 'openai', path, model: body.model, stream: body.stream === true }
  if (path === '/chat/completions') return { provider: 'deepseek', path, model: body.model, stream: body.stream === true }
  const gemini = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path)
  if (gemini !== null) {
    const stream = gemini[2] === 'streamGenerateContent'
    if (stream && !url.includes('alt=sse')) return undefined
    return { provider: 'gemini', path, model: decodeURIComponent(gemini[1]), stream }
  }
  return undefined
}

export async function startIndependentProvider (): Promise<IndependentProvider> {
  const requests: ReceivedRequest[] = []
  const queues = new Map<string, Script[]>()

  async function handle (request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const piece of request) chunks.push(piece)
    let body: any
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      json(response, 400, { error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', param: null, code: null } })
      return
    }
    const identity = identify(request, body)
    if (identity === undefined) {
      json(response, 404, { error: { message: 'Not found: ' + String(request.url), type: 'invalid_request_error' } })
      return
    }
    const received: ReceivedRequest = { ...identity, headers: request.headers, body, remotePort: request.socket.remotePort ?? 0 }
    requests.push(received)
    const script = queues.get(received.model)?.shift() ?? defaultScript
    await script(received, response)
  }

  const server: Server = createServer(function onRequest (request, response) {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) json(response, 500, { error: { message: error.message } })
      else response.destroy()
    })
  })
  server.keepAliveTimeout = 5000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue (model, ...scripts) {
      const queue = queues.get(model) ?? []
      queue.push(...scripts)
      queues.set(model, queue)
    },
    close () {
      server.closeAllConnections()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
