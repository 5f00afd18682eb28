// The Valkey store sends the commands issued in one tick in one socket write (a write per
// command was most of its CPU), without changing their order or their replies.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import type { TestContext } from 'node:test'
import type { Socket } from 'node:net'
import { Valkey } from 'iovalkey'
import { createValkeyStore } from '../../src/stores/valkey-store.ts'
import type { Logger } from '../../src/types.ts'
import type { AiStore } from '../../src/store.ts'
import { startValkeyServer } from '../helpers/valkey-server.ts'

const silent: Logger = { debug () {}, info () {}, warn () {}, error () {} }
const server = await startValkeyServer()
after(() => server.close())

/** Count the socket writes that reach the kernel side of the stream (_write or _writev). */
function countWrites (socket: Socket): { count: number } {
  const counter = { count: 0 }
  const internal = socket as unknown as { _write: (...args: unknown[]) => void, _writev: (...args: unknown[]) => void }
  const write = internal._write
  const writev = internal._writev
  internal._write = function countedWrite (...args: unknown[]) {
    counter.count++
    return write.apply(socket, args)
  }
  internal._writev = function countedWritev (...args: unknown[]) {
    counter.count++
    return writev.apply(socket, args)
  }
  return counter
}

/** A store on an empty server, over a client of the test's own (its socket is the one counted). */
async function connectedStore (t: TestContext): Promise<{ client: Valkey, store: AiStore }> {
  await server.flush()
  const client = new Valkey(server.url)
  t.after(() => client.quit())
  await client.ping()
  const store = await createValkeyStore({ type: 'valkey', url: server.url, client }, { logger: silent })
  t.after(() => store.close())
  return { client, store }
}

test('the valkey store sends the commands of one tick in one socket write, in order, with their own replies', async (t) => {
  const { client, store } = await connectedStore(t)
  // Scripts loaded (a new server answers NOSCRIPT to the first EVALSHA of each).
  await store.appendEvent('events:warm', 'w', 10_000)
  await store.consume('rate:warm', 10, 10_000)
  const writes = countWrites(client.stream as Socket)

  const appended: Array<Promise<number>> = []
  for (let i = 0; i < 20; i++) appended.push(store.appendEvent('events:batch', `e${i}`, 10_000))
  const [ids, written, read, first, second] = await Promise.all([
    Promise.all(appended),
    store.set('value:batch', 'v', 10_000),
    store.get('value:batch'),
    store.consume('rate:batch', 10, 10_000),
    store.consume('rate:batch', 10, 10_000)
  ])

  assert.equal(writes.count, 1, 'one write for the 24 commands of the tick')
  assert.deepEqual(ids, Array.from({ length: 20 }, (_, i) => i + 1))
  assert.equal(written, true)
  assert.equal(read, 'v', 'the get issued after the set in the same tick sees its value')
  assert.deepEqual([first.count, second.count], [1, 2])
  assert.deepEqual((await store.readEvents('events:batch', 18)).map((event) => event.data), ['e18', 'e19'])
})

test('the valkey store still sends a lone command at once (no wait for a batch)', async (t) => {
  const { client, store } = await connectedStore(t)
  const writes = countWrites(client.stream as Socket)
  for (let i = 0; i < 5; i++) await store.set(`value:${i}`, 'v', 10_000)
  assert.equal(writes.count, 5)
  assert.equal(await store.get('value:4'), 'v')
})
