// The `wattpm create` generator (SPEC §7): asks for providers, their keys (hidden), storage and
// the port, and writes a project whose config only holds `{PLT_…}` placeholders. Real keys go to
// `.env`, never to `.env.sample`. Env names match the original AI Warp (PLT_OPENAI_API_KEY…);
// inside a Watt project Platformatic prefixes them with the application name (PLT_AI_OPENAI_API_KEY).

import type { ConfigFieldDefinition, JSONValue } from '@platformatic/generators'
import { Generator as ServiceGenerator } from '@platformatic/service'
import { packageJson, version } from './schema.ts'
import { generatedReadme } from './generator-readme.ts'

/** The providers a generated project can use. */
export type GeneratedProvider = 'openai' | 'deepseek' | 'gemini' | 'anthropic' | 'openai-compatible'

interface ProviderTemplate {
  label: string
  /** Env var prefix, e.g. `PLT_OPENAI` → `PLT_OPENAI_API_KEY`. */
  env: string
  /** Key in `ai.providers`. */
  key: string
  defaultBaseUrl: string
  models: string[]
}

const PROVIDERS: Record<GeneratedProvider, ProviderTemplate> = {
  openai: { label: 'OpenAI', env: 'PLT_OPENAI', key: 'openai', defaultBaseUrl: 'https://api.openai.com', models: ['gpt-4o-mini', 'gpt-4o'] },
  deepseek: { label: 'DeepSeek', env: 'PLT_DEEPSEEK', key: 'deepseek', defaultBaseUrl: 'https://api.deepseek.com', models: ['deepseek-chat'] },
  gemini: { label: 'Gemini', env: 'PLT_GEMINI', key: 'gemini', defaultBaseUrl: 'https://generativelanguage.googleapis.com', models: ['gemini-2.5-flash'] },
  anthropic: { label: 'Anthropic (Claude)', env: 'PLT_ANTHROPIC', key: 'anthropic', defaultBaseUrl: 'https://api.anthropic.com', models: ['claude-sonnet-4-5'] },
  'openai-compatible': { label: 'OpenAI-compatible (Ollama, vLLM, OpenRouter…)', env: 'PLT_OPENAI_COMPATIBLE', key: 'compatible', defaultBaseUrl: 'http://127.0.0.1:11434/v1', models: [] }
}

const PROVIDER_NAMES = Object.keys(PROVIDERS) as GeneratedProvider[]
/**
 * The address a generated project binds: this machine only. The service generator's default,
 * 0.0.0.0, would put a gateway holding real keys, without auth, on the network.
 */
const DEFAULT_HOSTNAME = '127.0.0.1'
const DEFAULT_VALKEY_URL = 'redis://127.0.0.1:6379'
const DEFAULT_COMPATIBLE_MODEL = 'llama3.2'

interface Question {
  name: string
  when?: (answers: Record<string, unknown>) => boolean
  [key: string]: unknown
}

function chose (provider: GeneratedProvider) {
  return function providerChosen (answers: Record<string, unknown>): boolean {
    return Array.isArray(answers.providers) && answers.providers.includes(provider)
  }
}

/** Generator of AI Warp applications, used by `wattpm create` (and usable on its own). */
export class Generator extends ServiceGenerator {
  constructor (options: Record<string, unknown> = {}) {
    super({ ...options, module: packageJson.name })
  }

  override getDefaultConfig (): Record<string, JSONValue> {
    return {
      ...super.getDefaultConfig(),
      hostname: DEFAULT_HOSTNAME,
      plugin: false,
      tests: false,
      skipTypescript: true,
      providers: ['openai'],
      storage: 'memory',
      valkeyUrl: DEFAULT_VALKEY_URL,
      compatibleBaseUrl: PROVIDERS['openai-compatible'].defaultBaseUrl,
      compatibleModel: DEFAULT_COMPATIBLE_MODEL
    }
  }

  override getConfigFieldsDefinitions (): ConfigFieldDefinition[] {
    const fields: ConfigFieldDefinition[] = super.getConfigFieldsDefinitions().map(function localHost (field: ConfigFieldDefinition) {
      return field.var === 'PLT_SERVER_HOSTNAME' ? { ...field, default: DEFAULT_HOSTNAME } : field
    })
    for (const name of PROVIDER_NAMES) {
      const { env, label } = PROVIDERS[name]
      fields.push({ var: `${env}_API_KEY`, label: `What is your ${label} API key?`, default: '', type: 'string' })
    }
    return fields
  }

  /** Ask the questions with the `inquirer` given to the constructor and keep the answers. */
  async ask (): Promise<void> {
    // @ts-ignore: ask() is missing from the generators' typings
    await super.ask()
  }

  async prepareQuestions (): Promise<void> {
    // @ts-ignore: prepareQuestions is missing from the generators' typings
    await super.prepareQuestions()
    const questions = this.questions as Question[]
    const port = questions.find((question) => question.name === 'port')
    if (port !== undefined) port.default = String(this.config.port ?? 3042)

    questions.push({
      type: 'checkbox',
      name: 'providers',
      message: 'Which AI providers do you want to use?',
      choices: PROVIDER_NAMES.map((name) => ({ name: PROVIDERS[name].label, value: name, checked: name === 'openai' })),
      validate: function atLeastOneProvider (chosen: unknown[]) { return chosen.length > 0 || 'Choose at least one provider' }
    })
    for (const name of PROVIDER_NAMES) {
      if (name === 'openai-compatible') {
        questions.push({ type: 'input', name: 'compatibleBaseUrl', message: 'What is the base URL of the OpenAI-compatible server (with its /v1)?', default: PROVIDERS[name].defaultBaseUrl, when: chose(name) })
        questions.push({ type: 'input', name: 'compatibleModel', message: 'Which model of the OpenAI-compatible server?', default: DEFAULT_COMPATIBLE_MODEL, when: chose(name) })
      }
      questions.push({
        type: 'password',
        name: `${PROVIDERS[name].key}ApiKey`,
        message: `What is your ${PROVIDERS[name].label} API key?${name === 'openai-compatible' ? ' (empty if none)' : ''}`,
        mask: '*',
        when: chose(name)
      })
    }
    questions.push({
      type: 'select',
      name: 'storage',
      message: 'Where should sessions and limits be stored?',
      default: 'memory',
      choices: [
        { name: 'In memory (one instance)', value: 'memory' },
        { name: 'Valkey / Redis (several instances share it)', value: 'valkey' }
      ]
    })
    questions.push({
      type: 'input',
      name: 'valkeyUrl',
      message: 'What is the Valkey URL?',
      default: DEFAULT_VALKEY_URL,
      when: function valkeyChosen (answers: Record<string, unknown>) { return answers.storage === 'valkey' }
    })
  }

  /** The chosen providers, in the order of the fallback chain. */
  chosenProviders (): GeneratedProvider[] {
    const chosen = this.config.providers as unknown
    const list = Array.isArray(chosen) ? chosen : [chosen]
    return PROVIDER_NAMES.filter((name) => list.includes(name))
  }

  /** Add an env var whose real value goes to `.env` and a placeholder to `.env.sample`. */
  addSecretEnvVar (name: string, value: string, placeholder: string): void {
    // @ts-ignore: `default` is missing from AddEnvVarOptions
    this.addEnvVar(name, value, { overwrite: true, default: false })
    this.config.defaultEnv[this.getEnvVarName(name)] = placeholder
  }

  override async _beforePrepare (): Promise<void> {
    await super._beforePrepare()
    if (this.config.isUpdating) return

    for (const name of this.chosenProviders()) {
      const { env, defaultBaseUrl, key } = PROVIDERS[name]
      const apiKey = String(this.config[`${key}ApiKey`] ?? '')
      this.addSecretEnvVar(`${env}_API_KEY`, apiKey, name === 'openai-compatible' ? '' : `your-${key}-api-key`)
      const baseUrl = name === 'openai-compatible' ? String(this.config.compatibleBaseUrl) : defaultBaseUrl
      // @ts-ignore: `default` is missing from AddEnvVarOptions
      this.addEnvVar(`${env}_BASE_URL`, baseUrl, { overwrite: true, default: true })
    }
    if (this.config.storage === 'valkey') {
      this.addSecretEnvVar('PLT_VALKEY_URL', String(this.config.valkeyUrl), DEFAULT_VALKEY_URL)
    }
    if (!this.config.isRuntimeContext) {
      // @ts-ignore: `default` is missing from AddEnvVarOptions
      this.addEnvVar('PORT', Number(this.config.port ?? 3042), { overwrite: true, default: true })
    }

    this.config.dependencies = { [packageJson.name]: `^${version}` }
    if (!this.config.isRuntimeContext) {
      // A standalone project starts with `wattpm start`; in a Watt project the root has wattpm.
      this.config.dependencies.wattpm = '^3.67.0'
    }
  }

  override async _getConfigFileContents (): Promise<Record<string, JSONValue>> {
    const base = await super._getConfigFileContents()
    const placeholder = (name: string) => `{${this.getEnvVarName(name)}}`
    const providers: Record<string, Record<string, string>> = {}
    const models: string[] = []
    for (const name of this.chosenProviders()) {
      const { env, key } = PROVIDERS[name]
      providers[key] = {
        ...(name === 'openai-compatible' ? { type: 'openai-compatible' } : {}),
        apiKey: placeholder(`${env}_API_KEY`),
        baseUrl: placeholder(`${env}_BASE_URL`)
      }
      const names = name === 'openai-compatible' ? [String(this.config.compatibleModel)] : PROVIDERS[name].models
      models.push(...names.map((model) => `${key}:${model}`))
    }
    const storage = this.config.storage === 'valkey'
      ? { type: 'valkey', url: placeholder('PLT_VALKEY_URL') }
      : { type: 'memory' }

    return {
      ...base,
      $schema: `https://schemas.platformatic.dev/@platformatic/ai-warp/${version}.json`,
      module: packageJson.name,
      ai: { providers, models, limits: { maxTokens: 1000 }, storage }
    }
  }

  override async _afterPrepare (): Promise<void> {
    await super._afterPrepare()
    if (this.config.isUpdating) return
    this.addFile({ path: '', file: 'README.md', contents: generatedReadme(this.config.isRuntimeContext === true) })
  }
}
