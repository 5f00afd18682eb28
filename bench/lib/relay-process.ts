// A raw TCP relay in front of the mock, in its own process: every byte in is written out to
// the mock and back, with no HTTP parsing at all. Calling the mock through it costs what one
// more process on the path costs on this machine (two more socket writes, two more wake-ups),
// the part of any gateway's added latency that no code in the gateway can remove.
//   node relay-process.ts <mockUrl>

import { connect, createServer } from 'node:net'
import type { Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { announceReady, serveParent } from './ipc.ts'

const upstream = new URL(process.argv[2])
const sockets = new Set<Socket>()

function track (socket: Socket): void {
  socket.setNoDelay(true)
  sockets.add(socket)
  socket.on('close', function forget () { sockets.delete(socket) })
  // A peer that goes away takes the other side with it; the error itself is not the bench's.
  socket.on('error', function ignore () {})
}

const server = createServer(function relay (client) {
  const mock = connect(Number(upstream.port), upstream.hostname)
  track(client)
  track(mock)
  client.pipe(mock)
  mock.pipe(client)
  client.on('close', function closeMock () { mock.destroy() })
  mock.on('close', function closeClient () { client.destroy() })
})

await new Promise<void>(function listen (resolve) { server.listen(0, '127.0.0.1', resolve) })

serveParent(async function answer (message) {
  throw new Error(`unknown message ${message.type}`)
}, async function stop () {
  for (const socket of sockets) socket.destroy()
  await new Promise(function close (resolve) { server.close(resolve) })
})
announceReady({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
