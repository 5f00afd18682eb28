// An incremental Server-Sent Events parser following the WHATWG "event stream interpretation"
// rules (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
// bytes may be split anywhere (mid-line, mid-CRLF, mid-UTF-8 character), lines end with CRLF, LF
// or CR, `data:` lines join with "\n", lines starting with ":" are comments, and an event is only
// dispatched at a blank line — a half-received event at the end of the stream is dropped.

/** One dispatched SSE event. */
export interface SseEvent {
  /** The `event:` field, or `message` when there was none. */
  event: string
  /** The `data:` lines joined with "\n". */
  data: string
  /** The `id:` field of this very event, when it had one. */
  id?: string
  /** The `retry:` field, when this event block had one (milliseconds). */
  retry?: number
}

/** An incremental parser: feed it chunks, get the events completed so far. */
export interface SseParser {
  /** Parses a chunk and returns the events it completed. */
  push (chunk: Uint8Array | string): SseEvent[]
  /** The stream's last event id, as of the last complete event block. */
  readonly lastEventId: string
  /** How many comment lines (e.g. `: ping`) were read. */
  readonly comments: number
}

/** Builds a parser for one connection. */
export function createSseParser (): SseParser {
  const decoder = new TextDecoder('utf-8')
  let pending = ''
  // A CR ended the previous chunk: a LF starting the next one belongs to the same line ending.
  let skipLeadingLf = false
  let data = ''
  let hasData = false
  let eventType = ''
  let eventId: string | undefined
  let retry: number | undefined
  // The WHATWG "last event ID buffer" (set by `id:` lines) and the stream's last event ID
  // (copied from the buffer when an event block ends, so a half-received block never counts).
  let idBuffer = ''
  let lastEventId = ''
  let comments = 0

  function processLine (line: string, events: SseEvent[]): void {
    if (line === '') {
      dispatch(events)
      return
    }
    if (line.charCodeAt(0) === 58 /* : */) {
      comments++
      return
    }
    const colon = line.indexOf(':')
    let field = line
    let value = ''
    if (colon !== -1) {
      field = line.slice(0, colon)
      value = line.slice(colon + 1)
      if (value.charCodeAt(0) === 32 /* space */) value = value.slice(1)
    }
    switch (field) {
      case 'event':
        eventType = value
        break
      case 'data':
        data = hasData ? data + '\n' + value : value
        hasData = true
        break
      case 'id':
        if (!value.includes('\u0000')) {
          idBuffer = value
          eventId = value
        }
        break
      case 'retry':
        if (/^\d+$/.test(value)) retry = Number(value)
        break
      default:
        // Unknown fields are ignored, as the standard says.
    }
  }

  function dispatch (events: SseEvent[]): void {
    lastEventId = idBuffer
    if (hasData) {
      const event: SseEvent = { event: eventType === '' ? 'message' : eventType, data }
      if (eventId !== undefined) event.id = eventId
      if (retry !== undefined) event.retry = retry
      events.push(event)
    }
    data = ''
    hasData = false
    eventType = ''
    eventId = undefined
    retry = undefined
  }

  function push (chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    const events: SseEvent[] = []
    if (skipLeadingLf && text.length > 0) {
      if (text.charCodeAt(0) === 10) text = text.slice(1)
      skipLeadingLf = false
    }
    let buffer = pending + text
    let start = 0
    for (let i = 0; i < buffer.length; i++) {
      const code = buffer.charCodeAt(i)
      if (code !== 10 && code !== 13) continue
      processLine(buffer.slice(start, i), events)
      if (code === 13) {
        if (i + 1 === buffer.length) {
          skipLeadingLf = true
        } else if (buffer.charCodeAt(i + 1) === 10) {
          i++
        }
      }
      start = i + 1
    }
    buffer = buffer.slice(start)
    pending = buffer
    return events
  }

  return {
    push,
    get lastEventId () { return lastEventId },
    get comments () { return comments }
  }
}
