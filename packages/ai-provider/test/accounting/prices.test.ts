import { test } from 'node:test'
import assert from 'node:assert/strict'
import { costOf, inCurrency, pricedUsage } from '../../src/accounting/prices.ts'
import { estimatePromptTokens, estimateTextTokens } from '../../src/accounting/token-estimate.ts'
import { normalizeOptions } from '../../src/options.ts'

function modelWithPrice (price: { input: number, output: number, cachedInput?: number } | undefined) {
  return normalizeOptions({
    providers: { openai: { apiKey: 'k' } },
    models: [price === undefined ? 'openai:m' : { provider: 'openai', model: 'm', price }]
  }).models[0]
}

test('a cost is counted in billionths: prompt, cached prompt and completion each at their price per million', () => {
  const model = modelWithPrice({ input: 0.15, output: 0.6, cachedInput: 0.075 })
  assert.deepEqual(model.price, { input: 150, output: 600, cachedInput: 75 })
  // 1000 prompt tokens of which 400 cached, 200 completion: 600 × 150 + 400 × 75 + 200 × 600.
  assert.equal(costOf(model.price!, { promptTokens: 1000, cachedPromptTokens: 400, completionTokens: 200 }), 240_000)
  assert.equal(inCurrency(240_000), 0.00024)
})

test('without cachedInput a cached token costs an input token; more cached tokens than prompt tokens count as the prompt', () => {
  const model = modelWithPrice({ input: 2.5, output: 10 })
  assert.equal(costOf(model.price!, { promptTokens: 10, cachedPromptTokens: 4, completionTokens: 1 }), 10 * 2500 + 10_000)
  assert.equal(costOf(model.price!, { promptTokens: 10, cachedPromptTokens: 50, completionTokens: 0 }), 25_000)
})

test('fractions of a billionth are rounded once, on the request, not per token', () => {
  const model = modelWithPrice({ input: 0.0375, output: 0 })
  assert.equal(costOf(model.price!, { promptTokens: 3, completionTokens: 0 }), 113)
})

test('pricedUsage adds cost when the model has a price and leaves the usage alone otherwise', () => {
  const usage = { promptTokens: 9, completionTokens: 4, totalTokens: 13 }
  assert.deepEqual(pricedUsage(modelWithPrice({ input: 0.15, output: 0.6 }), usage), { ...usage, cost: 0.00000375 })
  assert.equal(pricedUsage(modelWithPrice(undefined), usage), usage)
  assert.equal(pricedUsage(modelWithPrice({ input: 1, output: 1 }), undefined), undefined)
})

test('estimates: about four characters per token, four more per message', () => {
  assert.equal(estimateTextTokens(''), 0)
  assert.equal(estimateTextTokens('12345'), 2)
  assert.equal(estimatePromptTokens([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Why is the sky blue?' }]), 8 + 8)
})
