// A tiny real HTTP server whose answers the test scripts byte by byte: how SSE frames are
// split, when the connection is cut, what error body a status has.
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'

/** A request the scripted server received. */
export interface ScriptedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: any
  /** Resolves when the client closed the connection (or the answer ended). */
  closed: Promise<void>
}

export type ScriptedHandler = (request: ScriptedRequest, response: ServerResponse, index: number) => void | Promise<void>

export interface ScriptedServer {
  url: string
  requests: ScriptedRequest[]
}

/** Starts the server on port 0; it closes when the test ends. */
export async function startScriptedServer (t: TestContext, handler: ScriptedHandler): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = []
  const server = createServer(function onRequest (request, response) {
    let text = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => { text += chunk })
    request.on('end', function onEnd () {
      const closed = new Promise<void>((resolve) => response.on('close', () => resolve()))
      const scripted: ScriptedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
        closed
      }
      requests.push(scripted)
      Promise.resolve(handler(scripted, response, requests.length - 1)).catch((error: unknown) => {
        response.destroy(error as Error)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  }))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, requests }
}

/** One SSE frame of AI Warp's format. */
export function frame (id: number | undefined, event: string | undefined, data: unknown): string {
  let text = id === undefined ? '' : `id: ${id}\n`
  if (event !== undefined) text += `event: ${event}\n`
  return text + `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`
}

/** Writes the SSE headers. */
export function startSse (response: ServerResponse, sessionId = 'session-1'): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-session-id': sessionId })
  response.flushHeaders()
}

/** A promise that resolves after `ms` milliseconds. */
export function delay (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Reads an async iterable to the end. */
export async function collect<T> (iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}
