// Layer accounting/ (usage, cost and budgets). May import stores/, providers/ and the base files;
// see docs/architecture.md.
//
// The usage kept per day, caller and model, and its report. A day's usage of one caller is a
// counter hash `usage:<day>:<caller>` with a field per metric and model (`promptTokens|openai:gpt-4o`);
// the day's callers are the fields of `usage:<day>`, so a report over all callers reads the
// day's list and then each caller's hash, never scans the store. Both expire `usage.retention`
// after their last request.

import type { AiStore, CounterIncrement } from '../store.ts'
import type { AiUsageQuery, AiUsageReport, AiUsageRow, AiUsageTotals } from '../types.ts'
import { AiBadRequestError } from '../errors.ts'
import { inCurrency } from './prices.ts'

/** What one request adds to its day's usage. */
export interface RecordedUsage {
  promptTokens: number
  completionTokens: number
  cachedPromptTokens: number
  totalTokens: number
  /** Billionths of the prices' currency, when the model has a price. */
  cost?: number
  /** Its tokens were estimated. */
  estimated: boolean
}

/** The metrics of a usage hash, in the order of a row. */
const METRICS = ['requests', 'promptTokens', 'completionTokens', 'cachedPromptTokens', 'totalTokens', 'cost', 'estimatedRequests'] as const
type Metric = typeof METRICS[number]

const DAY = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 86_400_000
/** The longest report: a year and a day. */
const MAX_DAYS = 367

/** The day `dayOf` last answered, and its bounds: every request of a day asks for the same one. */
let knownDay = ''
let knownDayStart = 0
let knownDayEnd = 0

/** `YYYY-MM-DD` of an epoch millisecond, in UTC. */
export function dayOf (epochMs: number): string {
  if (epochMs >= knownDayStart && epochMs < knownDayEnd) return knownDay
  const start = Math.floor(epochMs / DAY_MS) * DAY_MS
  const day = new Date(start).toISOString().slice(0, 10)
  knownDay = day
  knownDayStart = start
  knownDayEnd = start + DAY_MS
  return day
}

/** The counter names of a model's usage, built once per model (model names come from the configuration). */
interface ModelFields {
  requests: string
  promptTokens: string
  completionTokens: string
  cachedPromptTokens: string
  totalTokens: string
  cost: string
  estimatedRequests: string
}
const modelFields = new Map<string, ModelFields>()

function fieldsOf (model: string): ModelFields {
  let fields = modelFields.get(model)
  if (fields === undefined) {
    fields = {
      requests: `requests|${model}`,
      promptTokens: `promptTokens|${model}`,
      completionTokens: `completionTokens|${model}`,
      cachedPromptTokens: `cachedPromptTokens|${model}`,
      totalTokens: `totalTokens|${model}`,
      cost: `cost|${model}`,
      estimatedRequests: `estimatedRequests|${model}`
    }
    modelFields.set(model, fields)
  }
  return fields
}

/** Store key of a day's list of callers. */
export function dayKey (day: string): string {
  return `usage:${day}`
}

/** Store key of a caller's usage in a day. */
export function callerDayKey (day: string, caller: string): string {
  return `usage:${day}:${caller}`
}

/** The store increments of one request's usage: the caller's day hash and the day's list of callers. */
export function usageIncrements (day: string, caller: string, model: string, usage: RecordedUsage, ttlMs: number): CounterIncrement[] {
  const fields = fieldsOf(model)
  const increments: Record<string, number> = {
    [fields.requests]: 1,
    [fields.promptTokens]: usage.promptTokens,
    [fields.completionTokens]: usage.completionTokens,
    [fields.cachedPromptTokens]: usage.cachedPromptTokens,
    [fields.totalTokens]: usage.totalTokens
  }
  if (usage.cost !== undefined) increments[fields.cost] = usage.cost
  if (usage.estimated) increments[fields.estimatedRequests] = 1
  return [
    { key: callerDayKey(day, caller), increments, ttlMs },
    { key: dayKey(day), increments: { [caller]: 1 }, ttlMs }
  ]
}

function checkDay (value: string, field: string): number {
  const time = DAY.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN
  if (Number.isNaN(time) || dayOf(time) !== value) {
    const error = new AiBadRequestError(`Invalid query field "${field}": must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`)
    throw Object.assign(error, { details: { field, location: 'querystring', reason: 'not a date YYYY-MM-DD' } })
  }
  return time
}

/** The days of the query, first to last: a bad date or range is AiBadRequestError. */
export function daysOf (query: AiUsageQuery, now: number): string[] {
  const to = query.to === undefined ? Date.parse(`${dayOf(now)}T00:00:00Z`) : checkDay(query.to, 'to')
  const from = query.from === undefined ? to : checkDay(query.from, 'from')
  if (from > to) {
    const error = new AiBadRequestError(`Invalid query: "from" (${dayOf(from)}) is after "to" (${dayOf(to)})`)
    throw Object.assign(error, { details: { field: 'from', location: 'querystring', reason: 'after to' } })
  }
  if ((to - from) / DAY_MS >= MAX_DAYS) {
    const error = new AiBadRequestError(`Invalid query: at most ${MAX_DAYS} days from "from" to "to"`)
    throw Object.assign(error, { details: { field: 'from', location: 'querystring', reason: `more than ${MAX_DAYS} days` } })
  }
  const days: string[] = []
  for (let time = from; time <= to; time += DAY_MS) days.push(dayOf(time))
  return days
}

function emptyRow (day: string, caller: string, model: string): AiUsageRow {
  return { day, caller, model, requests: 0, promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, totalTokens: 0, estimatedRequests: 0 }
}

/** The rows of one caller's day hash, one per model, sorted by model (`model` only, when given). */
function rowsOf (day: string, caller: string, counters: Record<string, number>, model: string | undefined): AiUsageRow[] {
  const rows = new Map<string, AiUsageRow>()
  for (const [field, value] of Object.entries(counters)) {
    const separator = field.indexOf('|')
    const metric = field.slice(0, separator) as Metric
    const name = field.slice(separator + 1)
    if (separator < 0 || !METRICS.includes(metric) || (model !== undefined && name !== model)) continue
    let row = rows.get(name)
    if (row === undefined) {
      row = emptyRow(day, caller, name)
      rows.set(name, row)
    }
    row[metric] = value
  }
  return [...rows.values()].sort(function byModel (a, b) { return a.model < b.model ? -1 : a.model > b.model ? 1 : 0 })
}

/** The totals of rows whose cost is still in billionths. */
function totalsOf (rows: readonly AiUsageRow[]): AiUsageTotals {
  const totals: AiUsageTotals = { requests: 0, promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0, totalTokens: 0, cost: 0, estimatedRequests: 0 }
  let cost = 0
  for (const row of rows) {
    totals.requests += row.requests
    totals.promptTokens += row.promptTokens
    totals.completionTokens += row.completionTokens
    totals.cachedPromptTokens += row.cachedPromptTokens
    totals.totalTokens += row.totalTokens
    totals.estimatedRequests += row.estimatedRequests
    cost += row.cost ?? 0
  }
  totals.cost = inCurrency(cost)
  return totals
}

/**
 * The usage of `query` from the store: one read per day (its callers) and one per caller and
 * day, all issued together (one round trip each way on Valkey, which batches a tick's commands).
 */
export async function readUsageReport (store: AiStore, query: AiUsageQuery, now: number): Promise<AiUsageReport> {
  const days = daysOf(query, now)
  const callersByDay = await Promise.all(days.map(async function callersOf (day): Promise<string[]> {
    if (query.caller !== undefined) return [query.caller]
    return Object.keys(await store.readCounters(dayKey(day))).sort()
  }))
  const reads = days.flatMap(function readsOf (day, index) {
    return callersByDay[index].map(async function read (caller) {
      return rowsOf(day, caller, await store.readCounters(callerDayKey(day, caller)), query.model)
    })
  })
  const rows = (await Promise.all(reads)).flat()
  const totals = totalsOf(rows)
  for (const row of rows) {
    // Counted in billionths; shown in the currency.
    if (row.cost !== undefined) row.cost = inCurrency(row.cost)
  }
  return { from: days[0], to: days[days.length - 1], rows, totals }
}
