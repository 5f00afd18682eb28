import type { ServerResponse } from 'node:http'
import type { AiStreamEvent } from '@platformatic/ai-provider'
import type { EndEventData, ErrorEventData } from './protocol.ts'

/** Writes one Server-Sent Events answer on a raw response, with heartbeats and backpressure. */
export interface SseWriter {
  /** Write a frame; resolves once the socket can take more. False when the client is gone. */
  write (frame: string): Promise<boolean>
  /**
   * Write a frame without a promise: true when the socket can take more at once; false when
   * the caller must wait for `ready()` first (the socket is full, or the client is gone).
   */
  send (frame: string): boolean
  /** Resolves true once the socket can take more, false when the client is gone. */
  ready (): Promise<boolean>
  /** True once the client closed the connection (or the answer ended). */
  readonly closed: boolean
  /** Stop the heartbeat and end the answer. */
  end (): void
}

/** The frame of one event: `id`, `event`, `data`, in that order (shared/SPEC.md §5). */
export function formatEvent (event: AiStreamEvent): string {
  // Content frames are most of a stream: concatenated around the one JSON string they carry,
  // with the same bytes as the generic path below.
  if (event.type === 'content') return 'id: ' + event.id + '\nevent: content\ndata: {"response":' + JSON.stringify(event.text) + '}\n\n'
  let data: EndEventData | ErrorEventData
  if (event.type === 'end') {
    data = { response: event.result, sessionId: event.sessionId, model: event.model }
    if (event.usage !== undefined) data.usage = event.usage
  } else {
    data = { code: event.code, message: event.message }
  }
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`
}

/** An `error` frame for a failure the core did not turn into an event (no id: it is not stored). */
export function formatErrorFrame (code: string, message: string): string {
  const data: ErrorEventData = { code, message }
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`
}

const PING = ': ping\n\n'
// Most writes fit in the socket: answer them with one shared settled promise instead of an
// async function's fresh one (one allocation less per event on the hot path).
const WRITTEN = Promise.resolve(true)
const NOT_WRITTEN = Promise.resolve(false)

/** Send the headers if no frame carried them yet, so the client sees the answer start. */
function flushHeadersIfIdle (raw: ServerResponse): void {
  if (!raw.headersSent && !raw.destroyed) raw.flushHeaders()
}

/**
 * Send the SSE headers and return a writer. `onClose` runs once when the client goes away
 * before `end()`.
 */
export function openSse (raw: ServerResponse, headers: Record<string, string | string[] | number>, heartbeatInterval: number, onClose: () => void): SseWriter {
  let closed = false
  let waiting: Array<() => void> = []

  function release (): void {
    const resolvers = waiting
    waiting = []
    for (const resolve of resolvers) resolve()
  }

  function onSocketClose (): void {
    if (closed) return
    closed = true
    clearTimeout(heartbeat)
    release()
    onClose()
  }

  function ping (): void {
    if (closed) return
    // A full socket is not idle: the client is just slow. Pinging would only grow the buffer.
    if (waiting.length === 0) raw.write(PING)
    heartbeat.refresh()
  }

  function send (frame: string): boolean {
    if (closed) return false
    heartbeat.refresh()
    return raw.write(frame)
  }

  function ready (): Promise<boolean> {
    if (closed) return NOT_WRITTEN
    if (!raw.writableNeedDrain) return WRITTEN
    return new Promise<boolean>(function waitForDrain (resolve) {
      waiting.push(function drained () { resolve(!closed) })
    })
  }

  const heartbeat = setTimeout(ping, heartbeatInterval)
  heartbeat.unref()
  raw.on('close', onSocketClose)
  raw.on('drain', release)
  raw.writeHead(200, headers)
  // Not flushed now: when the first frame is written in this same tick (a new turn's first
  // event usually is) the headers leave with it in one socket write instead of two.
  process.nextTick(flushHeadersIfIdle, raw)

  return {
    get closed () {
      return closed
    },
    write (frame: string): Promise<boolean> {
      return send(frame) ? WRITTEN : ready()
    },
    send,
    ready,
    end (): void {
      if (closed) return
      closed = true
      clearTimeout(heartbeat)
      raw.off('close', onSocketClose)
      raw.off('drain', release)
      release()
      raw.end()
    }
  }
}
