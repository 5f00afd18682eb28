// Layer accounting/ (usage, cost and budgets). May import stores/, providers/ and the base files;
// see docs/architecture.md.
//
// What a request spends (SPEC §12): before its call it reserves its estimate (the prompt's tokens
// plus its maximum output) in the caller's budget window and in the token window of each model
// the chain tries; after the call it settles them to the real usage and records the usage for
// the report, in one store step; a call that did not answer gives its reservations back. The
// reserve is one atomic step per window (`store.reserve`), so instances sharing a Valkey never
// admit more than a window's budget plus the reservation of the last request admitted.

import type { AiStore, SpendAdjustment, SpendCounter } from '../store.ts'
import type { AiMessage, AiRequest, AiUsage, AiUsageQuery, AiUsageReport, Clock, Logger } from '../types.ts'
import type { NormalizedAiOptions, NormalizedModel } from '../options.ts'
import type { RecordedUsage } from './usage-report.ts'
import { AiBudgetExceededError } from '../errors.ts'
import { costOf } from './prices.ts'
import { estimatePromptTokens, estimateTextTokens } from './token-estimate.ts'
import { dayOf, readUsageReport, usageIncrements } from './usage-report.ts'

/** Output tokens a request reserves when nobody bounded them (neither its `maxTokens` nor the model's `limits.maxTokens`). */
export const DEFAULT_OUTPUT_RESERVATION = 4096
/** Usage of a request without a caller is recorded under this name. */
export const ANONYMOUS_CALLER = 'anonymous'

/** Store key of a caller's budget window. */
export function callerBudgetKey (caller: string): string {
  return `budget:${caller}`
}

// Built once per model name, as the rate keys are.
const tokenKeys = new Map<string, string>()

/** Store key of a model's token window. */
export function modelTokensKey (modelName: string): string {
  let key = tokenKeys.get(modelName)
  if (key === undefined) {
    key = `tokens:${modelName}`
    tokenKeys.set(modelName, key)
  }
  return key
}

/** What one request spends, from its estimate to its settlement. */
export interface RequestSpend {
  /**
   * True when something is reserved before a call (a caller budget holds the request, or a
   * candidate has a token window): the prompt's estimate is then needed before the chain starts.
   */
  readonly reserves: boolean
  /** The messages a provider is sent: their estimate is what is reserved, and recorded when a provider reports no usage. */
  estimate (messages: readonly AiMessage[]): void
  /** The prompt's tokens, counted or estimated by the caller (an embedding request's inputs): what is reserved, and recorded when a provider reports no usage. */
  estimateTokens (tokens: number): void
  /** Reserve the estimate in the caller's budget window; AiBudgetExceededError (429) when it is spent. */
  reserveCaller (): Promise<void>
  /** Reserve in `model`'s token window: undefined when admitted (or the model has none), else milliseconds until it ends. */
  reserveModel (model: NormalizedModel): Promise<number | undefined>
  /** `model` did not answer: give its reservation back (best effort: it lapses with its window otherwise). */
  releaseModel (model: NormalizedModel): Promise<void>
  /**
   * `model` answered with `usage` (undefined: the provider reported none, the tokens are
   * estimated from the messages and `text`): settle every reservation and record the usage, in
   * one store step. Never rejects (the answer stands; a failure is logged); later calls do nothing.
   */
  settle (model: NormalizedModel, usage: AiUsage | undefined, text: string): Promise<void>
  /** A stream of `model` failed after `text`: settled as estimated (released when nothing was said). Never rejects. */
  settleFailed (model: NormalizedModel, text: string): Promise<void>
  /** No model answered: give every reservation back. Never rejects. */
  release (): Promise<void>
}

/** Usage, cost and budgets of one Ai instance. */
export interface Accounting {
  /** The spend of one request over its candidate models. */
  begin (request: AiRequest, candidates: readonly NormalizedModel[]): RequestSpend
  /** The usage report of `query`. */
  report (query: AiUsageQuery): Promise<AiUsageReport>
}

async function nothing (): Promise<void> {}

/** The spend of a request that reserves nothing and records nothing (`usage.record: false`, no budget). */
const NO_SPEND: RequestSpend = Object.freeze({
  reserves: false,
  estimate () {},
  estimateTokens () {},
  reserveCaller: nothing,
  async reserveModel () { return undefined },
  releaseModel: nothing,
  settle: nothing,
  settleFailed: nothing,
  release: nothing
})

/** The output a request may produce on `model`: its `maxTokens` capped by the model's, or the default. */
function maxOutput (request: AiRequest, model: NormalizedModel): number {
  const limit = model.limits.maxTokens
  if (request.maxTokens === undefined) return limit ?? DEFAULT_OUTPUT_RESERVATION
  return limit === undefined ? request.maxTokens : Math.min(request.maxTokens, limit)
}

interface Hold {
  windowId: string
  /** What was reserved, by counter. */
  reserved: Record<string, number>
}

export interface AccountingOptions {
  config: NormalizedAiOptions
  store: AiStore
  clock: Clock
  logger: Logger
}

export function createAccounting ({ config, store, clock, logger }: AccountingOptions): Accounting {
  const budget = config.callerBudget
  const recording = config.usage.record

  /**
   * A settlement that failed: a reservation not given back lapses with its window. The store's
   * outage is said by the request and by the connection; anything else is a bug, with its stack.
   */
  function logUnsettled (error: unknown): void {
    const code = (error as { code?: unknown } | null | undefined)?.code
    if (code === 'AI_STORAGE_UNAVAILABLE') logger.debug({ code }, 'could not settle a request\'s usage')
    else logger.error({ err: error }, 'could not settle a request\'s usage')
  }

  function begin (request: AiRequest, candidates: readonly NormalizedModel[]): RequestSpend {
    const caller = request.caller
    const callerBudget = caller === undefined ? undefined : budget
    const reserves = callerBudget !== undefined || candidates.some(function hasTokenWindow (model) { return model.limits.tokens !== undefined })
    if (!reserves && !recording) return NO_SPEND
    let promptTokens = 0
    let callerHold: Hold | undefined
    const modelHolds = new Map<string, Hold>()
    let over = false

    function recordedUsage (model: NormalizedModel, usage: AiUsage | undefined, text: string): RecordedUsage {
      const recorded: RecordedUsage = usage === undefined
        ? { promptTokens, completionTokens: estimateTextTokens(text), cachedPromptTokens: 0, totalTokens: 0, estimated: true }
        : { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, cachedPromptTokens: usage.cachedPromptTokens ?? 0, totalTokens: usage.totalTokens, estimated: false }
      if (usage === undefined) recorded.totalTokens = recorded.promptTokens + recorded.completionTokens
      if (model.price !== undefined) recorded.cost = costOf(model.price, recorded)
      return recorded
    }

    /** The adjustments that settle every hold: the answering model's and the caller's to `spent`, the others' to nothing. */
    function adjustments (answering: string | undefined, spent: RecordedUsage | undefined): SpendAdjustment[] {
      const result: SpendAdjustment[] = []
      if (callerHold !== undefined) {
        const deltas: Record<string, number> = {}
        for (const [field, reserved] of Object.entries(callerHold.reserved)) {
          const actual = spent === undefined ? 0 : field === 'tokens' ? spent.totalTokens : spent.cost ?? 0
          deltas[field] = actual - reserved
        }
        result.push({ key: callerBudgetKey(caller as string), windowId: callerHold.windowId, deltas })
      }
      for (const [name, hold] of modelHolds) {
        const actual = name === answering && spent !== undefined ? spent.totalTokens : 0
        result.push({ key: modelTokensKey(name), windowId: hold.windowId, deltas: { tokens: actual - hold.reserved.tokens } })
      }
      callerHold = undefined
      modelHolds.clear()
      return result
    }

    async function settle (model: NormalizedModel, usage: AiUsage | undefined, text: string): Promise<void> {
      if (over) return
      over = true
      const recorded = recordedUsage(model, usage, text)
      const increments = recording ? usageIncrements(dayOf(clock.now()), caller ?? ANONYMOUS_CALLER, model.name, recorded, config.usage.retentionMs) : []
      await store.settle(adjustments(model.name, recorded), increments).catch(logUnsettled)
    }

    async function release (): Promise<void> {
      if (over) return
      over = true
      const given = adjustments(undefined, undefined)
      if (given.length === 0) return
      await store.settle(given, []).catch(logUnsettled)
    }

    return {
      reserves,
      estimate (messages: readonly AiMessage[]): void {
        promptTokens = estimatePromptTokens(messages)
      },
      estimateTokens (tokens: number): void {
        promptTokens = tokens
      },
      async reserveCaller (): Promise<void> {
        if (callerBudget === undefined) return
        const counters: SpendCounter[] = []
        let output = 0
        let cost = 0
        for (const model of candidates) {
          const most = maxOutput(request, model)
          output = Math.max(output, most)
          if (model.price !== undefined) cost = Math.max(cost, costOf(model.price, { promptTokens, completionTokens: most }))
        }
        if (callerBudget.tokens !== undefined) counters.push({ field: 'tokens', amount: promptTokens + output, max: callerBudget.tokens })
        if (callerBudget.cost !== undefined) counters.push({ field: 'cost', amount: cost, max: callerBudget.cost })
        const result = await store.reserve(callerBudgetKey(caller as string), callerBudget.windowMs, counters)
        if (!result.allowed) {
          const retryAfter = Math.max(1, Math.ceil(result.resetInMs / 1000))
          const spent = result.refusedBy ?? 'tokens'
          const error = new AiBudgetExceededError(spent, retryAfter)
          throw Object.assign(error, { retryAfter, details: { budget: spent, retryAfterSeconds: retryAfter } })
        }
        const reserved: Record<string, number> = {}
        for (const counter of counters) reserved[counter.field] = counter.amount
        callerHold = { windowId: result.windowId, reserved }
      },
      async reserveModel (model: NormalizedModel): Promise<number | undefined> {
        const limit = model.limits.tokens
        if (limit === undefined) return undefined
        const amount = promptTokens + maxOutput(request, model)
        const result = await store.reserve(modelTokensKey(model.name), limit.windowMs, [{ field: 'tokens', amount, max: limit.max }])
        if (!result.allowed) return Math.max(1, result.resetInMs)
        modelHolds.set(model.name, { windowId: result.windowId, reserved: { tokens: amount } })
        return undefined
      },
      async releaseModel (model: NormalizedModel): Promise<void> {
        const hold = modelHolds.get(model.name)
        if (hold === undefined) return
        modelHolds.delete(model.name)
        await store.settle([{ key: modelTokensKey(model.name), windowId: hold.windowId, deltas: { tokens: -hold.reserved.tokens } }], []).catch(logUnsettled)
      },
      settle,
      async settleFailed (model: NormalizedModel, text: string): Promise<void> {
        if (text === '') {
          await release()
          return
        }
        await settle(model, undefined, text)
      },
      release
    }
  }

  return {
    begin,
    report (query: AiUsageQuery): Promise<AiUsageReport> {
      return readUsageReport(store, query, clock.now())
    }
  }
}
