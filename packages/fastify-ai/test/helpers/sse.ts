// Reads an SSE answer frame by frame, the way a browser's EventSource would.

export interface SseFrame {
  id?: string
  event?: string
  /** Parsed JSON of `data:`. */
  data?: any
  /** The text of a comment line (`: ping` -> `ping`). */
  comment?: string
  /** The frame as received, for exact format checks. */
  raw: string
}

function parseFrame (raw: string): SseFrame {
  const frame: SseFrame = { raw }
  for (const line of raw.split('\n')) {
    if (line.startsWith(':')) {
      frame.comment = line.slice(1).trim()
      continue
    }
    const colon = line.indexOf(':')
    const field = line.slice(0, colon)
    const value = line.slice(colon + 1).replace(/^ /, '')
    if (field === 'id') frame.id = value
    else if (field === 'event') frame.event = value
    else if (field === 'data') frame.data = JSON.parse(value)
  }
  return frame
}

/** The frames of a body as they arrive. */
export async function * sseFrames (body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder()
  let buffer = ''
  const reader = body.getReader()
  while (true) {
    const { done, value } = await reader.read()
    if (done) break
    buffer += decoder.decode(value, { stream: true })
    let end = buffer.indexOf('\n\n')
    while (end !== -1) {
      yield parseFrame(buffer.slice(0, end))
      buffer = buffer.slice(end + 2)
      end = buffer.indexOf('\n\n')
    }
  }
}

/** Every frame until the server ends the answer. */
export async function collectFrames (response: Response): Promise<SseFrame[]> {
  const frames: SseFrame[] = []
  if (response.body === null) return frames
  for await (const frame of sseFrames(response.body)) frames.push(frame)
  return frames
}

/** Frames that are events (not comments). */
export function eventsOf (frames: SseFrame[]): SseFrame[] {
  return frames.filter((frame) => frame.event !== undefined)
}

/** Concatenated text of the `content` events. */
export function textOf (frames: SseFrame[]): string {
  return frames.filter((frame) => frame.event === 'content').map((frame) => frame.data.response).join('')
}
