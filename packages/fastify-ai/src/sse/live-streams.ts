// Layer sse/ (SSE frames, heartbeat, backpressure, open streams). May import the base files only;
// see docs/architecture.md.

import { AiShuttingDownError } from '@platformatic/ai-provider'
import type { SseWriter } from './sse-writer.ts'
import { formatErrorFrame } from './sse-writer.ts'

/** A stream being written to a client. */
export interface LiveStream {
  writer: SseWriter
  /** Stop reading events and abort the core request. */
  abort: () => void
}

/** The streams a plugin instance is writing, so closing the app can end them cleanly. */
export class LiveStreams {
  #streams = new Set<LiveStream>()

  add (stream: LiveStream): void {
    this.#streams.add(stream)
  }

  delete (stream: LiveStream): void {
    this.#streams.delete(stream)
  }

  get size (): number {
    return this.#streams.size
  }

  /**
   * End every stream with an `error` event AI_SHUTTING_DOWN. Runs before the server stops
   * accepting, because the HTTP server's close waits for open streams to finish.
   */
  async shutdown (): Promise<void> {
    const error = new AiShuttingDownError()
    const frame = formatErrorFrame(error.code, error.message)
    const streams = [...this.#streams]
    this.#streams.clear()
    await Promise.all(streams.map(async function endStream (stream) {
      // Frame first, then end, then abort: the event loop must not see an aborted core stream
      // on a writer still open (it would report an unexpected end instead).
      const written = stream.writer.write(frame)
      stream.writer.end()
      stream.abort()
      await written
    }))
  }
}
