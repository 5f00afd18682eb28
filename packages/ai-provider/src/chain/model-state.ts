// Layer chain/ (choosing a model: fallback chain and policy, model state, rate limits). May import
// transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// Cool-down state of a model lives in the store (`model:<provider:model>`), so every instance
// sharing the store skips a model another instance found failing. The TTL is the window, and
// `until` is compared with the injected clock, so a fake clock restores models in tests.

import type { AiStore } from '../store.ts'
import type { AiModelStatus, Clock } from '../types.ts'
import type { NormalizedModel } from '../options.ts'

/** A model cooling down. */
export interface CoolDown {
  /** Epoch milliseconds at which the model is ready again. */
  until: number
  /** Error code that caused it. */
  reason: string
}

// Built once per model name (the configured models), as the rate keys are.
const stateKeys = new Map<string, string>()

/** Store key of a model's cool-down state. */
export function modelStateKey (modelName: string): string {
  let key = stateKeys.get(modelName)
  if (key === undefined) {
    key = `model:${modelName}`
    stateKeys.set(modelName, key)
  }
  return key
}

/** A state as the store holds it (JSON), read back. */
export function parseCoolDown (stored: string): CoolDown {
  return JSON.parse(stored) as CoolDown
}

/** The model's current cool-down, or undefined when it is ready. */
export async function readCoolDown (store: AiStore, clock: Clock, modelName: string): Promise<CoolDown | undefined> {
  const stored = await store.get(modelStateKey(modelName))
  if (stored === undefined) return undefined
  const state = parseCoolDown(stored)
  return state.until > clock.now() ? state : undefined
}

/** Cool the model down for `windowMs` because of `reason`. */
export async function coolDown (store: AiStore, clock: Clock, modelName: string, windowMs: number, reason: string): Promise<CoolDown> {
  const state: CoolDown = { until: clock.now() + windowMs, reason }
  await store.set(modelStateKey(modelName), JSON.stringify(state), windowMs)
  return state
}

/** Every configured model with its state, in chain order. */
export async function listModelStatuses (store: AiStore, clock: Clock, models: readonly NormalizedModel[]): Promise<AiModelStatus[]> {
  const states = await Promise.all(models.map(function readState (model) {
    return readCoolDown(store, clock, model.name)
  }))
  return models.map(function toStatus (model, index): AiModelStatus {
    const state = states[index]
    const status: AiModelStatus = { name: model.name, provider: model.provider, model: model.model, type: model.type, state: 'ready', capabilities: model.capabilities }
    if (state !== undefined) {
      status.state = 'cooling-down'
      status.until = new Date(state.until).toISOString()
      status.reason = state.reason
    }
    return status
  })
}
