// Layer chain/ (choosing a model: fallback chain and policy, model state, rate limits). May import
// transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.

import type { AiStore, ConsumeResult, GuardedConsumeResult } from '../store.ts'
import type { NormalizedModel } from '../options.ts'
import { modelStateKey } from './model-state.ts'

// Keys of the configured models, built once: a key built per request is a new string the
// store must flatten and hash on every lookup.
const rateKeys = new Map<string, string>()

/** Store key of a model's rate window. */
export function rateKey (modelName: string): string {
  let key = rateKeys.get(modelName)
  if (key === undefined) {
    key = `rate:${modelName}`
    rateKeys.set(modelName, key)
  }
  return key
}

/**
 * Take one unit of the model's `limits.rate` window (atomic in the store, shared by every
 * instance on Valkey). One unit per request routed to the model, retries included.
 */
export function takeRateUnit (store: AiStore, model: NormalizedModel): Promise<ConsumeResult> {
  return store.consume(rateKey(model.name), model.limits.rate.max, model.limits.rate.windowMs)
}

/**
 * Take the unit unless the model cools down (its state is set): one store step
 * (`consumeUnless`, one round trip on Valkey). A store of one's own without it gets a `get`,
 * then the `consume` when no state is set.
 */
export async function takeRateUnitUnlessCooling (store: AiStore, model: NormalizedModel): Promise<GuardedConsumeResult> {
  const guardKey = modelStateKey(model.name)
  if (store.consumeUnless !== undefined) return store.consumeUnless(guardKey, rateKey(model.name), model.limits.rate.max, model.limits.rate.windowMs)
  const guard = await store.get(guardKey)
  return guard === undefined ? { unit: await takeRateUnit(store, model) } : { guard }
}
