// Layer transport/ (one upstream call: pools, deadlines, retries, whole responses, SSE parsing).
// May import providers/, stores/ and the base files; see docs/architecture.md.
//
// An incremental Server-Sent Events parser following the WHATWG "event stream" rules
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
// bytes may arrive split anywhere (inside a line, a CRLF pair or a UTF-8 sequence), lines end
// with LF, CRLF or CR, a leading BOM is dropped, comments are ignored, several `data:` lines
// are joined with LF, and an event without its closing blank line is never dispatched.
//
// It is written for throughput: no regular expressions, one small object per dispatched event
// and nothing else allocated per chunk beyond the decoded string; a TextDecoder only for a
// stream whose chunks end inside a UTF-8 sequence.

const LF = 10
const COLON = 58
const SPACE = 32
const STREAM_OPTIONS = { stream: true }

/** One dispatched event. */
export interface SseEvent {
  /** The `event:` field, `'message'` when the event had none. */
  event: string
  /** The `data:` lines joined with `\n`. */
  data: string
  /** The last event id seen on the stream so far (`''` when none), as the spec's "last event ID". */
  id: string
}

/** An incremental parser for one stream. */
export interface SseParser {
  /** Feeds the next network chunk (bytes, or text already decoded). Dispatches complete events synchronously. */
  push (chunk: Uint8Array | string): void
  /** Ends the stream: flushes the decoder. A trailing event without its blank line is discarded, as the spec says. */
  end (): void
  /** The last event id seen (`''` when none). */
  readonly lastEventId: string
  /** The last valid `retry:` value in milliseconds, if any. */
  readonly retry: number | undefined
}

/** Builds a parser that calls `onEvent` for every complete event, in order. */
export function createSseParser (onEvent: (event: SseEvent) => void): SseParser {
  return new EventStreamParser(onEvent)
}

// A class rather than a closure returning an object literal: the `lastEventId` and `retry`
// getters then live on the prototype, where a literal would define them on every parser
// (a slow runtime path, paid per stream).
class EventStreamParser implements SseParser {
  readonly #onEvent: (event: SseEvent) => void
  // Made on the first chunk that ends inside a UTF-8 sequence (rare): until then every chunk
  // ends on a character boundary and is decoded on its own.
  #decoder: TextDecoder | undefined
  // Text received but not yet ended by a line break.
  #pending = ''
  // The previous chunk ended with CR: a LF starting the next one belongs to the same line break.
  #afterCR = false
  #firstText = true
  #eventType = ''
  #data = ''
  #hasData = false
  #lastEventId = ''
  #retry: number | undefined

  constructor (onEvent: (event: SseEvent) => void) {
    this.#onEvent = onEvent
  }

  get lastEventId (): string {
    return this.#lastEventId
  }

  get retry (): number | undefined {
    return this.#retry
  }

  push (chunk: Uint8Array | string): void {
    this.#processText(typeof chunk === 'string' ? chunk : this.#decode(chunk))
  }

  end (): void {
    if (this.#decoder !== undefined) this.#processText(this.#decoder.decode())
    this.#pending = ''
    this.#data = ''
    this.#hasData = false
    this.#eventType = ''
  }

  #decode (chunk: Uint8Array): string {
    // A chunk ending with an ASCII byte does not end inside a multi-byte sequence.
    if (this.#decoder === undefined && (chunk.length === 0 || chunk[chunk.length - 1] < 0x80)) {
      return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8')
    }
    // ignoreBOM: keep it in the text so that exactly one leading BOM is dropped below, for bytes and strings alike.
    this.#decoder ??= new TextDecoder('utf-8', { ignoreBOM: true })
    return this.#decoder.decode(chunk, STREAM_OPTIONS)
  }

  #processLine (text: string, start: number, end: number): void {
    if (start === end) {
      this.#dispatch()
      return
    }
    if (text.charCodeAt(start) === COLON) return // a comment, e.g. a keep-alive

    const colon = text.indexOf(':', start)
    let field: string
    let value: string
    if (colon === -1 || colon >= end) {
      field = text.slice(start, end)
      value = ''
    } else {
      field = text.slice(start, colon)
      let valueStart = colon + 1
      if (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++
      value = text.slice(valueStart, end)
    }

    switch (field) {
      case 'data':
        if (this.#hasData) {
          this.#data += '\n' + value
        } else {
          this.#data = value
          this.#hasData = true
        }
        break
      case 'event':
        this.#eventType = value
        break
      case 'id':
        if (value.indexOf('\u0000') === -1) this.#lastEventId = value
        break
      case 'retry':
        if (value.length > 0 && isAsciiDigits(value)) this.#retry = Number(value)
        break
      default:
        // Unknown fields are ignored.
    }
  }

  #dispatch (): void {
    if (!this.#hasData) {
      this.#eventType = ''
      return
    }
    const event: SseEvent = { event: this.#eventType === '' ? 'message' : this.#eventType, data: this.#data, id: this.#lastEventId }
    this.#data = ''
    this.#hasData = false
    this.#eventType = ''
    this.#onEvent(event)
  }

  #processText (text: string): void {
    if (this.#firstText && text.length > 0) {
      this.#firstText = false
      if (text.charCodeAt(0) === 0xFEFF) text = text.slice(1)
    }
    if (text.length === 0) return

    let position = 0
    if (this.#afterCR) {
      this.#afterCR = false
      if (text.charCodeAt(0) === LF) position = 1
    }

    const length = text.length
    let lineStart = position
    // Line breaks are found with indexOf (native, fast); CR is rare, so usually searched once.
    let lf = text.indexOf('\n', position)
    let cr = text.indexOf('\r', position)
    while (lf !== -1 || cr !== -1) {
      const isCR = cr !== -1 && (lf === -1 || cr < lf)
      let i = isCR ? cr : lf
      // The pending piece of line is only joined when a line break arrives, so a frame split in
      // many small writes costs one concatenation per line, not one per write.
      if (this.#pending.length > 0) {
        const line = this.#pending + text.slice(lineStart, i)
        this.#pending = ''
        this.#processLine(line, 0, line.length)
      } else {
        this.#processLine(text, lineStart, i)
      }
      if (isCR) {
        if (i + 1 < length) {
          if (text.charCodeAt(i + 1) === LF) i++
        } else {
          this.#afterCR = true
        }
      }
      lineStart = i + 1
      if (lf !== -1 && lf < lineStart) lf = text.indexOf('\n', lineStart)
      if (cr !== -1 && cr < lineStart) cr = text.indexOf('\r', lineStart)
    }
    if (lineStart < length) {
      this.#pending = this.#pending.length > 0 ? this.#pending + text.slice(lineStart) : text.slice(lineStart)
    }
  }
}

function isAsciiDigits (value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code < 48 || code > 57) return false
  }
  return true
}
