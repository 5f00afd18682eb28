// End to end, the way `wattpm create` + `npm start` would run it: the Generator writes a
// project from scripted answers (as create-wattpm's PLT_USER_INPUT_HANDLER does), then the real
// `wattpm start` (3.67) runs it. node_modules/@platformatic/ai-warp in the project is a symlink
// to this package, so the runtime's require('@platformatic/ai-warp') loads the in-repo sources;
// a second run links a copy of the package as npm would publish it (publishConfig exports, dist/).

import assert from 'node:assert'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { Generator } from '../src/lib/generator.ts'
import { scriptedInquirer } from './helpers/scripted-inquirer.ts'
import { accepts, networkAddress } from './helpers/network-address.ts'

const packageRoot = resolve(import.meta.dirname, '..')
const wattpm = join(packageRoot, 'node_modules', '.bin', 'wattpm')

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function tempDir (t: TestContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** A copy of the package as `npm publish` would ship it: publishConfig applied, dist and schema.json. */
async function publishedPackage (t: TestContext): Promise<string> {
  const dir = await tempDir(t, 'ai-warp-published-')
  const manifest = JSON.parse(await readFile(join(packageRoot, 'package.json'), 'utf8'))
  await writeFile(join(dir, 'package.json'), JSON.stringify({ ...manifest, ...manifest.publishConfig }))
  for (const entry of ['dist', 'schema.json', 'node_modules']) {
    await symlink(join(packageRoot, entry), join(dir, entry))
  }
  return dir
}

async function startGeneratedProject (t: TestContext, aiWarpPackage: string): Promise<void> {
  const dir = await tempDir(t, 'ai-warp-project-')
  const mock = await createMockProvider()
  t.after(() => mock.close())

  const generator = new Generator({
    inquirer: scriptedInquirer({ targetDirectory: dir, providers: ['openai'], openaiApiKey: 'sk-generated-e2e', storage: 'memory' })
  })
  await generator.ask()
  await generator.run()
  await mkdir(join(dir, 'node_modules', '@platformatic'), { recursive: true })
  await symlink(aiWarpPackage, join(dir, 'node_modules', '@platformatic', 'ai-warp'), 'dir')

  const port = await freePort()
  // Real environment variables win over .env: point the generated config at the mock. The
  // hostname is the generated .env's.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), PLT_OPENAI_BASE_URL: mock.url, PLT_SERVER_LOGGER_LEVEL: 'warn' }
  delete env.PLT_SERVER_HOSTNAME
  const child = spawn(wattpm, ['start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk) => { output += chunk })
  child.stderr.on('data', (chunk) => { output += chunk })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGINT')
    await exited
  })

  const url = `http://127.0.0.1:${port}`
  let ready = false
  for (let attempt = 0; attempt < 200 && !ready && child.exitCode === null; attempt++) {
    ready = await fetch(new URL('/api/v1/models', url)).then((response) => response.ok, () => false)
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.ok(ready, `wattpm did not start:\n${output}`)

  // Regression: the generated .env said PLT_SERVER_HOSTNAME=0.0.0.0, an unauthenticated gateway
  // open to the network. It binds 127.0.0.1 unless the user sets a host.
  const external = networkAddress()
  if (external !== undefined) assert.equal(await accepts(external, port), false, `reachable on ${external}:${port}`)
  assert.match(await readFile(join(dir, '.env'), 'utf8'), /^PLT_SERVER_HOSTNAME=127\.0\.0\.1$/m)

  const prompt = await fetch(new URL('/api/v1/prompt', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'Hello, who are you?' })
  })
  assert.strictEqual(prompt.status, 200)
  const answer = await prompt.json() as { text: string, model: string }
  assert.strictEqual(answer.text, 'Echo: Hello, who are you?')
  assert.strictEqual(answer.model, 'openai:gpt-4o-mini')
  assert.strictEqual(mock.requests[0].headers.authorization, 'Bearer sk-generated-e2e', 'the key came from the generated .env')

  const stream = await fetch(new URL('/api/v1/stream', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'Tell me a short story' })
  })
  assert.strictEqual(stream.status, 200)
  const text = await stream.text()
  const deltas = [...text.matchAll(/event: content\ndata: (.*)\n/g)].map((match) => JSON.parse(match[1]).response)
  assert.strictEqual(deltas.join(''), 'Echo: Tell me a short story')
  assert.match(text, /event: end\n/)
}

test('a generated project starts with wattpm and answers prompt and stream', { timeout: 60000 }, async (t) => {
  await startGeneratedProject(t, packageRoot)
})

const built = existsSync(join(packageRoot, 'dist', 'index.js'))
test('the built package (dist, publishConfig exports) runs the same project', { timeout: 60000, skip: built ? false : 'run `pnpm build` first' }, async (t) => {
  await startGeneratedProject(t, await publishedPackage(t))
})
