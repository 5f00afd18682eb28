import type { AiStore, ConsumeResult } from './store.ts'
import type { NormalizedModel } from './options.ts'

/** Store key of a model's rate window. */
export function rateKey (modelName: string): string {
  return `rate:${modelName}`
}

/**
 * Take one unit of the model's `limits.rate` window (atomic in the store, shared by every
 * instance on Valkey). One unit per request routed to the model, retries included.
 */
export function takeRateUnit (store: AiStore, model: NormalizedModel): Promise<ConsumeResult> {
  return store.consume(rateKey(model.name), model.limits.rate.max, model.limits.rate.windowMs)
}
