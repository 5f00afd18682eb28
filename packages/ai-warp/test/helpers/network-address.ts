// Where a server can be reached from: tests of "binds 127.0.0.1 unless told otherwise" connect to
// the machine's own network address, which a server bound to loopback refuses.
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'

/** An IPv4 address of this machine that is not loopback, or undefined when it has none. */
export function networkAddress (): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address
    }
  }
  return undefined
}

/** True when a TCP connection to `host:port` is accepted, false when it is refused. */
export function accepts (host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.setTimeout(2000, () => socket.destroy())
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('close', () => resolve(false))
  })
}
