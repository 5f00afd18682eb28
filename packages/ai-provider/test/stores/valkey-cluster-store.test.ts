// The store contract on a three-master Valkey Cluster, and what only a cluster has: the keys of
// one subject in one hash slot (and the subjects spread over the masters), redirections while a
// slot moves to another master (ASK, then MOVED), an injected Cluster client.
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { Cluster } from 'iovalkey'
import { createValkeyStore } from '../../src/stores/valkey-store.ts'
import type { AiStore } from '../../src/store.ts'
import type { Logger } from '../../src/types.ts'
import { startValkeyCluster } from '../helpers/valkey-cluster.ts'
import { storeContract } from './store-contract.ts'

const silent: Logger = { debug () {}, info () {}, warn () {}, error () {} }
const cluster = await startValkeyCluster()
after(() => cluster.close())
await cluster.waitUntilHealthy()

async function clusterStore (keyPrefix?: string): Promise<AiStore> {
  return createValkeyStore({ type: 'valkey', cluster: { nodes: cluster.seeds }, keyPrefix }, { logger: silent })
}

storeContract('valkey cluster', async function createSubject () {
  await cluster.flush()
  const stores: AiStore[] = [await clusterStore()]
  return {
    store: stores[0],
    async second () {
      const other = await clusterStore()
      stores.push(other)
      return other
    },
    async cleanup () {
      await Promise.all(stores.map((store) => store.close()))
    }
  }
})

/** How often `node` answered with the error `code` (its INFO errorstats). */
async function errorCount (node: { command (...args: string[]): Promise<unknown> }, code: string): Promise<number> {
  const stats = String(await node.command('INFO', 'errorstats'))
  return Number(new RegExp(`errorstat_${code}:count=(\\d+)`).exec(stats)?.[1] ?? 0)
}

describe('valkey cluster store', () => {
  test('the keys of a session, and of a model, share one slot; sessions spread over every master; every key has a TTL', async (t) => {
    await cluster.flush()
    const store = await clusterStore()
    t.after(() => store.close())
    const sessions = Array.from({ length: 30 }, (_, i) => `s${i}`)
    for (const id of sessions) {
      await store.set(`session:${id}`, '{}', 10_000)
      const exists = { key: `session:${id}` }
      await store.listPush(`turns:${id}`, 'turn', 5, 10_000, exists)
      await store.appendEvents?.(`events:${id}`, ['a', 'b'], 10_000, exists)
      await store.replace(`generation:${id}`, 'token', 10_000, exists)
      await store.set(`stream:${id}`, '{}', 10_000, { key: `generation:${id}`, equals: 'token' })
    }
    await store.consumeUnless?.('model:openai:gpt-4o', 'rate:openai:gpt-4o', 5, 10_000)

    const keys = await cluster.keys()
    assert.ok(keys.includes('aiwarp:session:{s0}') && keys.includes('aiwarp:events:{s0}:seq') && keys.includes('aiwarp:rate:{openai:gpt-4o}'), keys.slice(0, 8).join(' '))
    const master = cluster.masters[0]
    for (const id of sessions) {
      const slots = new Set<unknown>()
      for (const key of keys.filter((name) => name.includes(`{${id}}`))) slots.add(await master.command('CLUSTER', 'KEYSLOT', key))
      assert.equal(slots.size, 1, `the keys of ${id} are in one slot`)
    }
    const perMaster = await Promise.all(cluster.masters.map(async (node) => (await node.command('KEYS', '*') as string[]).length))
    assert.ok(perMaster.every((count) => count > 0), `keys on every master: ${perMaster.join(', ')}`)
    for (const key of keys) {
      const owner = await cluster.ownerOf(key)
      const ttl = Number(await owner.command('PTTL', key))
      assert.ok(ttl > 0 && ttl <= 10_000, `${key} has PTTL ${ttl}`)
    }

    await store.delete(['session:s1', 'turns:s1', 'events:s1', 'generation:s1', 'stream:s1', 'session:s2'])
    const left = await cluster.keys()
    assert.deepEqual(left.filter((key) => key.includes('{s1}') || key === 'aiwarp:session:{s2}'), [])
  })

  test('a slot moved to another master: commands follow ASK while it moves and MOVED after, in order', async (t) => {
    await cluster.flush()
    const store = await clusterStore()
    const follower = await clusterStore()
    t.after(() => Promise.all([store.close(), follower.close()]))
    const id = 'moving'
    const exists = { key: `session:${id}` }
    await store.set(`session:${id}`, '{}', 10_000)
    const seen: number[] = []
    const unfollow = await follower.followEvents(`events:${id}`, (event) => seen.push(event.id))
    t.after(unfollow)
    assert.equal(await store.appendEvents?.(`events:${id}`, ['1', '2'], 10_000, exists), 1)

    const source = await cluster.ownerOf(`aiwarp:session:{${id}}`)
    const target = cluster.masters.find((node) => node !== source)!
    const [askedBefore, movedBefore] = [await errorCount(source, 'ASK'), await errorCount(source, 'MOVED')]
    await cluster.moveSlot(`aiwarp:session:{${id}}`, target, async function whileMoving () {
      // The keys are on the target; the slot is still the source's: it answers ASK.
      assert.equal(await store.appendEvent(`events:${id}`, '3', 10_000, exists), 3)
      assert.deepEqual((await store.readEvents(`events:${id}`, 2)).map((event) => event.data), ['3'])
    })
    assert.ok(await errorCount(source, 'ASK') > askedBefore, 'the source answered ASK')
    // The slot is the target's now: the client's map is stale until the source answers MOVED.
    const [first, second] = await Promise.all([
      store.appendEvents?.(`events:${id}`, ['4', '5'], 10_000, exists),
      store.appendEvent(`events:${id}`, '6', 10_000, exists)
    ])
    assert.deepEqual([first, second], [4, 6], 'sent in order, run in order')
    assert.ok(await errorCount(source, 'MOVED') > movedBefore, 'the source answered MOVED')
    assert.deepEqual((await store.readEvents(`events:${id}`, 0)).map((event) => event.data), ['1', '2', '3', '4', '5', '6'])
    assert.equal(await target.command('EXISTS', `aiwarp:events:{${id}}`), 1)
    const deadline = Date.now() + 2000
    while (seen.length < 6 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6], 'the follower was told of every event')
  })

  test('an injected Cluster client is used as it is and not closed', async () => {
    await cluster.flush()
    const client = new Cluster(cluster.seeds, { lazyConnect: false })
    after(() => client.quit())
    const store = await createValkeyStore({ type: 'valkey', client }, { logger: silent })
    await store.set('session:injected', 'yes', 10_000)
    assert.equal(await store.get('session:injected'), 'yes')
    assert.equal((await store.consume('rate:injected', 1, 10_000)).allowed, true)
    await store.close()
    assert.equal(await client.get('aiwarp:session:{injected}'), 'yes')
  })
})
