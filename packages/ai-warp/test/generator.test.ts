import assert from 'node:assert'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Generator } from '../src/lib/generator.ts'
import { packageJson } from '../src/lib/schema.ts'
import { scriptedInquirer } from './helpers/scripted-inquirer.ts'

async function tempDir (t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ai-warp-gen-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function parseEnv (text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((line) => {
    const at = line.indexOf('=')
    return [line.slice(0, at), line.slice(at + 1)]
  }))
}

test('standalone: keys go to .env only, config holds placeholders', async (t) => {
  const dir = await tempDir(t)
  const inquirer = scriptedInquirer({
    targetDirectory: dir,
    port: '3055',
    providers: ['openai', 'gemini', 'openai-compatible'],
    openaiApiKey: 'sk-real-openai-1234',
    geminiApiKey: 'real-gemini-5678',
    compatibleBaseUrl: 'http://127.0.0.1:11434/v1',
    compatibleModel: 'qwen2.5:7b',
    compatibleApiKey: '',
    storage: 'valkey',
    valkeyUrl: 'redis://:secret@cache:6379'
  })
  const generator = new Generator({ inquirer })
  await generator.ask()
  await generator.run()

  assert.ok(inquirer.asked.includes('openaiApiKey'))
  assert.ok(!inquirer.asked.includes('deepseekApiKey'), 'no key asked for a provider not chosen')

  const config = JSON.parse(await readFile(join(dir, 'platformatic.json'), 'utf8'))
  assert.strictEqual(config.module, '@platformatic/ai-warp')
  assert.strictEqual(config.$schema, `https://schemas.platformatic.dev/@platformatic/ai-warp/${packageJson.version}.json`)
  assert.strictEqual(config.server.port, '{PORT}')
  assert.deepStrictEqual(config.ai.providers, {
    openai: { apiKey: '{PLT_OPENAI_API_KEY}', baseUrl: '{PLT_OPENAI_BASE_URL}' },
    gemini: { apiKey: '{PLT_GEMINI_API_KEY}', baseUrl: '{PLT_GEMINI_BASE_URL}' },
    compatible: { type: 'openai-compatible', apiKey: '{PLT_OPENAI_COMPATIBLE_API_KEY}', baseUrl: '{PLT_OPENAI_COMPATIBLE_BASE_URL}' }
  })
  assert.deepStrictEqual(config.ai.models, ['openai:gpt-4o-mini', 'openai:gpt-4o', 'gemini:gemini-2.5-flash', 'compatible:qwen2.5:7b'])
  assert.deepStrictEqual(config.ai.storage, { type: 'valkey', url: '{PLT_VALKEY_URL}' })

  const envText = await readFile(join(dir, '.env'), 'utf8')
  const env = parseEnv(envText)
  assert.strictEqual(env.PLT_OPENAI_API_KEY, 'sk-real-openai-1234')
  assert.strictEqual(env.PLT_GEMINI_API_KEY, 'real-gemini-5678')
  assert.strictEqual(env.PLT_OPENAI_BASE_URL, 'https://api.openai.com')
  assert.strictEqual(env.PLT_OPENAI_COMPATIBLE_BASE_URL, 'http://127.0.0.1:11434/v1')
  assert.strictEqual(env.PLT_VALKEY_URL, 'redis://:secret@cache:6379')
  assert.strictEqual(env.PORT, '3055')
  assert.strictEqual(env.PLT_DEEPSEEK_API_KEY, undefined)

  const sampleText = await readFile(join(dir, '.env.sample'), 'utf8')
  for (const secret of ['sk-real-openai-1234', 'real-gemini-5678', 'secret@cache']) {
    assert.ok(!sampleText.includes(secret), `.env.sample must not contain ${secret}`)
  }
  const sample = parseEnv(sampleText)
  assert.strictEqual(sample.PLT_OPENAI_API_KEY, 'your-openai-api-key')
  assert.strictEqual(sample.PLT_OPENAI_BASE_URL, 'https://api.openai.com')
  assert.strictEqual(sample.PORT, '3055')
  for (const placeholder of JSON.stringify(config).match(/\{[A-Z0-9_]+\}/g) ?? []) {
    assert.ok(placeholder.slice(1, -1) in sample, `${placeholder} is listed in .env.sample`)
  }

  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
  assert.strictEqual(pkg.dependencies['@platformatic/ai-warp'], `^${packageJson.version}`)
  assert.ok(pkg.dependencies.wattpm, 'a standalone project can run wattpm start')
  assert.strictEqual(pkg.scripts.start, 'wattpm start')
  assert.match(await readFile(join(dir, 'README.md'), 'utf8'), /api\/v1\/prompt/)
})

test('inside a Watt project env names carry the application prefix', async (t) => {
  const dir = await tempDir(t)
  const generator = new Generator({ inquirer: scriptedInquirer({ openaiApiKey: 'sk-1', deepseekApiKey: 'sk-2', providers: ['openai', 'deepseek'] }), runtimeConfig: 'watt.json' })
  generator.setConfig({ isRuntimeContext: true, applicationName: 'ai', targetDirectory: dir })
  await generator.ask()
  const { env } = await generator.prepare()
  await generator.writeFiles()

  const config = JSON.parse(await readFile(join(dir, 'watt.json'), 'utf8'))
  assert.strictEqual(config.server, undefined, 'the runtime owns the server block')
  assert.strictEqual(config.ai.providers.openai.apiKey, '{PLT_AI_OPENAI_API_KEY}')
  assert.strictEqual(config.ai.providers.deepseek.apiKey, '{PLT_AI_DEEPSEEK_API_KEY}')
  assert.deepStrictEqual(config.ai.storage, { type: 'memory' })
  assert.strictEqual(env.PLT_AI_OPENAI_API_KEY, 'sk-1')
  assert.strictEqual(env.PLT_AI_DEEPSEEK_API_KEY, 'sk-2')
  assert.strictEqual(generator.config.defaultEnv.PLT_AI_OPENAI_API_KEY, 'your-openai-api-key')
})

test('Anthropic can be chosen: its key asked, hidden in .env, Claude in the chain', async (t) => {
  const dir = await tempDir(t)
  const generator = new Generator({ inquirer: scriptedInquirer({ anthropicApiKey: 'sk-ant-real-9999', providers: ['anthropic', 'openai'], openaiApiKey: 'sk-1' }) })
  generator.setConfig({ targetDirectory: dir })
  await generator.ask()
  const { env } = await generator.prepare()
  await generator.writeFiles()
  const config = JSON.parse(await readFile(join(dir, 'platformatic.json'), 'utf8'))
  assert.deepStrictEqual(config.ai.providers.anthropic, { apiKey: '{PLT_ANTHROPIC_API_KEY}', baseUrl: '{PLT_ANTHROPIC_BASE_URL}' })
  assert.ok(config.ai.models.includes('anthropic:claude-sonnet-4-5'), JSON.stringify(config.ai.models))
  assert.strictEqual(env.PLT_ANTHROPIC_API_KEY, 'sk-ant-real-9999')
  assert.ok(!(await readFile(join(dir, '.env.sample'), 'utf8')).includes('sk-ant-real-9999'))
})
