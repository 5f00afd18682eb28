// Layer openai/ (the OpenAI-compatible routes and their wire format). May import sse/ and the base
// files; see docs/architecture.md.

import { AiModelNotConfiguredError, AiOptionsError } from '@platformatic/ai-provider'
import type { OpenAiModel, OpenAiModelList } from './types.ts'

/**
 * The names a request's `model` can take: configured models (`provider:model`), a configured
 * model's bare name (`gpt-4o-mini`, so code written for OpenAI works unchanged), aliases and
 * `default`.
 */
export interface ModelCatalog {
  /**
   * The chain to try for a `model`: the models of an alias, the one configured model, every
   * configured model of that bare name (in config order), or undefined for `default` (every
   * configured model, in order). Unknown: AI_MODEL_NOT_CONFIGURED.
   */
  resolve (model: string): string[] | undefined
  /** `GET /v1/models` */
  list (): OpenAiModelList
  /** One entry of the list; AI_MODEL_NOT_CONFIGURED when unknown. */
  get (model: string): OpenAiModel
}

const DEFAULT_ALIAS = 'default'
const ALIAS_OWNER = 'ai-warp'

/** The provider of a configured `provider:model` name. */
function providerOf (name: string): string {
  return name.slice(0, name.indexOf(':'))
}

function checkAliases (aliases: Record<string, string[]>, configured: Set<string>): void {
  for (const [name, models] of Object.entries(aliases)) {
    if (name === '') throw new AiOptionsError('openai.aliases: an alias name must not be empty')
    if (configured.has(name)) {
      throw new AiOptionsError(`openai.aliases.${name}: "${name}" is already a configured model name`)
    }
    if (!Array.isArray(models) || models.length === 0) {
      throw new AiOptionsError(`openai.aliases.${name} must be a non-empty array of configured models, got ${JSON.stringify(models)}`)
    }
    for (const model of models) {
      if (!configured.has(model)) {
        throw new AiOptionsError(`openai.aliases.${name}: "${String(model)}" is not a configured model (configured: ${[...configured].join(', ')})`)
      }
    }
  }
}

/**
 * Build the catalog once, when the routes are registered: configured models and aliases do not
 * change while the server runs, and a bad alias must fail start-up, not a request.
 */
export function createModelCatalog (configured: string[], aliases: Record<string, string[]> = {}, created = Math.floor(Date.now() / 1000)): ModelCatalog {
  const configuredSet = new Set(configured)
  checkAliases(aliases, configuredSet)
  const chains = new Map<string, string[] | undefined>([[DEFAULT_ALIAS, undefined]])
  for (const [name, models] of Object.entries(aliases)) chains.set(name, [...models])
  // A bare model name stands for every configured model of that name, unless a configured
  // name, an alias or `default` already is that name.
  const bareNames = new Map<string, string[]>()
  for (const name of configured) {
    const bare = name.slice(name.indexOf(':') + 1)
    if (configuredSet.has(bare) || chains.has(bare)) continue
    const models = bareNames.get(bare)
    if (models === undefined) bareNames.set(bare, [name])
    else models.push(name)
  }

  function modelEntry (id: string, owner: string): OpenAiModel {
    return { id, object: 'model', created, owned_by: owner }
  }
  const entries = new Map<string, OpenAiModel>()
  for (const name of configured) entries.set(name, modelEntry(name, providerOf(name)))
  for (const [bare, models] of bareNames) {
    const owners = new Set(models.map(providerOf))
    entries.set(bare, modelEntry(bare, owners.size === 1 ? providerOf(models[0]) : ALIAS_OWNER))
  }
  for (const name of chains.keys()) entries.set(name, modelEntry(name, ALIAS_OWNER))
  for (const [bare, models] of bareNames) chains.set(bare, models)
  const list: OpenAiModelList = { object: 'list', data: [...entries.values()] }

  return {
    resolve: function resolveModel (model) {
      if (configuredSet.has(model)) return [model]
      if (chains.has(model)) return chains.get(model)
      throw new AiModelNotConfiguredError(model)
    },
    list: function listModels () {
      return list
    },
    get: function getModel (model) {
      const entry = entries.get(model)
      if (entry === undefined) throw new AiModelNotConfiguredError(model)
      return entry
    }
  }
}
