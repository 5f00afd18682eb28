// Layer sse/ (SSE frames, heartbeat, backpressure, open streams). May import the base files only;
// see docs/architecture.md.

import type { ServerResponse } from 'node:http'
import type { AiStreamEvent } from '@platformatic/ai-provider'
import type { EndEventData, ErrorEventData, ReasoningEventData, ToolCallEventData } from '../protocol.ts'

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
  /** Stop the heartbeat and end the answer, with `frames` as its last data (one socket write for both). */
  end (frames?: string): void
}

type EventOf<Type extends AiStreamEvent['type']> = Extract<AiStreamEvent, { type: Type }>

/** The `data` of each event but `content` (written by the fast path), by event type. */
const FRAME_DATA: { [Type in Exclude<AiStreamEvent['type'], 'content'>]: (event: EventOf<Type>) => ToolCallEventData | ReasoningEventData | EndEventData | ErrorEventData } = {
  tool_call: function toolCallData (event) {
    // `index` first, then the call as the core gave it (`providerData` only when present).
    const data: ToolCallEventData = { index: event.index, id: event.toolCall.id, name: event.toolCall.name, arguments: event.toolCall.arguments }
    if (event.toolCall.providerData !== undefined) data.providerData = event.toolCall.providerData
    return data
  },
  reasoning: function reasoningData (event) {
    const data: ReasoningEventData = { text: event.reasoning.text }
    if (event.reasoning.providerData !== undefined) data.providerData = event.reasoning.providerData
    return data
  },
  end: function endData (event) {
    const data: EndEventData = { response: event.result, sessionId: event.sessionId, model: event.model }
    if (event.usage !== undefined) data.usage = event.usage
    if (event.toolCalls !== undefined && event.toolCalls.length > 0) data.toolCalls = event.toolCalls
    return data
  },
  error: function errorData (event) {
    return { code: event.code, message: event.message }
  }
}

/** The frame of one event: `id`, `event`, `data`, in that order (shared/SPEC.md §5). */
export function formatEvent (event: AiStreamEvent): string {
  // Content frames are most of a stream: concatenated around the one JSON string they carry,
  // with the same bytes as the generic path below.
  if (event.type === 'content') return 'id: ' + event.id + '\nevent: content\ndata: {"response":' + JSON.stringify(event.text) + '}\n\n'
  // `never`: TypeScript cannot tie the table's entry to the event's own type; the table's keys do.
  const data = FRAME_DATA[event.type](event as never)
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
 * before `end()`. `ping` is the heartbeat frame (default the comment `: ping`).
 */
export function openSse (raw: ServerResponse, headers: Record<string, string | string[] | number>, heartbeatInterval: number, onClose: () => void, ping: string = PING): SseWriter {
  return new SseAnswer(raw, headers, heartbeatInterval, onClose, ping)
}

// A class, not a closure returning an object literal: the `closed` getter then lives on the
// prototype instead of being defined on every stream's writer (a slow runtime path).
class SseAnswer implements SseWriter {
  readonly #raw: ServerResponse
  readonly #onClose: () => void
  readonly #ping: string
  readonly #heartbeat: NodeJS.Timeout
  #closed = false
  #waiting: Array<() => void> = []

  constructor (raw: ServerResponse, headers: Record<string, string | string[] | number>, heartbeatInterval: number, onClose: () => void, pingFrame: string) {
    this.#raw = raw
    this.#onClose = onClose
    this.#ping = pingFrame
    this.#heartbeat = setTimeout(ping, heartbeatInterval, this)
    this.#heartbeat.unref()
    raw.on('close', this.#onSocketClose)
    raw.on('drain', this.#release)
    raw.writeHead(200, headers)
    // Not flushed now: when the first frame is written in this same tick (a new turn's first
    // event usually is) the headers leave with it in one socket write instead of two.
    process.nextTick(flushHeadersIfIdle, raw)
  }

  get closed (): boolean {
    return this.#closed
  }

  send (frame: string): boolean {
    if (this.#closed) return false
    this.#heartbeat.refresh()
    return this.#raw.write(frame)
  }

  ready (): Promise<boolean> {
    if (this.#closed) return NOT_WRITTEN
    if (!this.#raw.writableNeedDrain) return WRITTEN
    return new Promise<boolean>((resolve) => {
      this.#waiting.push(() => { resolve(!this.#closed) })
    })
  }

  write (frame: string): Promise<boolean> {
    return this.send(frame) ? WRITTEN : this.ready()
  }

  end (frames?: string): void {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#heartbeat)
    this.#raw.off('close', this.#onSocketClose)
    this.#raw.off('drain', this.#release)
    this.#release()
    this.#raw.end(frames)
  }

  /** Keep-alive comment while idle. */
  ping (): void {
    if (this.#closed) return
    // A full socket is not idle: the client is just slow. Pinging would only grow the buffer.
    if (this.#waiting.length === 0) this.#raw.write(this.#ping)
    this.#heartbeat.refresh()
  }

  // Arrow properties: passed to on()/off() as listeners, bound to this writer.
  readonly #release = (): void => {
    const resolvers = this.#waiting
    this.#waiting = []
    for (const resolve of resolvers) resolve()
  }

  readonly #onSocketClose = (): void => {
    if (this.#closed) return
    this.#closed = true
    clearTimeout(this.#heartbeat)
    this.#release()
    this.#onClose()
  }
}

function ping (writer: SseAnswer): void {
  writer.ping()
}
