// The store contract against a real Valkey (or Redis) server, plus what only Valkey has:
// prefixed keys with TTLs, several instances sharing one server, connection options.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { Valkey } from 'iovalkey'
import { createValkeyStore } from '../../src/stores/valkey-store.ts'
import type { AiStore } from '../../src/store.ts'
import type { Logger } from '../../src/types.ts'
import { startValkeyServer } from '../helpers/valkey-server.ts'
import { storeContract } from './store-contract.ts'

const silent: Logger = { debug () {}, info () {}, warn () {}, error () {} }
const server = await startValkeyServer()
after(() => server.close())

storeContract('valkey', async function createSubject () {
  await server.flush()
  const stores: AiStore[] = [await createValkeyStore({ type: 'valkey', url: server.url }, { logger: silent })]
  return {
    store: stores[0],
    async second () {
      const other = await createValkeyStore({ type: 'valkey', url: server.url }, { logger: silent })
      stores.push(other)
      return other
    },
    async cleanup () {
      await Promise.all(stores.map((store) => store.close()))
    }
  }
})

describe('valkey store', () => {
  test('every key is prefixed and carries a TTL', async () => {
    await server.flush()
    const store = await createValkeyStore({ type: 'valkey', url: server.url, keyPrefix: 'test-prefix:' }, { logger: silent })
    await store.consume('rate:x', 5, 10_000)
    await store.set('value:x', 'v', 10_000)
    await store.listPush('list:x', 'i', 5, 10_000)
    await store.appendEvent('events:x', 'e', 10_000)
    await store.close()

    const inspector = new Valkey(server.url)
    after(() => inspector.quit())
    const keys = (await inspector.keys('*')).sort()
    assert.deepEqual(keys, ['test-prefix:events:x', 'test-prefix:events:x:seq', 'test-prefix:list:x', 'test-prefix:rate:x', 'test-prefix:value:x'])
    for (const key of keys) {
      const ttl = await inspector.pttl(key)
      assert.ok(ttl > 0 && ttl <= 10_000, `${key} has PTTL ${ttl}`)
    }
  })

  test('appendEvents with no events writes nothing: no sequence is created, no TTL is changed', async () => {
    await server.flush()
    const store = await createValkeyStore({ type: 'valkey', url: server.url, keyPrefix: 'empty:' }, { logger: silent })
    assert.equal(await store.appendEvents?.('events:none', [], 5_000), 1)
    assert.equal(await store.appendEvents?.('events:z', ['a', 'b'], 100_000), 1)
    assert.equal(await store.appendEvents?.('events:z', [], 5_000), 3)
    await store.close()
    const inspector = new Valkey(server.url)
    after(() => inspector.quit())
    assert.deepEqual((await inspector.keys('*')).sort(), ['empty:events:z', 'empty:events:z:seq'])
    assert.ok(await inspector.pttl('empty:events:z') > 50_000, 'the log keeps its TTL')
  })

  test('the default prefix is aiwarp: and host/port/database options are honoured', async () => {
    await server.flush()
    const store = await createValkeyStore({ type: 'valkey', host: '127.0.0.1', port: server.port, database: 3 }, { logger: silent })
    await store.set('value:y', 'v', 10_000)
    await store.close()
    const inspector = new Valkey(server.url, { db: 3 })
    after(() => inspector.quit())
    assert.deepEqual(await inspector.keys('*'), ['aiwarp:value:y'])
  })

  test('an injected client is used as it is and not closed by close()', async () => {
    await server.flush()
    const client = new Valkey(server.url)
    after(() => client.quit())
    const store = await createValkeyStore({ type: 'valkey', client }, { logger: silent })
    await store.set('value:z', 'v', 10_000)
    const seen: number[] = []
    const unfollow = await store.followEvents('events:z', (event) => seen.push(event.id))
    await store.appendEvent('events:z', 'e', 10_000)
    await unfollow()
    await store.close()
    assert.equal(client.status, 'ready')
    assert.equal(await client.get('aiwarp:value:z'), 'v')
  })

  test('an injected client with its own keyPrefix is refused at start', async () => {
    const client = new Valkey(server.url, { keyPrefix: 'own:', lazyConnect: true })
    await assert.rejects(createValkeyStore({ type: 'valkey', client }, { logger: silent }), { code: 'AI_OPTIONS_INVALID' })
    await assert.rejects(createValkeyStore({ type: 'valkey', client: {} }, { logger: silent }), { code: 'AI_OPTIONS_INVALID' })
  })

  test('N instances sharing a limit admit exactly the limit', async () => {
    await server.flush()
    const stores = await Promise.all([1, 2, 3, 4].map(() => createValkeyStore({ type: 'valkey', url: server.url }, { logger: silent })))
    after(() => Promise.all(stores.map((store) => store.close())))
    const results = await Promise.all(Array.from({ length: 80 }, (_, i) => stores[i % 4].consume('rate:shared', 25, 10_000)))
    assert.equal(results.filter((result) => result.allowed).length, 25)
  })

  test('scripts are loaded again after the server forgets them (NOSCRIPT)', async () => {
    await server.flush()
    const store = await createValkeyStore({ type: 'valkey', url: server.url }, { logger: silent })
    after(() => store.close())
    assert.equal((await store.consume('rate:s', 2, 10_000)).count, 1)
    await server.command('SCRIPT', 'FLUSH')
    assert.equal((await store.consume('rate:s', 2, 10_000)).count, 2)
  })

  test('a follower that throws does not stop the others or the subscriber connection', async () => {
    await server.flush()
    const errors: string[] = []
    const logger: Logger = { ...silent, error (_, message) { errors.push(String(message)) } }
    const store = await createValkeyStore({ type: 'valkey', url: server.url }, { logger })
    after(() => store.close())
    const seen: number[] = []
    await store.followEvents('events:t', () => { throw new Error('listener bug') })
    await store.followEvents('events:t', (event) => seen.push(event.id))
    await store.appendEvent('events:t', 'a', 10_000)
    await store.appendEvent('events:t', 'b', 10_000)
    const deadline = Date.now() + 2000
    while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
    assert.deepEqual(seen, [1, 2])
    assert.deepEqual(errors, ['event log follower failed', 'event log follower failed'])
  })
})
