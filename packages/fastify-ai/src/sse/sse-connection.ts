// Layer sse/ (SSE frames, heartbeat, backpressure, open streams). May import the base files only;
// see docs/architecture.md.

import type { IncomingHttpHeaders } from 'node:http'

/** What the `Connection` header of an answer depends on. */
interface ConnectionRequest {
  httpVersionMajor: number
  httpVersionMinor: number
  headers: IncomingHttpHeaders
}

function tokens (value: unknown): string[] {
  if (typeof value !== 'string') return []
  return value.toLowerCase().split(',').map(function trim (token) { return token.trim() })
}

/**
 * The `Connection` header of a streamed answer: `close` when the request asked for it (or is
 * HTTP/1.0 without keep-alive), or a hook already set it (Platformatic does while shutting down);
 * else `keep-alive`. None on HTTP/2, which forbids connection-specific headers. Set explicitly,
 * the header is what Node obeys, so a wrong `keep-alive` would keep a socket the client gave up.
 */
export function sseConnection (request: ConnectionRequest, answerHeader: unknown): 'keep-alive' | 'close' | undefined {
  if (request.httpVersionMajor !== 1) return undefined
  const asked = tokens(request.headers.connection)
  if (asked.includes('close') || tokens(answerHeader).includes('close')) return 'close'
  if (request.httpVersionMinor === 0 && !asked.includes('keep-alive')) return 'close'
  return 'keep-alive'
}
