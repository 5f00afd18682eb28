// A private Valkey Cluster for one test file, built from `valkey-server` or `redis-server`
// alone (CI installs no redis-cli): masters started with `--cluster-enabled yes` on free
// ports, each given its share of the 16384 slots with CLUSTER ADDSLOTS and joined with CLUSTER
// MEET through the helper's raw client, as `redis-cli --cluster create` would. Optionally one
// replica of the first master. A node can be killed and started again on its port with its
// nodes.conf (same id, same slots); without persistence its keys are lost. A slot can be moved
// to another master the way a resharding moves it, to see clients redirected (ASK, MOVED).
import { waitUntil as waitFor } from './checks.ts'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { endFileWithoutValkey, findBinary, freePort, parseReply, rawCommand, waitForPing } from './valkey-server.ts'

const SLOTS = 16384

export interface TestClusterNode {
  port: number
  /** `127.0.0.1:PORT`. */
  address: string
  /** The node's cluster id. */
  id: string
  /** Kill the node (SIGKILL). */
  stop (): Promise<void>
  /** Start it again on its port, with its nodes.conf. */
  start (): Promise<void>
  /** One command through the helper's raw client, its reply parsed; an error reply rejects. */
  command (...args: Array<string | number>): Promise<unknown>
}

export interface TestValkeyCluster {
  masters: TestClusterNode[]
  /** Replicas (of the first master), when asked for. */
  replicas: TestClusterNode[]
  /** The seed nodes to give a client: every master's `127.0.0.1:PORT`. */
  seeds: string[]
  /** The master that serves the slot of `key` now. */
  ownerOf (key: string): Promise<TestClusterNode>
  /**
   * Move the slot of `key` to `target` as a resharding does: IMPORTING/MIGRATING, MIGRATE of its
   * keys, SETSLOT NODE. `migrated` runs once the keys are on `target` but the slot is still the
   * old master's: meanwhile the old master answers ASK for them.
   */
  moveSlot (key: string, target: TestClusterNode, migrated?: () => Promise<void>): Promise<void>
  /** Every key of every master. */
  keys (): Promise<string[]>
  /** FLUSHALL on every master. */
  flush (): Promise<void>
  /** Resolve once every running node reports `cluster_state:ok` and the same slot owners. */
  waitUntilHealthy (timeoutMs?: number): Promise<void>
  /** Stop every node and remove the temp dir. */
  close (): Promise<void>
}

export interface ValkeyClusterOptions {
  /** Masters, at least 3 (Valkey Cluster's minimum for failure detection). Default 3. */
  masters?: number
  /** Replicas of the first master. Default 0. */
  replicas?: number
  /** `cluster-node-timeout` in ms: how long a silent node takes to be failed over. Default 5000. */
  nodeTimeout?: number
}

/**
 * The server binary for a helper that starts servers of its own (a cluster, a Sentinel group):
 * without one, the file ends as the other Valkey tests' do, or is skipped when VALKEY_URL gives
 * them a server (a cluster cannot be made of it).
 */
export async function ownServerBinary (what: string): Promise<string> {
  const binary = findBinary()
  if (binary !== undefined) return binary
  const external = process.env.VALKEY_URL
  if (external === undefined || external === '') return endFileWithoutValkey()
  await test(what, { skip: `${what} starts servers of its own: it needs valkey-server or redis-server on PATH (VALKEY_URL is one server)` })
  process.exit(0)
}

export async function startValkeyCluster (options: ValkeyClusterOptions = {}): Promise<TestValkeyCluster> {
  const binary = await ownServerBinary('a Valkey Cluster')
  const masterCount = options.masters ?? 3
  const replicaCount = options.replicas ?? 0
  const nodeTimeout = options.nodeTimeout ?? 5000
  const dir = await mkdtemp(join(tmpdir(), 'aiwarp-cluster-'))

  async function startNode (): Promise<TestClusterNode> {
    const port = await freePort()
    let child: ChildProcess | undefined
    async function start (): Promise<void> {
      if (child !== undefined) return
      const spawned = spawn(binary as string, [
        '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
        '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(nodeTimeout),
        // A replica syncs at once (the default waits 5 s for more replicas to share the transfer).
        '--repl-diskless-sync-delay', '0'
      ], { stdio: 'ignore' })
      child = spawned
      spawned.once('exit', function onExit () { if (child === spawned) child = undefined })
      await waitForPing('127.0.0.1', port, 5000)
    }
    async function stop (): Promise<void> {
      const running = child
      if (running === undefined) return
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill('SIGKILL')
      await exited
      child = undefined
    }
    async function command (...args: Array<string | number>): Promise<unknown> {
      const reply = parseReply(await rawCommand('127.0.0.1', port, args.map(String)))
      if (reply instanceof Error) throw new Error(`${args.slice(0, 2).join(' ')} on ${port}: ${reply.message}`)
      return reply
    }
    await start()
    const id = String(await command('CLUSTER', 'MYID'))
    return { port, address: `127.0.0.1:${port}`, id, stop, start, command }
  }

  const masters = await Promise.all(Array.from({ length: masterCount }, startNode))
  const replicas = await Promise.all(Array.from({ length: replicaCount }, startNode))
  const everyNode = [...masters, ...replicas]

  // What redis-cli does: distinct config epochs, contiguous slot ranges, then one MEET each.
  for (const [index, node] of everyNode.entries()) await node.command('CLUSTER', 'SET-CONFIG-EPOCH', index + 1)
  for (const [index, node] of masters.entries()) {
    const first = Math.floor(index * SLOTS / masterCount)
    const last = Math.floor((index + 1) * SLOTS / masterCount) - 1
    await node.command('CLUSTER', 'ADDSLOTS', ...Array.from({ length: last - first + 1 }, (_, offset) => first + offset))
  }
  for (const node of everyNode.slice(1)) await node.command('CLUSTER', 'MEET', '127.0.0.1', masters[0].port)
  for (const replica of replicas) {
    await waitFor('the replica to know its master', async () => String(await replica.command('CLUSTER', 'NODES')).includes(masters[0].id), 10_000)
    await replica.command('CLUSTER', 'REPLICATE', masters[0].id)
  }

  async function slotOwners (node: TestClusterNode): Promise<string> {
    const slots = await node.command('CLUSTER', 'SLOTS') as Array<[number, number, [string, number]]>
    return slots.map(([first, last, owner]) => `${first}-${last}@${owner[1]}`).sort().join(',')
  }

  async function waitUntilHealthy (timeoutMs = 15_000): Promise<void> {
    await waitFor('the cluster to be healthy', async () => {
      const owners = new Set<string>()
      let running = 0
      for (const node of everyNode) {
        let info: string
        try {
          info = String(await node.command('CLUSTER', 'INFO'))
        } catch {
          continue // stopped
        }
        if (!info.includes('cluster_state:ok')) return false
        running++
        owners.add(await slotOwners(node))
      }
      for (const replica of replicas) {
        const replication = await replica.command('INFO', 'replication').catch(() => '')
        if (String(replication).includes('role:slave') && !String(replication).includes('master_link_status:up')) return false
      }
      return running > 0 && owners.size === 1
    }, timeoutMs)
  }

  async function slotOf (key: string): Promise<number> {
    return Number(await masters[0].command('CLUSTER', 'KEYSLOT', key))
  }

  async function ownerOf (key: string): Promise<TestClusterNode> {
    const slot = await slotOf(key)
    const slots = await masters[0].command('CLUSTER', 'SLOTS') as Array<[number, number, [string, number]]>
    const range = slots.find(([first, last]) => slot >= first && slot <= last)
    const owner = everyNode.find((node) => node.port === range?.[2][1])
    if (owner === undefined) throw new Error(`no node serves slot ${slot}`)
    return owner
  }

  return {
    masters,
    replicas,
    seeds: masters.map((node) => node.address),
    ownerOf,
    async moveSlot (key: string, target: TestClusterNode, migrated?: () => Promise<void>): Promise<void> {
      const slot = await slotOf(key)
      const source = await ownerOf(key)
      if (source === target) return
      await target.command('CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id)
      await source.command('CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id)
      while (true) {
        const keys = await source.command('CLUSTER', 'GETKEYSINSLOT', slot, 100) as string[]
        if (keys.length === 0) break
        await source.command('MIGRATE', '127.0.0.1', target.port, '', 0, 5000, 'KEYS', ...keys)
      }
      await migrated?.()
      for (const node of [target, source, ...masters.filter((master) => master !== source && master !== target)]) {
        await node.command('CLUSTER', 'SETSLOT', slot, 'NODE', target.id)
      }
    },
    async keys (): Promise<string[]> {
      const all = await Promise.all(masters.map((node) => node.command('KEYS', '*') as Promise<string[]>))
      return all.flat().sort()
    },
    async flush (): Promise<void> {
      await Promise.all(masters.map((node) => node.command('FLUSHALL')))
    },
    waitUntilHealthy,
    async close (): Promise<void> {
      await Promise.all(everyNode.map((node) => node.stop()))
      await rm(dir, { recursive: true, force: true })
    }
  }
}
