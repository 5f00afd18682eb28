// An incremental Server-Sent Events parser following the WHATWG "event stream" rules
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
// bytes may arrive split anywhere (inside a line, a CRLF pair or a UTF-8 sequence), lines end
// with LF, CRLF or CR, a leading BOM is dropped, comments are ignored, several `data:` lines
// are joined with LF, and an event without its closing blank line is never dispatched.
//
// It is written for throughput: one TextDecoder per stream, no regular expressions, one small
// object per dispatched event and nothing else allocated per chunk beyond the decoded string.

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
  // ignoreBOM: keep it in the text so that exactly one leading BOM is dropped below, for bytes and strings alike.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  // Text received but not yet ended by a line break.
  let pending = ''
  // The previous chunk ended with CR: a LF starting the next one belongs to the same line break.
  let afterCR = false
  let firstText = true

  let eventType = ''
  let data = ''
  let hasData = false
  let lastEventId = ''
  let retry: number | undefined

  function processLine (text: string, start: number, end: number): void {
    if (start === end) {
      dispatch()
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
        if (hasData) {
          data += '\n' + value
        } else {
          data = value
          hasData = true
        }
        break
      case 'event':
        eventType = value
        break
      case 'id':
        if (value.indexOf('\u0000') === -1) lastEventId = value
        break
      case 'retry':
        if (value.length > 0 && isAsciiDigits(value)) retry = Number(value)
        break
      default:
        // Unknown fields are ignored.
    }
  }

  function dispatch (): void {
    if (!hasData) {
      eventType = ''
      return
    }
    const event: SseEvent = { event: eventType === '' ? 'message' : eventType, data, id: lastEventId }
    data = ''
    hasData = false
    eventType = ''
    onEvent(event)
  }

  function processText (text: string): void {
    if (firstText && text.length > 0) {
      firstText = false
      if (text.charCodeAt(0) === 0xFEFF) text = text.slice(1)
    }
    if (text.length === 0) return

    let position = 0
    if (afterCR) {
      afterCR = false
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
      if (pending.length > 0) {
        const line = pending + text.slice(lineStart, i)
        pending = ''
        processLine(line, 0, line.length)
      } else {
        processLine(text, lineStart, i)
      }
      if (isCR) {
        if (i + 1 < length) {
          if (text.charCodeAt(i + 1) === LF) i++
        } else {
          afterCR = true
        }
      }
      lineStart = i + 1
      if (lf !== -1 && lf < lineStart) lf = text.indexOf('\n', lineStart)
      if (cr !== -1 && cr < lineStart) cr = text.indexOf('\r', lineStart)
    }
    if (lineStart < length) {
      pending = pending.length > 0 ? pending + text.slice(lineStart) : text.slice(lineStart)
    }
  }

  return {
    push: function push (chunk: Uint8Array | string): void {
      processText(typeof chunk === 'string' ? chunk : decoder.decode(chunk, STREAM_OPTIONS))
    },
    end: function end (): void {
      processText(decoder.decode())
      pending = ''
      data = ''
      hasData = false
      eventType = ''
    },
    get lastEventId () {
      return lastEventId
    },
    get retry () {
      return retry
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
