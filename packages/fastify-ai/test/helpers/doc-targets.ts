// What the runnable examples of the docs run against (`run=<target>`), started the way a reader
// starts them, and how one example is run and compared with the output its page shows.
//   demo                   `pnpm demo` (the root package.json's script), in front of its mock
//   examples/watt-project  `wattpm start` in that folder, its .env.sample, the providers on a mock
//   examples/fastify-app   `node server.ts` in that folder, OpenAI on a mock
// The mocks run in demo mode, as `pnpm demo`'s and as the examples' READMEs start theirs
// (`--demo`), so every target prints the same answers.
// A page writes the address a reader has (`http://127.0.0.1:3042`); the example runs with the
// address the test started, and programs get it in AI_WARP_URL too (examples/client-stream).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { assertShape, assertSseShape, assertTextShape, framesOfText, jsonValues, where } from './doc-examples.ts'
import type { Fence } from './doc-examples.ts'

/** The repository. */
export const ROOT = resolve(import.meta.dirname, '../../../..')

/** A server the examples of a page run against. */
export interface Target {
  /** The addresses the pages write for it. */
  origins: string[]
  /** Where it listens. */
  url: string
  close (): Promise<void>
}

/** Variables a reader's shell would not have set and that change what an example does. */
const CLEARED = ['AI_WARP_URL', 'AI_WARP_TOKEN', 'PORT', 'PLT_SERVER_HOSTNAME', 'PLT_OPENAI_API_KEY', 'PLT_DEEPSEEK_API_KEY', 'PLT_GEMINI_API_KEY', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'NODE_TEST_CONTEXT']

function cleanEnv (extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of CLEARED) delete env[name]
  return { ...env, ...extra }
}

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A child process with its output kept, stopped by `stop()`. */
interface Started {
  /** True once the process ended, or could not be started. */
  ended: () => boolean
  output: () => string
  stop: () => Promise<void>
}

function startProcess (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Started {
  const child: ChildProcess = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  let ended = false
  child.stdout?.on('data', (chunk) => { output += chunk })
  child.stderr?.on('data', (chunk) => { output += chunk })
  // A command that cannot be spawned emits `error` and never `exit`.
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => { ended = true; resolve() })
    child.once('error', (error) => { ended = true; output += String(error); resolve() })
  })
  return {
    ended: () => ended,
    output: () => output,
    async stop () {
      if (!ended) child.kill('SIGINT')
      await exited
    }
  }
}

async function waitUntil (check: () => Promise<boolean>, started: Started, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300 && !started.ended(); attempt++) {
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await started.stop()
  assert.fail(`${what} did not start:\n${started.output()}`)
}

async function startDemo (): Promise<Target> {
  const { scripts } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'))
  const [command, file, ...rest] = String(scripts.demo).split(' ')
  assert.ok(command === 'node' && rest.length === 0, `pnpm demo is "${scripts.demo}", not "node <file>"`)
  const demo = startProcess(process.execPath, [file], ROOT, cleanEnv({ PORT: '0' }))
  let url: string | undefined
  await waitUntil(async () => {
    url = /AI Warp is listening at (http:\/\/\S+)/.exec(demo.output())?.[1]
    return url !== undefined
  }, demo, 'pnpm demo')
  return { origins: ['http://127.0.0.1:3042', 'http://localhost:3042'], url: url as string, close: demo.stop }
}

async function startWattProject (): Promise<Target> {
  const dir = join(ROOT, 'examples', 'watt-project')
  const mock = await createMockProvider({ demo: true })
  const port = await freePort()
  const sample = Object.fromEntries((await readFile(join(dir, '.env.sample'), 'utf8')).trim().split('\n').map((line) => line.split('=')))
  const watt = startProcess(join(dir, 'node_modules', '.bin', 'wattpm'), ['start'], dir, cleanEnv({
    ...sample,
    PORT: String(port),
    PLT_SERVER_LOGGER_LEVEL: 'warn',
    PLT_AI_OPENAI_BASE_URL: mock.url,
    PLT_AI_GEMINI_BASE_URL: mock.url
  }))
  const url = `http://127.0.0.1:${port}`
  await waitUntil(async () => (await fetch(`${url}/api/v1/models`)).ok, watt, 'examples/watt-project').catch(async (error) => {
    await mock.close()
    throw error
  })
  return {
    origins: ['http://127.0.0.1:3042'],
    url,
    async close () {
      await watt.stop()
      await mock.close()
    }
  }
}

async function startFastifyApp (): Promise<Target> {
  const dir = join(ROOT, 'examples', 'fastify-app')
  const mock = await createMockProvider({ demo: true })
  const port = await freePort()
  const app = startProcess(process.execPath, ['server.ts'], dir, cleanEnv({ OPENAI_API_KEY: 'any', OPENAI_BASE_URL: mock.url, PORT: String(port), LOG_LEVEL: 'warn' }))
  const url = `http://127.0.0.1:${port}`
  await waitUntil(async () => (await fetch(`${url}/api/v1/models`)).ok, app, 'examples/fastify-app').catch(async (error) => {
    await mock.close()
    throw error
  })
  return {
    origins: ['http://127.0.0.1:3000'],
    url,
    async close () {
      await app.stop()
      await mock.close()
    }
  }
}

/** The targets a `run=` attribute may name. */
export const TARGETS: Record<string, () => Promise<Target>> = {
  demo: startDemo,
  'examples/watt-project': startWattProject,
  'examples/fastify-app': startFastifyApp
}

/** A folder where a JavaScript example finds the packages a reader would have installed. */
let sandbox: Promise<string> | undefined

async function makeSandbox (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ai-warp-doc-examples-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const packages: Record<string, string> = {
    openai: join(ROOT, 'packages/fastify-ai/node_modules/openai'),
    ai: join(ROOT, 'packages/fastify-ai/node_modules/ai'),
    '@ai-sdk/openai-compatible': join(ROOT, 'packages/fastify-ai/node_modules/@ai-sdk/openai-compatible'),
    '@platformatic/ai-client': join(ROOT, 'packages/ai-client')
  }
  for (const [name, path] of Object.entries(packages)) {
    await mkdir(join(dir, 'node_modules', name, '..'), { recursive: true })
    await symlink(path, join(dir, 'node_modules', name), 'dir')
  }
  return dir
}

/** What a program printed and how it ended. */
export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Run the program of a fence (`sh` in the repository, `js` as a module) against `target`. */
export async function runExample (fence: Fence, target: Target, timeout = 60000): Promise<Run> {
  let body = fence.body
  for (const origin of target.origins) body = body.replaceAll(origin, target.url)
  const env = cleanEnv({ AI_WARP_URL: target.url })
  let command: string
  let args: string[]
  if (fence.lang === 'sh') {
    command = 'bash'
    args = ['-e', '-o', 'pipefail', '-c', body]
  } else if (fence.lang === 'js') {
    sandbox ??= makeSandbox()
    const file = join(await sandbox, `${fence.file.replace(/\W/g, '-')}-${fence.line}.mjs`)
    await writeFile(file, body)
    command = process.execPath
    args = [file]
  } else {
    assert.fail(`${where(fence)}: cannot run a ${fence.lang} example`)
  }
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => { stdout += chunk })
  child.stderr.on('data', (chunk) => { stderr += chunk })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
  const [code] = await once(child, 'exit') as [number | null]
  clearTimeout(timer)
  return { code, stdout, stderr }
}

/** Compare what a program printed with the `json`, `sse` or `text` output block of its page. */
export function assertOutput (output: Fence, printed: string): void {
  if (output.lang === 'json') {
    const actual = jsonValues(printed)
    const expected = jsonValues(output.body)
    assert.equal(actual.length, expected.length, 'JSON values printed')
    expected.forEach((value, index) => assertShape(actual[index], value, `value ${index + 1}`))
  } else if (output.lang === 'sse') {
    assertSseShape(framesOfText(printed), framesOfText(output.body))
  } else {
    assertTextShape(printed, output.body)
  }
}

/** Run an example and hold it to its page: exit code 0, and the output the page shows (if it shows one). */
export async function checkExample (run: Fence, output: Fence | undefined, target: Target): Promise<void> {
  const result = await runExample(run, target)
  assert.equal(result.code, 0, `${where(run)}: the example exited with ${result.code}\n${result.stderr}${result.stdout}`)
  if (output === undefined) return
  try {
    assertOutput(output, result.stdout)
  } catch (error) {
    (error as Error).message = `${where(output)}: the example's output is not what the page shows: ${(error as Error).message}\nprinted:\n${result.stdout}`
    throw error
  }
}
