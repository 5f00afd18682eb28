// A TCP proxy between the client and the gateway that cuts chosen connections after a chosen
// number of complete SSE frames of the answer (plus some bytes, to cut inside the next frame).
import { connect, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import type { TestContext } from 'node:test'

/** Where to cut one connection. */
export interface Cut {
  /** Complete SSE frames (counted by their blank line, comments included) to let through. */
  afterFrames: number
  /** Extra bytes of the following data to let through before cutting. */
  extraBytes?: number
}

export interface CuttingProxy {
  /** `http://127.0.0.1:PORT` of the proxy. */
  url: string
  /** How many connections were cut so far. */
  readonly cuts: number
}

/** Starts the proxy; connection number i (0-based) is cut as `plan[i]` says, later ones pass. */
export async function startCuttingProxy (t: TestContext, target: string, plan: Array<Cut | undefined>): Promise<CuttingProxy> {
  const { hostname, port } = new URL(target)
  const sockets = new Set<Socket>()
  let connections = 0
  let cuts = 0
  const server = createServer(function onConnection (client) {
    const cut = plan[connections++]
    const upstream = connect(Number(port), hostname)
    sockets.add(client).add(upstream)
    client.on('close', () => { sockets.delete(client); upstream.destroy() })
    upstream.on('close', () => { sockets.delete(upstream); client.destroy() })
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.pipe(upstream)
    if (cut === undefined) {
      upstream.pipe(client)
      return
    }
    // Decoded as latin1 so that byte offsets and string offsets are the same.
    let seen = ''
    let bodyStart = -1
    upstream.on('data', function onData (chunk: Buffer) {
      const before = seen.length
      seen += chunk.toString('latin1')
      if (bodyStart === -1) {
        const headersEnd = seen.indexOf('\r\n\r\n')
        if (headersEnd !== -1) bodyStart = headersEnd + 4
      }
      const end = bodyStart === -1 ? -1 : cutOffset(seen, bodyStart, cut)
      if (end === -1) {
        client.write(chunk)
        return
      }
      cuts++
      client.write(chunk.subarray(0, Math.max(0, end - before)), () => {
        client.destroy()
        upstream.destroy()
      })
      upstream.removeListener('data', onData)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy()
    server.close(() => resolve())
  }))
  const address = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${address.port}`,
    get cuts () { return cuts }
  }
}

/** The offset to cut at, once enough data arrived; -1 while it has not. */
function cutOffset (seen: string, bodyStart: number, cut: Cut): number {
  let offset = bodyStart
  for (let frames = 0; frames < cut.afterFrames; frames++) {
    const blank = seen.indexOf('\n\n', offset)
    if (blank === -1) return -1
    offset = blank + 2
  }
  offset += cut.extraBytes ?? 0
  return offset <= seen.length ? offset : -1
}
