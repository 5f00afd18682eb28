// A private Sentinel group for one test file, from `valkey-server` or `redis-server` alone (the
// server runs as a sentinel with `--sentinel`; no separate binary): a primary, one replica and
// one sentinel watching them, on free ports, without persistence. `failover()` asks the sentinel
// to promote the replica (SENTINEL FAILOVER) and waits until the group has switched.
import { waitUntil } from './checks.ts'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, parseReply, rawCommand, waitForPing } from './valkey-server.ts'
import { ownServerBinary } from './valkey-cluster.ts'

export interface TestSentinelNode {
  port: number
  /** One command through the helper's raw client, its reply parsed; an error reply rejects. */
  command (...args: Array<string | number>): Promise<unknown>
}

export interface TestSentinelGroup {
  /** The group's name (`sentinel monitor <name> …`). */
  name: string
  /** `127.0.0.1:PORT` of the sentinel. */
  sentinels: string[]
  /** The two servers: the primary at start, then the replica. */
  servers: TestSentinelNode[]
  sentinel: TestSentinelNode
  /** The server the sentinel names as primary now. */
  primary (): Promise<TestSentinelNode>
  /**
   * Resolve once the replica has every write the primary has taken so far (its offset in the
   * primary's INFO). WAIT would not do: it counts the writes of its own connection.
   */
  replicated (): Promise<void>
  /** Promote the replica with SENTINEL FAILOVER; resolves once the sentinel names it and it is a primary. */
  failover (): Promise<TestSentinelNode>
  close (): Promise<void>
}

const NAME = 'aiwarp'

export async function startSentinelGroup (): Promise<TestSentinelGroup> {
  const binary = await ownServerBinary('a Sentinel group')
  const dir = await mkdtemp(join(tmpdir(), 'aiwarp-sentinel-'))
  const children: ChildProcess[] = []

  async function run (port: number, args: string[]): Promise<TestSentinelNode> {
    children.push(spawn(binary, args, { stdio: 'ignore' }))
    await waitForPing('127.0.0.1', port, 5000)
    return {
      port,
      async command (...command: Array<string | number>): Promise<unknown> {
        const reply = parseReply(await rawCommand('127.0.0.1', port, command.map(String)))
        if (reply instanceof Error) throw new Error(`${command.slice(0, 2).join(' ')} on ${port}: ${reply.message}`)
        return reply
      }
    }
  }

  const serverArgs = (port: number): string[] => [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
    // A replica syncs at once (the default waits 5 s for more replicas to share the transfer).
    '--repl-diskless-sync-delay', '0'
  ]
  const [primaryPort, replicaPort, sentinelPort] = await Promise.all([freePort(), freePort(), freePort()])
  const primary = await run(primaryPort, serverArgs(primaryPort))
  const replica = await run(replicaPort, [...serverArgs(replicaPort), '--replicaof', '127.0.0.1', String(primaryPort)])
  // A sentinel rewrites its configuration file: it must be its own, and writable.
  const configFile = join(dir, 'sentinel.conf')
  await writeFile(configFile, [
    `port ${sentinelPort}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    `sentinel monitor ${NAME} 127.0.0.1 ${primaryPort} 1`,
    `sentinel down-after-milliseconds ${NAME} 1000`,
    `sentinel failover-timeout ${NAME} 5000`,
    ''
  ].join('\n'))
  const sentinel = await run(sentinelPort, [configFile, '--sentinel'])
  const servers = [primary, replica]

  async function primaryNow (): Promise<TestSentinelNode> {
    const [, port] = await sentinel.command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME) as [string, string]
    const found = servers.find((server) => server.port === Number(port))
    if (found === undefined) throw new Error(`the sentinel names an unknown primary on ${port}`)
    return found
  }

  async function roleOf (server: TestSentinelNode): Promise<string> {
    return /role:(\w+)/.exec(String(await server.command('INFO', 'replication')))?.[1] ?? ''
  }

  // The sentinel can fail over once it knows the replica and sees it in sync.
  await waitFor('the sentinel to see the replica in sync', async () => {
    const replicas = await sentinel.command('SENTINEL', 'REPLICAS', NAME) as string[][]
    return replicas.some((fields) => fields.includes(String(replicaPort)) && fields[fields.indexOf('master-link-status') + 1] === 'ok')
  })

  return {
    name: NAME,
    sentinels: [`127.0.0.1:${sentinelPort}`],
    servers,
    sentinel,
    primary: primaryNow,
    async replicated (): Promise<void> {
      const primary = await primaryNow()
      const info = String(await primary.command('INFO', 'replication'))
      const target = Number(/master_repl_offset:(\d+)/.exec(info)?.[1])
      await waitFor('the replica to catch up', async () => {
        const offsets = /slave0:.*offset=(\d+)/.exec(String(await primary.command('INFO', 'replication')))
        return offsets !== null && Number(offsets[1]) >= target
      })
    },
    async failover (): Promise<TestSentinelNode> {
      const before = await primaryNow()
      const promoted = servers.find((server) => server !== before) as TestSentinelNode
      await sentinel.command('SENTINEL', 'FAILOVER', NAME)
      // The old primary is turned into a replica later, when the sentinel next looks at it.
      await waitFor('the failover', async () => (await primaryNow()) === promoted && await roleOf(promoted) === 'master')
      return promoted
    },
    async close (): Promise<void> {
      await Promise.all(children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGKILL')
        await exited
      }))
      await rm(dir, { recursive: true, force: true })
    }
  }
}

function waitFor (what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  return waitUntil(what, check, timeoutMs)
}
