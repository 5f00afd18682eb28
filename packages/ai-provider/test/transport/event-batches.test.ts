import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createProviderClient } from '../../src/transport/provider-client.ts'
import { createEventChannel } from '../../src/streaming/channel.ts'
import { isBatchIterator } from '../../src/transport/event-batches.ts'
import { input, providerOptions, silentLogger } from '../providers/provider-suite.ts'

function frame (delta: Record<string, unknown>, finishReason: string | null = null): string {
  return 'data: ' + JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finishReason }] }) + '\n\n'
}

// The whole answer in one socket write: one chunk for the transport.
const ONE_CHUNK = frame({ content: 'a' }) + frame({ content: 'b' }) + frame({ content: 'c' }) + frame({}, 'stop') + 'data: [DONE]\n\n'

async function startOneChunkServer (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const server = createServer(function onRequest (request, response) {
    request.resume()
    request.on('end', function answer () {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.end(ONE_CHUNK)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(function stop () {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(() => resolve()))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

test('the provider stream hands over all the events of one network chunk in one batch', async function (t) {
  const url = await startOneChunkServer(t)
  const client = createProviderClient(providerOptions('openai', url, { connections: 1 }), { logger: silentLogger })
  t.after(() => client.close())
  const iterator = client.stream('m', input, { timeout: 5000 })[Symbol.asyncIterator]()
  assert.ok(isBatchIterator(iterator))
  const batch = await iterator.nextBatch()
  assert.deepEqual(batch?.map((event) => event.type === 'delta' ? event.text : event.type), ['a', 'b', 'c', 'end'])
  assert.equal(await iterator.nextBatch(), undefined)
})

test('next() and nextBatch() mix: a batch holds what next() left of the chunk', async function (t) {
  const url = await startOneChunkServer(t)
  const client = createProviderClient(providerOptions('openai', url, { connections: 1 }), { logger: silentLogger })
  t.after(() => client.close())
  const iterator = client.stream('m', input, { timeout: 5000 })[Symbol.asyncIterator]()
  assert.ok(isBatchIterator(iterator))
  const first = await iterator.next()
  assert.deepEqual(first.value, { type: 'delta', text: 'a' })
  const rest = await iterator.nextBatch()
  assert.deepEqual(rest?.map((event) => event.type === 'delta' ? event.text : event.type), ['b', 'c', 'end'])
  assert.deepEqual(await iterator.next(), { value: undefined, done: true })
})

test('the event channel hands a pushed batch over at once, in order, and ends after close', async function () {
  const channel = createEventChannel(function onAbandoned () { assert.fail('not abandoned') })
  const pending = channel.events.nextBatch()
  channel.pushBatch([{ type: 'content', text: 'a', id: '1' }, { type: 'content', text: 'b', id: '2' }])
  channel.push({ type: 'content', text: 'c', id: '3' })
  assert.deepEqual((await pending)?.map((event) => event.id), ['1', '2'])
  assert.deepEqual((await channel.events.next()).value, { type: 'content', text: 'c', id: '3' })
  channel.pushBatch([{ type: 'content', text: 'd', id: '4' }, { type: 'content', text: 'e', id: '5' }])
  channel.close()
  assert.deepEqual((await channel.events.nextBatch())?.map((event) => event.id), ['4', '5'])
  assert.equal(await channel.events.nextBatch(), undefined)
})
