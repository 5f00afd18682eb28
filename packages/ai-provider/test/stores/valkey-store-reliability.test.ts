// SPEC §8 at the store level: while Valkey is down every operation rejects promptly with
// AI_STORAGE_UNAVAILABLE (cause attached), nothing hangs or goes unhandled, and the same store
// serves again (followers included) once Valkey is back on the same port.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createValkeyStore } from '../../src/stores/valkey-store.ts'
import type { AiStore, StoredEvent } from '../../src/store.ts'
import type { Logger } from '../../src/types.ts'
import { startValkeyServer } from '../helpers/valkey-server.ts'
import { expectNoUnhandledRejections } from '../helpers/checks.ts'

const server = await startValkeyServer()
after(() => server.close())

const logged: Array<{ level: string, message?: string }> = []
const logger: Logger = {
  debug () {},
  info (_, message) { logged.push({ level: 'info', message }) },
  warn (_, message) { logged.push({ level: 'warn', message }) },
  error (_, message) { logged.push({ level: 'error', message }) }
}

expectNoUnhandledRejections()

async function waitUntilServing (store: AiStore, timeoutMs: number): Promise<number> {
  const started = Date.now()
  while (true) {
    try {
      await store.ping()
      return Date.now() - started
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error
      await sleep(25)
    }
  }
}

const operations: Record<string, (store: AiStore) => Promise<unknown>> = {
  consume: (store) => store.consume('rate:o', 5, 10_000),
  get: (store) => store.get('value:o'),
  set: (store) => store.set('value:o', 'v', 10_000),
  delete: (store) => store.delete(['value:o']),
  expire: (store) => store.expire(['value:o'], 10_000),
  listPush: (store) => store.listPush('list:o', 'v', 5, 10_000),
  listRange: (store) => store.listRange('list:o'),
  appendEvent: (store) => store.appendEvent('events:o', 'v', 10_000),
  readEvents: (store) => store.readEvents('events:o', 0),
  clearEvents: (store) => store.clearEvents('events:o'),
  followEvents: (store) => store.followEvents('events:new', () => {}),
  ping: (store) => store.ping()
}

test('every operation fails fast with AI_STORAGE_UNAVAILABLE while Valkey is down, then the same store recovers', { skip: server.skipControl }, async () => {
  const store = await createValkeyStore({ type: 'valkey', url: server.url }, { logger })
  after(() => store.close())
  const seen: StoredEvent[] = []
  await store.followEvents('events:live', (event) => seen.push(event))
  await store.appendEvent('events:live', 'before', 10_000)
  // Published, but delivered on the subscriber's own connection: wait for it before the outage.
  await waitUntil(async () => { await sleep(10); return seen.length > 0 })

  await server.stop()
  for (const [name, operation] of Object.entries(operations)) {
    const started = Date.now()
    await assert.rejects(operation(store), (error: Error & { code?: string, statusCode?: number }) => {
      assert.equal(error.code, 'AI_STORAGE_UNAVAILABLE', `${name}: ${error.message}`)
      assert.equal(error.statusCode, 503)
      assert.ok(error.cause instanceof Error, `${name} carries its cause`)
      return true
    })
    assert.ok(Date.now() - started < 500, `${name} took ${Date.now() - started} ms`)
  }
  // The outage is logged once, as a warning, when the first reconnection attempt fails.
  await waitUntil(async () => { await sleep(10); return logged.some((entry) => entry.level === 'warn' && entry.message?.startsWith('Valkey connection failed') === true) })

  await server.start()
  const recoveredIn = await waitUntilServing(store, 5000)
  assert.ok(recoveredIn < 3000, `recovered in ${recoveredIn} ms`)
  assert.equal((await store.consume('rate:after', 1, 10_000)).allowed, true)
  // The follower made before the outage is subscribed again by itself.
  await waitUntil(async () => {
    await store.appendEvent('events:live', 'after', 10_000)
    await sleep(20)
    return seen.some((event) => event.data === 'after')
  })
  assert.equal(seen[0].data, 'before')
  assert.ok(logged.some((entry) => entry.level === 'info' && entry.message === 'Valkey connection restored'))
})

test('a command in flight when Valkey dies rejects within the command timeout', { skip: server.skipControl }, async () => {
  const store = await createValkeyStore({ type: 'valkey', url: server.url, commandTimeout: 300 }, { logger })
  after(() => store.close())
  // A busy script holds the server so the next command is in flight when it is killed.
  const busy = server.command('EVAL', 'while true do end', '0').then(() => 'answered', (error: Error) => error.message)
  await sleep(50)
  const started = Date.now()
  const pending = store.get('value:inflight').then(() => undefined, (error: Error) => error)
  await sleep(20)
  await server.stop()
  const error = await pending
  assert.equal((error as { code?: string } | undefined)?.code, 'AI_STORAGE_UNAVAILABLE', String(error))
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`)
  assert.equal(await busy, 'valkey-server closed the connection')
  await server.start()
  await waitUntilServing(store, 5000)
})

test('a store created while Valkey is down starts, fails fast, and serves once Valkey is up', { skip: server.skipControl }, async () => {
  await server.stop()
  const started = Date.now()
  const store = await createValkeyStore({ type: 'valkey', url: server.url, connectTimeout: 500 }, { logger })
  after(() => store.close())
  assert.ok(Date.now() - started < 1500, `creation took ${Date.now() - started} ms`)
  await assert.rejects(store.get('value:x'), { code: 'AI_STORAGE_UNAVAILABLE' })
  await server.start()
  await waitUntilServing(store, 5000)
  await store.set('value:x', 'v', 10_000)
  assert.equal(await store.get('value:x'), 'v')
})

test('close() while Valkey is down returns promptly', { skip: server.skipControl }, async () => {
  const store = await createValkeyStore({ type: 'valkey', url: server.url }, { logger })
  await store.followEvents('events:c', () => {})
  await server.stop()
  const started = Date.now()
  await store.close()
  assert.ok(Date.now() - started < 500, `close took ${Date.now() - started} ms`)
  await server.start()
})

async function waitUntil (check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('condition not met in time')
  }
}
