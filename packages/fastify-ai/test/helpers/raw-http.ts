// HTTP/1.1 over a bare socket, for what fetch cannot do: send half a body, send partial headers,
// and see whether the server closed the connection.
import { connect } from 'node:net'

export interface RawAnswer {
  /** 0 when nothing came back. */
  statusCode: number
  /** Lower-cased names. */
  headers: Record<string, string>
  /** The body, de-chunked. */
  body: string
  /** True when the server closed the socket before `waitMs`. */
  closed: boolean
  /** Milliseconds from the first write to the close (or to `waitMs`). */
  elapsed: number
}

function dechunk (raw: string): string {
  let body = ''
  let rest = raw
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n')
    if (end === -1) break
    const size = Number.parseInt(rest.slice(0, end), 16)
    if (Number.isNaN(size) || size === 0) break
    body += rest.slice(end + 2, end + 2 + size)
    rest = rest.slice(end + 2 + size + 2)
  }
  return body
}

function parseAnswer (raw: string): Pick<RawAnswer, 'statusCode' | 'headers' | 'body'> {
  const split = raw.indexOf('\r\n\r\n')
  if (split === -1) return { statusCode: Number(raw.split(' ')[1] ?? 0) || 0, headers: {}, body: '' }
  const [statusLine, ...lines] = raw.slice(0, split).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const rest = raw.slice(split + 4)
  return {
    statusCode: Number(statusLine.split(' ')[1]),
    headers,
    body: headers['transfer-encoding'] === 'chunked' ? dechunk(rest) : rest
  }
}

/**
 * Write `chunks` to `url`'s host (a number is a pause in ms between writes), then read until the
 * server closes the socket or `waitMs` passes (then the socket is destroyed by the client).
 */
export function rawExchange (url: string, chunks: Array<string | number>, waitMs: number): Promise<RawAnswer> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let received = ''
    const started = Date.now()
    const deadline = setTimeout(function giveUp () {
      socket.destroy()
      resolve({ ...parseAnswer(received), closed: false, elapsed: Date.now() - started })
    }, waitMs)
    socket.setEncoding('utf8')
    socket.on('data', function collect (data: string) { received += data })
    socket.on('error', function failed (error) {
      clearTimeout(deadline)
      reject(error)
    })
    socket.on('close', function closed () {
      clearTimeout(deadline)
      resolve({ ...parseAnswer(received), closed: true, elapsed: Date.now() - started })
    })
    socket.on('connect', async function send () {
      for (const chunk of chunks) {
        if (typeof chunk === 'number') await new Promise((resolve) => setTimeout(resolve, chunk))
        else if (!socket.destroyed) socket.write(chunk)
      }
    })
  })
}

/** The head of a POST with a JSON body of `contentLength` bytes (sent or not). */
export function postHead (path: string, contentLength: number, extra = ''): string {
  return `POST ${path} HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${contentLength}\r\n${extra}\r\n`
}
