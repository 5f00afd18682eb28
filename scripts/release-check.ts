// `pnpm release:check`: proves the four published packages work outside this workspace, the
// way a user gets them from npm (SPEC §14, docs/releasing.md). Steps, each printed with its time:
//  1. `pnpm pack` each package (its prepack builds dist/), then read every tarball: no
//     `workspace:` range, exports point at built JS and .d.ts files that are in the tarball,
//     no TypeScript source, and the publishing fields are set.
//  2. Serve the tarballs from a throwaway registry on 127.0.0.1 that knows only our packages
//     and redirects every other request to the real registry, so npm resolves the ranges that
//     will be published (`@platformatic/ai-warp@^0.1.0`, ai-warp's `fastify-ai@0.1.0`…) as is.
//  3. In a temporary project outside the workspace: `npm install` the four, import each from
//     an ESM file (and ai-warp with require(), as Watt loads it), type-check a TypeScript file
//     that uses them with `tsc`.
//  4. Write a project with ai-warp's own Generator (what `wattpm create` runs), `npm install`
//     it unchanged, `npm start` it against the mock provider (its base URL set by env, as the
//     README says env wins over .env), and send the curls of its README.
// Run with `--keep` to keep the temporary folder; it is also kept, and named, when a step fails.

import assert from 'node:assert'
import { spawn } from 'node:child_process'
import type { SpawnOptions } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
/** The published packages, by folder under packages/, in dependency order. */
const publishedFolders = ['ai-provider', 'fastify-ai', 'ai-client', 'ai-warp']
const dependencyFields = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']
const keep = process.argv.includes('--keep')

interface PackedPackage {
  /** The folder under packages/. */
  folder: string
  /** The tarball `pnpm pack` wrote. */
  tarball: string
  /** package.json as it is inside the tarball (publishConfig applied, workspace: replaced). */
  manifest: Record<string, any>
  /** Paths inside the tarball, without the leading `package/`. */
  files: string[]
}

class StepError extends Error {}

/** The longest any one command may take (an npm install on a cold cache takes about a minute). */
const commandTimeout = 5 * 60_000

/** Runs a command to its end, keeping its output (stdout and stderr interleaved). */
function execute (command: string, args: string[], options: SpawnOptions = {}): Promise<{ code: number | null, output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { timeout: commandTimeout, ...options, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout!.on('data', (chunk) => { output += chunk })
    child.stderr!.on('data', (chunk) => { output += chunk })
    child.once('error', reject)
    child.once('close', function commandClosed (code, signal) {
      resolve({ code, output: signal === null ? output : `${output}\n(ended by ${signal}: more than ${commandTimeout / 1000}s?)` })
    })
  })
}

/** Runs a command; rejects with its output when it exits with anything but 0. */
async function run (command: string, args: string[], options: SpawnOptions = {}): Promise<string> {
  const { code, output } = await execute(command, args, options)
  if (code !== 0) throw new StepError(`\`${command} ${args.join(' ')}\` (in ${options.cwd ?? process.cwd()}) exited with ${code}:\n${output}`)
  return output
}

let stepNumber = 0
/** Runs one step, printing its name and time; a failure names the step and ends the check. */
async function step<T> (name: string, work: () => Promise<T>): Promise<T> {
  stepNumber++
  const started = Date.now()
  process.stdout.write(`[${stepNumber}] ${name}…\n`)
  try {
    const result = await work()
    process.stdout.write(`[${stepNumber}] ok (${((Date.now() - started) / 1000).toFixed(1)}s)\n`)
    return result
  } catch (error) {
    throw new StepError(`step ${stepNumber} failed: ${name}\n${error instanceof Error ? (error instanceof StepError ? error.message : error.stack) : String(error)}`)
  }
}

/**
 * npm's environment: our registry, and none of the npm_* variables. pnpm exports its whole
 * configuration to scripts that way (npm_config_globalconfig pointing at pnpm's rc, a silent
 * reporter…); without them npm reads its own .npmrc files, as it does for a user.
 */
function npmEnvironment (registry: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.toLowerCase().startsWith('npm_')) environment[key] = value
  }
  return { ...environment, npm_config_registry: registry, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra }
}

async function packPackage (folder: string, destination: string): Promise<PackedPackage> {
  const target = join(destination, folder)
  await mkdir(target, { recursive: true })
  await run('pnpm', ['pack', '--pack-destination', target], { cwd: join(root, 'packages', folder) })
  const tarballs = readdirSync(target).filter((name) => name.endsWith('.tgz'))
  assert.strictEqual(tarballs.length, 1, `pnpm pack wrote ${tarballs.length} tarballs in ${target}`)
  const tarball = join(target, tarballs[0])
  const listing = await run('tar', ['-tzf', tarball])
  const files = listing.split('\n').filter(Boolean).map((path) => path.replace(/^package\//, ''))
  await run('tar', ['-xzf', tarball, '-C', target, 'package/package.json'])
  const manifest = JSON.parse(await readFile(join(target, 'package', 'package.json'), 'utf8'))
  return { folder, tarball, manifest, files }
}

/** Every string an `exports` map points at. */
function exportTargets (exports: unknown): string[] {
  if (typeof exports === 'string') return [exports]
  if (exports === null || typeof exports !== 'object') return []
  return Object.values(exports).flatMap(exportTargets)
}

/** The problems of one packed package, as sentences; empty when it is fit to publish. */
function packageProblems (packed: PackedPackage, privateNames: Set<string>): string[] {
  const { manifest, files } = packed
  const problems: string[] = []
  for (const field of ['name', 'version', 'description', 'license', 'repository', 'engines', 'files', 'exports']) {
    if (manifest[field] === undefined) problems.push(`has no "${field}"`)
  }
  if (manifest.private === true) problems.push('is private')
  if (!files.some((file) => /^readme\.md$/i.test(file))) problems.push('ships no README.md')
  for (const field of dependencyFields) {
    for (const [name, range] of Object.entries<string>(manifest[field] ?? {})) {
      if (range.startsWith('workspace:') || range.startsWith('file:') || range.startsWith('link:')) {
        problems.push(`${field}.${name} is "${range}", which does not resolve once published`)
      }
      // devDependencies are never installed from a tarball; they may name the private mock.
      if (field !== 'devDependencies' && privateNames.has(name)) {
        problems.push(`${field}.${name} is a private workspace package, never published`)
      }
    }
  }
  const main = manifest.exports?.['.']
  if (typeof main?.types !== 'string' || !main.types.endsWith('.d.ts')) problems.push('exports["."].types is not a .d.ts file')
  if (typeof main?.default !== 'string' || !main.default.endsWith('.js')) problems.push('exports["."].default is not a .js file (Watt loads packages with require(), which needs "default")')
  for (const target of exportTargets(manifest.exports)) {
    const path = target.replace(/^\.\//, '')
    if (!files.includes(path)) problems.push(`exports points at ${target}, which is not in the tarball`)
    if (path.endsWith('.ts') && !path.endsWith('.d.ts')) problems.push(`exports points at TypeScript source ${target} (Node does not strip types under node_modules)`)
  }
  const sources = files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  if (sources.length > 0) problems.push(`ships TypeScript sources: ${sources.slice(0, 3).join(', ')}`)
  return problems
}

/** A registry that serves our tarballs and sends every other request to the real registry. */
async function startLocalRegistry (packed: PackedPackage[], upstream: string): Promise<{ url: string, server: Server }> {
  const tarballs = new Map<string, Buffer>()
  const manifests = new Map<string, { manifest: Record<string, any>, fileName: string, integrity: string, shasum: string }>()
  for (const { tarball, manifest } of packed) {
    const content = await readFile(tarball)
    const fileName = basename(tarball)
    tarballs.set(`/-/tarballs/${fileName}`, content)
    manifests.set(`/${manifest.name}`, {
      manifest,
      fileName,
      integrity: `sha512-${createHash('sha512').update(content).digest('base64')}`,
      shasum: createHash('sha1').update(content).digest('hex')
    })
  }
  let url = ''
  const server = createServer(function serveRegistry (request, reply) {
    // npm asks for `/@scope%2fname`; tarballs are under the paths our documents give.
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname)
    const tarball = tarballs.get(path)
    if (tarball !== undefined) {
      reply.writeHead(200, { 'content-type': 'application/octet-stream' })
      reply.end(tarball)
      return
    }
    const ours = manifests.get(path)
    if (ours === undefined) {
      // Everything that is not ours (wattpm, fastify, typescript…) comes from the real registry.
      reply.writeHead(302, { location: new URL((request.url ?? '/').slice(1), upstream).href })
      reply.end()
      return
    }
    const { manifest, fileName, integrity, shasum } = ours
    reply.writeHead(200, { 'content-type': 'application/json' })
    reply.end(JSON.stringify({
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      versions: {
        [manifest.version]: {
          ...manifest,
          _id: `${manifest.name}@${manifest.version}`,
          dist: { tarball: `${url}-/tarballs/${fileName}`, integrity, shasum }
        }
      }
    }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`
  return { url, server }
}

async function freePort (): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** One `curl` of a README: its URL, headers and body. */
interface Curl { url: string, headers: Record<string, string>, body?: string }

/** The curl commands of the fenced shell blocks of a README (single-quoted arguments, `\` continuations). */
function readmeCurls (readme: string): Curl[] {
  const blocks = [...readme.matchAll(/```(?:sh|bash|shell)[^\n]*\n([\s\S]*?)```/g)].map((match) => match[1])
  const commands = blocks.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n')).filter((line) => /^\s*curl\s/.test(line))
  return commands.map(function parseCurl (command) {
    const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2])
    const curl: Curl = { url: '', headers: {} }
    for (let index = 1; index < words.length; index++) {
      const word = words[index]
      if (word === '-H') {
        const [name, ...value] = words[++index].split(':')
        curl.headers[name.trim().toLowerCase()] = value.join(':').trim()
      } else if (word === '-d' || word === '--data') {
        curl.body = words[++index]
      } else if (/^https?:\/\//.test(word)) {
        curl.url = word
      }
    }
    assert.ok(curl.url !== '', `no URL in the README's \`${command.trim()}\``)
    return curl
  })
}

const esmCheck = `// Written by scripts/release-check.ts: each package imported by name, as a user would.
import assert from 'node:assert'
import { createRequire } from 'node:module'
import * as provider from '@platformatic/ai-provider'
import fastifyAi, * as fastifyAiExports from '@platformatic/fastify-ai'
import * as client from '@platformatic/ai-client'
import * as warp from '@platformatic/ai-warp'

assert.strictEqual(typeof provider.createAi, 'function', 'ai-provider exports createAi')
assert.strictEqual(typeof fastifyAi, 'function', 'fastify-ai has a default export')
assert.strictEqual(fastifyAiExports.fastifyAi, fastifyAi, 'fastify-ai exports fastifyAi')
assert.strictEqual(typeof client.buildClient, 'function', 'ai-client exports buildClient')
for (const name of ['create', 'Generator', 'schema', 'version', 'packageJson']) {
  assert.ok(warp[name] !== undefined, 'ai-warp exports ' + name + ' (SPEC §7)')
}
// The Watt runtime loads a capability with require(): it must work that way too.
const required = createRequire(import.meta.url)('@platformatic/ai-warp')
assert.strictEqual(typeof required.create, 'function', 'require("@platformatic/ai-warp").create')
for (const name of ['@platformatic/ai-provider', '@platformatic/fastify-ai', '@platformatic/ai-client', '@platformatic/ai-warp']) {
  const resolved = import.meta.resolve(name)
  assert.match(resolved, /\\/node_modules\\/@platformatic\\/[^/]+\\/dist\\/index\\.js$/, name + ' resolves to ' + resolved)
}
assert.strictEqual(warp.schema.$id, 'https://schemas.platformatic.dev/@platformatic/ai-warp/' + warp.version + '.json')
console.log('exports: ai-provider ' + Object.keys(provider).length + ', fastify-ai ' + Object.keys(fastifyAiExports).length +
  ', ai-client ' + Object.keys(client).length + ', ai-warp ' + Object.keys(warp).length)
`

const typeScriptCheck = `// Written by scripts/release-check.ts: type-checked with tsc against the published .d.ts files.
// Each @ts-expect-error proves a type is really there: were its declarations missing, the name
// would be \`any\`, the line would compile, and tsc would report the directive as unused.
import type { AiOptions } from '@platformatic/ai-provider'
import { createAi, createMemoryStore } from '@platformatic/ai-provider'
import fastifyAi from '@platformatic/fastify-ai'
import type { FastifyAiOptions } from '@platformatic/fastify-ai'
import type { PromptRequestBody, PromptResponseBody } from '@platformatic/fastify-ai/protocol'
import { buildClient, AiClientError } from '@platformatic/ai-client'
import type { ClientOptions } from '@platformatic/ai-client'
import { create, Generator, version } from '@platformatic/ai-warp'

export async function neverCalled (options: AiOptions, pluginOptions: FastifyAiOptions): Promise<string> {
  const ai = await createAi(options)
  const store = createMemoryStore()
  // @ts-expect-error createAi takes its options
  await createAi()
  const request: PromptRequestBody = { prompt: 'Hello' }
  // @ts-expect-error a prompt is a string
  const wrongRequest: PromptRequestBody = { prompt: 42 }
  const clientOptions: ClientOptions = { url: 'http://127.0.0.1:3042' }
  const client = buildClient(clientOptions)
  // @ts-expect-error buildClient takes options with a url
  buildClient(42)
  const isClientError: boolean = new Error('x') instanceof AiClientError
  // @ts-expect-error version is a string
  const wrongVersion: number = version
  const generator = new Generator({})
  // @ts-expect-error create takes a root folder or a config
  await create(42)
  const answer = {} as PromptResponseBody
  return [typeof ai, typeof store, typeof fastifyAi, typeof pluginOptions, typeof request, typeof wrongRequest,
    typeof client, isClientError, typeof wrongVersion, typeof generator, answer.text].join()
}
`

const consumerTsconfig = {
  compilerOptions: {
    target: 'es2023',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    noEmit: true,
    types: ['node']
  },
  files: ['check.ts']
}

/** Writes a project with ai-warp's Generator from scripted answers, as `wattpm create` does. */
const generateProject = `// Written by scripts/release-check.ts: runs the published Generator with scripted answers
// (what create-wattpm's PLT_USER_INPUT_HANDLER does): \`when\` honoured, other questions take their default.
import { Generator } from '@platformatic/ai-warp'

const answers = { targetDirectory: process.argv[2], providers: ['openai'], openaiApiKey: 'sk-release-check', storage: 'memory' }
const inquirer = {
  async prompt (questions) {
    const given = {}
    for (const question of questions) {
      if (typeof question.when === 'function' && !question.when(given)) continue
      given[question.name] = question.name in answers ? answers[question.name] : question.default
    }
    return given
  }
}
const generator = new Generator({ inquirer })
await generator.ask()
await generator.run()
`

interface Started { output: () => string, stop: () => Promise<void>, exited: () => boolean }

/** Starts a long-running command in its own process group, so stopping it stops its children too. */
function startProcess (command: string, args: string[], options: SpawnOptions): Started {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()))
  return {
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop () {
      if (child.exitCode !== null || child.signalCode !== null) return
      const signalGroup = (signal: NodeJS.Signals) => { try { process.kill(-child.pid!, signal) } catch {} }
      signalGroup('SIGINT')
      const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000)
      await closed
      clearTimeout(timer)
    }
  }
}

async function main (): Promise<void> {
  const started = Date.now()
  const work = await mkdtemp(join(tmpdir(), 'ai-warp-release-check-'))
  assert.ok(relative(root, work).startsWith('..'), `the temporary folder ${work} must be outside the workspace`)
  process.stdout.write(`release:check in ${work}\n`)
  const cleanups: Array<() => Promise<unknown>> = []
  let failed = true
  try {
    const packed: PackedPackage[] = []
    await step(`pnpm pack ${publishedFolders.join(', ')} (prepack builds dist/)`, async () => {
      for (const folder of publishedFolders) {
        packed.push(await packPackage(folder, join(work, 'tarballs')))
        process.stdout.write(`    ${relative(work, packed.at(-1)!.tarball)} (${packed.at(-1)!.files.length} files)\n`)
      }
    })

    await step('read each tarball: publishing fields, exports, no workspace: ranges', async () => {
      const privateNames = new Set<string>()
      for (const folder of readdirSync(join(root, 'packages'))) {
        const manifest = JSON.parse(await readFile(join(root, 'packages', folder, 'package.json'), 'utf8'))
        if (manifest.private === true) privateNames.add(manifest.name)
      }
      const problems = packed.flatMap((packedPackage) => packageProblems(packedPackage, privateNames).map((problem) => `${packedPackage.manifest.name} ${problem}`))
      if (problems.length > 0) throw new StepError(problems.join('\n'))
    })

    const upstream = (await run('npm', ['config', 'get', 'registry'], { cwd: work, env: npmEnvironment('') })).trim()
    const registry = await startLocalRegistry(packed, upstream.endsWith('/') ? upstream : `${upstream}/`)
    cleanups.push(() => new Promise((resolve) => registry.server.close(resolve)))
    process.stdout.write(`    local registry ${registry.url} (our ${packed.length} packages; the rest redirected to ${upstream})\n`)
    const npm = npmEnvironment(registry.url)

    const consumer = join(work, 'consumer')
    await step('npm install the four packages, typescript and @types/node in a new project', async () => {
      await mkdir(consumer)
      const dependencies = Object.fromEntries(packed.map(({ manifest }) => [manifest.name, `^${manifest.version}`]))
      const rootManifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
      const devDependencies = { typescript: rootManifest.devDependencies.typescript, '@types/node': rootManifest.devDependencies['@types/node'] }
      await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'release-check-consumer', private: true, type: 'module', dependencies, devDependencies }, null, 2))
      await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: consumer, env: npm })
    })

    await step('import each package from ESM JavaScript (and ai-warp with require())', async () => {
      await writeFile(join(consumer, 'esm-check.mjs'), esmCheck)
      process.stdout.write(`    ${(await run('node', ['esm-check.mjs'], { cwd: consumer })).trim()}\n`)
    })

    await step('type-check a TypeScript file using each package with tsc (strict, nodenext)', async () => {
      await writeFile(join(consumer, 'check.ts'), typeScriptCheck)
      await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify(consumerTsconfig, null, 2))
      // skipLibCheck stays off so our .d.ts files are checked too; errors in other packages'
      // declarations (@platformatic/foundation imports the untyped `debug`) are not ours to fix
      // and are what skipLibCheck, which most projects set, hides.
      const { code, output } = await execute(join(consumer, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--pretty', 'false'], { cwd: consumer })
      const errors = output.split('\n').filter((line) => /: error TS\d+:/.test(line))
      const oursPattern = new RegExp(`^(check\\.ts|node_modules/(${packed.map(({ manifest }) => manifest.name).join('|')})/)`)
      const ours = errors.filter((line) => oursPattern.test(line))
      if (ours.length > 0 || (code !== 0 && errors.length === 0)) throw new StepError(`tsc exited with ${code}:\n${output}`)
      if (errors.length > 0) process.stdout.write(`    ${errors.length} error(s) in other packages' declarations left aside:\n${errors.map((line) => `      ${line}`).join('\n')}\n`)
    })

    const project = join(work, 'generated')
    const aiWarp = packed.find(({ folder }) => folder === 'ai-warp')!.manifest
    await step('generate a project with the published Generator', async () => {
      await writeFile(join(consumer, 'generate.mjs'), generateProject)
      await run('node', ['generate.mjs', project], { cwd: consumer })
      const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8'))
      assert.strictEqual(manifest.dependencies?.[aiWarp.name], `^${aiWarp.version}`, 'the generated project depends on the generator\'s own version')
      assert.ok(existsSync(join(project, 'README.md')), 'the generated project has a README')
    })

    await step('npm install the generated project as written', async () => {
      await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: project, env: npm })
      const installed = JSON.parse(await readFile(join(project, 'node_modules', '@platformatic', 'ai-warp', 'package.json'), 'utf8'))
      assert.strictEqual(installed.version, aiWarp.version)
    })

    const mock = await step('start the mock provider', async () => {
      const provider = startProcess('node', [join(root, 'packages', 'mock-provider', 'src', 'cli.ts'), '--port', '0'], { cwd: root })
      cleanups.push(provider.stop)
      for (let attempt = 0; attempt < 100; attempt++) {
        const url = /listening on (\S+)/.exec(provider.output())?.[1]
        if (url !== undefined) return { url }
        if (provider.exited()) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      throw new StepError(`the mock provider did not start:\n${provider.output()}`)
    })

    const port = await freePort()
    const server = await step(`npm start the generated project on port ${port}, provider base URL ${mock.url}`, async () => {
      const server = startProcess('npm', ['start'], {
        cwd: project,
        env: npmEnvironment(registry.url, { PORT: String(port), PLT_SERVER_HOSTNAME: '127.0.0.1', PLT_OPENAI_BASE_URL: mock.url, PLT_SERVER_LOGGER_LEVEL: 'warn' })
      })
      cleanups.push(server.stop)
      for (let attempt = 0; attempt < 600; attempt++) {
        if (server.exited()) break
        const answered = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false)
        if (answered) return server
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      throw new StepError(`npm start did not listen on ${port}${server.exited() ? ' (it exited)' : ' within 60s'}:\n${server.output()}`)
    })

    await step('send the curls of the generated README', async () => {
      const curls = readmeCurls(await readFile(join(project, 'README.md'), 'utf8'))
      assert.ok(curls.length > 0, 'the generated README has no curl')
      for (const curl of curls) {
        // The README's port is PORT from .env; the check chose a free one through the environment.
        const url = new URL(curl.url)
        url.port = String(port)
        const method = curl.body === undefined ? 'GET' : 'POST'
        const response = await fetch(url, { method, headers: curl.headers, body: curl.body })
        const body = await response.text()
        const shown = `${method} ${url.pathname} ${curl.body ?? ''} -> ${response.status}`
        assert.strictEqual(response.status, 200, `${shown}\n${body}\n${server.output()}`)
        if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
          assert.match(body, /^event: content$/m, `${shown}: no content event\n${body}`)
          assert.match(body, /^event: end$/m, `${shown}: no end event\n${body}`)
        } else {
          const answer = JSON.parse(body)
          assert.ok(typeof answer.text === 'string' && answer.text !== '', `${shown}: no text in ${body}`)
        }
        process.stdout.write(`    ${shown}: ${body.length > 120 ? body.slice(0, 117).replace(/\n/g, '\\n') + '…' : body.replace(/\n/g, '\\n')}\n`)
      }
    })
    failed = false
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup()
    if (failed || keep) {
      process.stdout.write(`kept ${work}\n`)
    } else {
      await rm(work, { recursive: true, force: true })
    }
  }
  process.stdout.write(`release:check passed in ${((Date.now() - started) / 1000).toFixed(1)}s\n`)
}

try {
  await main()
} catch (error) {
  process.stderr.write(`\nrelease:check FAILED\n${error instanceof StepError ? error.message : error instanceof Error ? error.stack : String(error)}\n`)
  process.exitCode = 1
}
