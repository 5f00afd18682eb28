// Layer accounting/ (usage, cost and budgets). May import stores/, providers/ and the base files;
// see docs/architecture.md.
//
// The cost of an answer from its model's price. Costs are counted in integer billionths of the
// prices' currency, so that sums in the store (budgets, the usage report) are exact; an answer
// shows its cost in the currency, rounded to billionths.

import type { AiUsage } from '../types.ts'
import type { NormalizedModel, NormalizedPrice } from '../options.ts'

/** Tokens of an answer as a price needs them. */
export interface PricedTokens {
  promptTokens: number
  completionTokens: number
  cachedPromptTokens?: number
}

/** What `tokens` cost at `price`, in integer billionths of its currency. */
export function costOf (price: NormalizedPrice, tokens: PricedTokens): number {
  const cached = Math.min(tokens.cachedPromptTokens ?? 0, tokens.promptTokens)
  return Math.round((tokens.promptTokens - cached) * price.input + cached * price.cachedInput + tokens.completionTokens * price.output)
}

/** Billionths of the currency, in the currency. */
export function inCurrency (billionths: number): number {
  return billionths / 1e9
}

/** The usage as the answer gives it: with its cost when the model has a price. */
export function pricedUsage (model: NormalizedModel, usage: AiUsage | undefined): AiUsage | undefined {
  if (usage === undefined || model.price === undefined) return usage
  return { ...usage, cost: inCurrency(costOf(model.price, usage)) }
}
