// A private Valkey (or Redis) server for one test file: started on a free port with no
// persistence in a temp dir, restartable on the same port (outage tests), or the server of
// VALKEY_URL when that is set (then it cannot be stopped or restarted, and since every file
// flushes it, run the files one at a time: `borp --concurrency 1`). With neither, the run fails
// once with one line saying what to install (see `startValkeyServer`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { statSync, unlinkSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

export interface TestValkeyServer {
  /** `redis://127.0.0.1:PORT` (or VALKEY_URL). */
  url: string
  port: number
  /** True when the helper owns the process (stop/start work). */
  controllable: boolean
  /** Why stop/start are not available (undefined when they are): use it as a `skip` reason. */
  skipControl: string | undefined
  /** Kill the server (SIGKILL: an outage). Kept data is lost, unless it was started with `appendOnly`. */
  stop (): Promise<void>
  /** Start it again on the same port. */
  start (): Promise<void>
  /** FLUSHALL. */
  flush (): Promise<void>
  /** Run one command with the helper's own tiny client and return the raw RESP reply. */
  command (...args: string[]): Promise<string>
  /** Stop for good and remove the temp dir. */
  close (): Promise<void>
}

/** `valkey-server` or `redis-server`, whichever is on PATH. */
export function findBinary (): string | undefined {
  for (const name of ['valkey-server', 'redis-server']) {
    const probe = spawnSync(name, ['--version'], { stdio: 'ignore' })
    if (probe.status === 0) return name
  }
  return undefined
}

export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

function encodeCommand (args: string[]): string {
  let out = `*${args.length}\r\n`
  for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`
  return out
}

/** Send one command over a fresh socket and resolve with the raw reply (enough for tests). */
export function rawCommand (host: string, port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port })
    const chunks: Buffer[] = []
    socket.setTimeout(1000, () => socket.destroy(new Error('valkey-server: no reply')))
    socket.on('connect', function onConnect () { socket.write(encodeCommand(args)) })
    socket.on('data', function onData (chunk) {
      chunks.push(chunk)
      const reply = Buffer.concat(chunks).toString('utf8')
      if (isCompleteReply(reply)) {
        socket.end()
        resolve(reply)
      }
    })
    socket.on('error', reject)
    socket.on('close', function onClose () { reject(new Error('valkey-server closed the connection')) })
  })
}

function isCompleteReply (reply: string): boolean {
  if (!reply.endsWith('\r\n')) return false
  if (reply[0] !== '*' && reply[0] !== '$') return true
  // Multi-line replies: good enough for the short replies tests read (SCAN, KEYS, GET).
  try {
    parseReply(reply)
    return true
  } catch {
    return false
  }
}

/** Parse a RESP2 reply into strings, numbers, null and arrays. */
export function parseReply (reply: string): unknown {
  let position = 0
  function readLine (): string {
    const end = reply.indexOf('\r\n', position)
    if (end === -1) throw new Error('incomplete')
    const line = reply.slice(position, end)
    position = end + 2
    return line
  }
  function read (): unknown {
    const line = readLine()
    const type = line[0]
    const rest = line.slice(1)
    if (type === '+') return rest
    if (type === '-') return new Error(rest)
    if (type === ':') return Number(rest)
    if (type === '$') {
      const length = Number(rest)
      if (length === -1) return null
      const bytes = Buffer.from(reply.slice(position), 'utf8')
      if (bytes.length < length + 2) throw new Error('incomplete')
      const value = bytes.subarray(0, length).toString('utf8')
      position += value.length + 2
      return value
    }
    if (type === '*') {
      const count = Number(rest)
      if (count === -1) return null
      const items: unknown[] = []
      for (let i = 0; i < count; i++) items.push(read())
      return items
    }
    throw new Error(`unexpected reply ${line}`)
  }
  return read()
}

export async function waitForPing (host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (true) {
    try {
      const reply = await rawCommand(host, port, ['PING'])
      if (reply.startsWith('+PONG')) return
    } catch (error) {
      if (Date.now() > deadline) throw error
    }
    if (Date.now() > deadline) throw new Error(`valkey-server on ${port} did not answer PING`)
    await sleep(20)
  }
}

/** What the Valkey tests need, said once when it is missing. */
export const VALKEY_MISSING = 'The Valkey tests need valkey-server or redis-server on PATH (apt install redis-server, or brew install valkey), or VALKEY_URL set to a server they may flush'

/** Why the Valkey tests cannot run here (VALKEY_MISSING), or undefined when they can. */
export function valkeyMissing (): string | undefined {
  const external = process.env.VALKEY_URL
  if (external !== undefined && external !== '') return undefined
  return findBinary() === undefined ? VALKEY_MISSING : undefined
}

// A report older than this comes from an earlier run whose runner had the same pid.
const STALE_REPORT_MS = 12 * 60 * 60 * 1000

/**
 * True for the first test file of this run to find no server. Under a runner (borp, node --test)
 * every file is a child process of the runner, so a marker named after the runner's pid is
 * claimed once per run; a file run on its own always reports.
 */
function firstToReport (): boolean {
  if (process.env.NODE_TEST_CONTEXT === undefined) return true
  const marker = join(tmpdir(), `aiwarp-valkey-missing-${process.ppid}`)
  try {
    if (Date.now() - statSync(marker).mtimeMs > STALE_REPORT_MS) unlinkSync(marker)
  } catch {
    // No marker yet.
  }
  try {
    writeFileSync(marker, String(process.pid), { flag: 'wx' })
    return true
  } catch {
    return false
  }
}

/**
 * End a test file whose tests need a server when there is none: the first file of the run fails
 * one test with the one line of VALKEY_MISSING (no stack: nothing in it is a bug), the others
 * skip one test with that line as the reason. The file's own tests are never defined, so a
 * missing server is one failure per run, not one per file or per test. For helpers that start
 * servers of their own (a cluster) when `findBinary()` finds none.
 */
export async function endFileWithoutValkey (): Promise<never> {
  const first = firstToReport()
  if (first) {
    await test('a Valkey-compatible server for the Valkey tests', function valkeyServerMissing () {
      const error = new Error(VALKEY_MISSING)
      error.stack = VALKEY_MISSING
      throw error
    })
  } else {
    await test('a Valkey-compatible server for the Valkey tests', { skip: VALKEY_MISSING })
  }
  // Let the runner read the report, then stop before the file defines tests that cannot pass.
  await new Promise((resolve) => setImmediate(resolve))
  process.exit(first ? 1 : 0)
}

/** Options of a private server. */
export interface ValkeyServerOptions {
  /** Persist every write to an append-only file (fsync always), so a killed server restarts with its data. */
  appendOnly?: boolean
}

/**
 * A private server (or VALKEY_URL's). Call it at the top level of a test file: with no server at
 * all it ends the file (see endFileWithoutValkey). A test that starts one inside its body takes
 * `{ skip: valkeyMissing() }` instead.
 */
export async function startValkeyServer (options: ValkeyServerOptions = {}): Promise<TestValkeyServer> {
  const external = process.env.VALKEY_URL
  if (external !== undefined && external !== '') return useExternal(external)

  const binary = findBinary()
  if (binary === undefined) return endFileWithoutValkey()
  const dir = await mkdtemp(join(tmpdir(), 'aiwarp-valkey-'))
  const port = await freePort()
  let child: ChildProcess | undefined

  async function start (): Promise<void> {
    if (child !== undefined) return
    const spawned = spawn(binary as string, [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir,
      ...(options.appendOnly === true ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])
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

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    controllable: true,
    skipControl: undefined,
    stop,
    start,
    async flush () { await rawCommand('127.0.0.1', port, ['FLUSHALL']) },
    command: (...args) => rawCommand('127.0.0.1', port, args),
    async close () {
      await stop()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

function useExternal (url: string): TestValkeyServer {
  const parsed = new URL(url)
  const host = parsed.hostname
  const port = Number(parsed.port || 6379)
  async function notControllable (): Promise<void> {
    throw new Error('VALKEY_URL is set: the test server cannot be stopped or started')
  }
  return {
    url,
    port,
    controllable: false,
    skipControl: 'VALKEY_URL is set: this test needs to stop and restart the server',
    stop: notControllable,
    start: notControllable,
    async flush () { await rawCommand(host, port, ['FLUSHALL']) },
    command: (...args) => rawCommand(host, port, args),
    async close () {}
  }
}
