import assert from 'node:assert'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import { create } from '../src/index.ts'
import { closestKey } from '../src/lib/config-errors.ts'
import { Generator } from '../src/lib/generator.ts'
import { scriptedInquirer } from './helpers/scripted-inquirer.ts'

const silent = { logger: { level: 'silent' } }

async function startFails (config: Record<string, unknown>): Promise<Error> {
  let app: Awaited<ReturnType<typeof create>> | undefined
  try {
    app = await create(import.meta.dirname, { server: silent, ...config })
    await app.start({ listen: false })
  } catch (error) {
    await app?.stop().catch(() => {})
    return error as Error
  }
  await app.stop()
  throw new Error('start-up should have failed')
}

const providers = { openai: { apiKey: 'sk' } }

test('a negative rate max fails start-up naming the path, the key and the value', async () => {
  const error = await startFails({ ai: { providers, models: ['openai:gpt-4o-mini'], limits: { rate: { max: -1, timeWindow: '30s' } } } })
  assert.strictEqual((error as { code?: string }).code, 'AI_OPTIONS_INVALID')
  assert.strictEqual(error.message, 'Invalid AI Warp options: the configuration has a problem:\n/ai/limits/rate: "max" must be >= 1, got -1')
})

test('a misspelt key is named with the closest valid one, in its object or the one around it', async () => {
  const typo = await startFails({ ai: { providers, models: ['openai:x'], maxPromtLength: 10 } })
  assert.deepStrictEqual((typo as { problems?: string[] }).problems, ['/ai: unknown option "maxPromtLength" (did you mean "maxPromptLength"?)'])
  const misplaced = await startFails({ ai: { providers, models: ['openai:x'], limits: { maxPromtLength: 10 } } })
  assert.deepStrictEqual((misplaced as { problems?: string[] }).problems, ['/ai/limits: unknown option "maxPromtLength" (did you mean "maxPromptLength" in /ai?)'])
  const nested = await startFails({ ai: { providers: { openai: { apiKee: 'sk' } }, models: ['openai:x', { provider: 'openai', model: 'y', limts: {} }] } })
  assert.deepStrictEqual((nested as { problems?: string[] }).problems, [
    '/ai/providers/openai: unknown option "apiKee" (did you mean "apiKey"?)',
    '/ai/models/1: unknown option "limts" (did you mean "limits"?)'
  ])
  const far = await startFails({ ai: { providers, models: ['openai:x'], somethingElse: true } })
  assert.deepStrictEqual((far as { problems?: string[] }).problems, ['/ai: unknown option "somethingElse"'])
})

test('one line per problem: wrong types, values out of a list, missing options', async () => {
  const error = await startFails({ ai: { models: ['nocolon'], storage: { type: 'redis' }, limits: { maxTokens: 'many' } } })
  assert.deepStrictEqual((error as { problems?: string[] }).problems, [
    '/ai: missing option "providers"',
    '/ai/models: item 0 must be "provider:model", got "nocolon"',
    '/ai/limits: "maxTokens" must be an integer, got "many"',
    '/ai/storage: "type" must be one of "memory", "valkey", got "redis"'
  ])
})

test('closestKey suggests only a close and unambiguous key', () => {
  assert.strictEqual(closestKey('maxPromtLength', ['maxPromptLength', 'maxTokens']), 'maxPromptLength')
  assert.strictEqual(closestKey('MaxTokens', ['maxTokens']), 'maxTokens')
  assert.strictEqual(closestKey('retyr', ['retry', 'rate']), 'retry')
  assert.strictEqual(closestKey('storage', ['restore']), undefined)
  assert.strictEqual(closestKey('ab', ['ac', 'ad']), undefined)
})

test('an unknown provider in models fails start-up naming it', async () => {
  const error = await startFails({ ai: { providers, models: ['openai:gpt-4o-mini', 'mistral:large'] } })
  assert.match(error.message, /mistral/)
})

test('the ai section is required and unknown keys are refused', async () => {
  assert.match((await startFails({})).message, /\n\/: missing option "ai"$/)
  const typo = await startFails({ ai: { providers, models: ['openai:x'], limit: {} } })
  assert.match(typo.message, /\n\/ai: unknown option "limit" \(did you mean "limits"\?\)$/)
})

test('a bad time window and a bad caller limit are refused', async () => {
  const window = await startFails({ ai: { providers, models: ['openai:x'], limits: { historyExpiration: '1 week' } } })
  assert.match(window.message, /\n\/ai\/limits: "historyExpiration" must be a time window .*, got "1 week"$/)
  const caller = await startFails({ ai: { providers, models: ['openai:x'] }, callerRateLimit: { max: 0, timeWindow: '1m' } })
  assert.match(caller.message, /\n\/callerRateLimit: "max" must be >= 1, got 0$/)
})

test('auth: JWKS without trusted issuers and jwt without key are refused', async () => {
  const jwks = await startFails({ ai: { providers, models: ['openai:x'] }, auth: { jwt: { jwks: true } } })
  assert.match(jwks.message, /auth\.jwt\.jwks needs auth\.jwt\.jwks\.issuersWhitelist/)
  const nothing = await startFails({ ai: { providers, models: ['openai:x'] }, auth: { jwt: {} } })
  assert.match(nothing.message, /\n\/auth\/jwt: missing option "secret" or "jwks"$/)
})

test('a model overrides one field of the global rate and retry limits (regression: the schema required both)', async () => {
  const app = await create(import.meta.dirname, {
    server: silent,
    ai: {
      providers,
      models: [{ provider: 'openai', model: 'gpt-4o-mini', limits: { rate: { max: 5 }, retry: { max: 0 } } }],
      limits: { rate: { max: 100, timeWindow: '1m' }, retry: { max: 2, interval: 10 } }
    }
  })
  await app.start({ listen: false })
  const response = await app.inject({ method: 'GET', url: '/api/v1/models' })
  await app.stop()
  assert.strictEqual(response.statusCode, 200)
  assert.strictEqual(JSON.parse(response.body as unknown as string).models[0].name, 'openai:gpt-4o-mini')
})

// Under Watt, a worker that fails before it is initialized is replaced, five times, whatever the
// error: a misspelt key printed `/ai/limits: must NOT have additional properties` with its stack
// five times (about 35 lines each) before wattpm gave up. Now: one message, once, exit code 1.
const wattpm = join(resolve(import.meta.dirname, '..'), 'node_modules', '.bin', 'wattpm')

async function wattpmStart (t: TestContext, edit: (config: Record<string, any>) => void): Promise<{ code: number | null, output: string, seconds: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'ai-warp-config-error-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const generator = new Generator({ inquirer: scriptedInquirer({ targetDirectory: dir, providers: ['openai'], openaiApiKey: 'sk-config-error', storage: 'memory' }) })
  await generator.ask()
  await generator.run()
  await mkdir(join(dir, 'node_modules', '@platformatic'), { recursive: true })
  await symlink(resolve(import.meta.dirname, '..'), join(dir, 'node_modules', '@platformatic', 'ai-warp'), 'dir')
  const file = join(dir, 'platformatic.json')
  const config = JSON.parse(await readFile(file, 'utf8'))
  edit(config)
  await writeFile(file, JSON.stringify(config, null, 2))

  const started = performance.now()
  const child = spawn(wattpm, ['start'], { cwd: dir, env: { ...process.env, PORT: '0', PLT_SERVER_LOGGER_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let output = ''
  child.stdout.on('data', (chunk) => { output += chunk })
  child.stderr.on('data', (chunk) => { output += chunk })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { code, output, seconds: (performance.now() - started) / 1000 }
}

/** The message printed once, no worker started again, no stack trace. */
function assertOnce (output: string, message: string): void {
  assert.strictEqual(output.split(message).length - 1, 1, output)
  assert.doesNotMatch(output, /Attempting to initialize a new worker/)
  assert.doesNotMatch(output, /\n\s+at /)
}

test('wattpm: a misspelt key stops start-up once, with one line naming it, and exit code 1', { timeout: 60000 }, async (t) => {
  const { code, output, seconds } = await wattpmStart(t, (config) => { config.ai.limits.maxPromtLength = 5 })
  assert.strictEqual(code, 1, output)
  assertOnce(output, 'Invalid AI Warp options: platformatic.json has a problem:\n/ai/limits: unknown option "maxPromtLength" (did you mean "maxPromptLength" in /ai?)\n')
  assert.ok(seconds < 20, `took ${seconds} s`)
})

test('wattpm: what only the core can check (a model of an unknown provider) stops start-up once too', { timeout: 60000 }, async (t) => {
  const { code, output } = await wattpmStart(t, (config) => { config.ai.models.push('mistral:large') })
  assert.strictEqual(code, 1, output)
  assertOnce(output, 'Invalid AI Warp options: models[2] uses provider "mistral", which is not configured in providers (configured: openai)\n')
})
