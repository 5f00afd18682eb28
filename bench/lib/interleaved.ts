// CPU per request measured in interleaved rounds: every target runs a short phase in turn, round
// after round, so the drift of a shared machine (other tenants, frequency, the allocator) hits
// every target alike. A target's figure is the median of its rounds; its ratio to the floor
// (pairedRatios: the median of the rounds' own ratios) is the figure the targets of SPEC §9 are
// judged on.
//
// Two kinds of load: a closed loop (each target as fast as it goes: saturation, where a faster
// target also gets more requests per wake-up), and a fixed rate (open loop: every target gets
// the same requests at the same times, the identical traffic issue 7 asks for).

import type { BenchChild, IpcMessage } from './ipc.ts'
import type { PhaseResult } from './phases.ts'
import { gatewayTarget } from './phases.ts'

/** A running gateway (or the floor) to measure. */
export interface InterleavedTarget {
  name: string
  child: BenchChild
}

/** CPU µs per request of each round, and their medians. */
export interface InterleavedResult {
  name: string
  prompt: number[]
  stream: number[]
  /** Requests per second each round completed (with a fixed rate: that rate, when kept up with). */
  promptRate: number[]
  streamRate: number[]
  promptMedian: number
  streamMedian: number
  /** The part of each round's CPU µs per request spent in the kernel (system time). */
  promptSystem: number[]
  streamSystem: number[]
  promptSystemMedian: number
  streamSystemMedian: number
}

/** CPU µs per request of one phase, the kernel's part of it, and the requests per second. */
interface PhaseCpu {
  total: number
  system: number
  rate: number
}

/** Requests per second of the fixed-rate load, for prompts and for streams. */
export interface FixedRates {
  prompt: number
  stream: number
}

export interface InterleavedPlan {
  rounds: number
  /** Seconds of each measured phase. */
  seconds: number
  /** Seconds of the warm-up before each phase (not measured). */
  warmupSeconds: number
  concurrency: number
  /** Measure only prompts or only streams (default: both). */
  only?: 'prompt' | 'stream'
  /** A fixed rate for every target instead of the closed loop (warm-up included). */
  rates?: FixedRates
}

/** Share of the slowest target's closed-loop throughput used as the fixed rate (fixedRates). */
export const FIXED_RATE_SHARE = 0.6

/**
 * The fixed rates every target can keep up with: a share of the slowest target's median
 * closed-loop throughput in `closed`, rounded down to 10 req/s.
 */
export function fixedRates (closed: InterleavedResult[], share: number = FIXED_RATE_SHARE): FixedRates {
  function slowest (rates: (result: InterleavedResult) => number[]): number {
    const medians = closed.map(function each (result) { return median(rates(result)) }).filter(Number.isFinite)
    // Nothing measured (only prompts, or only streams): no rate for it.
    if (medians.length === 0) return 0
    // Rounded down to 10 req/s, and never below 10.
    return Math.max(10, Math.floor(Math.min(...medians) * share / 10) * 10)
  }
  return {
    prompt: slowest(function prompt (result) { return result.promptRate }),
    stream: slowest(function stream (result) { return result.streamRate })
  }
}

export function median (numbers: number[]): number {
  if (numbers.length === 0) return Number.NaN
  const sorted = [...numbers].sort(function ascending (a, b) { return a - b })
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** Quartiles of a sorted list (linear interpolation). */
function quantile (sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.ceil(at)
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low)
}

/**
 * The ratio of a target to the floor, round by round: a round's phases run a few seconds apart,
 * so a drift of the machine that lasts longer than that hits both alike and leaves the round's
 * ratio alone. The median of the rounds' ratios, with the first and third quartiles (NaN
 * without a floor). How much this narrows the spread on a given box is in docs/benchmarks.md.
 */
export function pairedRatios (values: number[], floor: number[] | undefined): { median: number, low: number, high: number } {
  if (floor === undefined) return { median: Number.NaN, low: Number.NaN, high: Number.NaN }
  if (floor.length !== values.length) throw new Error(`paired ratios need as many rounds as the floor's (${values.length} against ${floor.length})`)
  const ratios = values.map(function each (value, round) { return value / floor[round] }).sort(function ascending (a, b) { return a - b })
  return { median: quantile(ratios, 0.5), low: quantile(ratios, 0.25), high: quantile(ratios, 0.75) }
}

async function cpuMicros (child: BenchChild): Promise<{ total: number, system: number }> {
  const sample = await child.call({ type: 'sample' })
  return { total: sample.cpuMicros as number, system: sample.systemMicros as number }
}

/** CPU µs per request of one phase (closed loop, or the plan's fixed rate), after its warm-up. */
async function phase (load: BenchChild, target: InterleavedTarget, stream: boolean, plan: InterleavedPlan): Promise<PhaseCpu> {
  const request = gatewayTarget(target.child.ready.url as string, stream)
  // The warm-up is the same load as the phase, so the phase does not collect its garbage.
  function job (seconds: number): IpcMessage {
    return plan.rates === undefined
      ? { type: 'closed', target: request, concurrency: plan.concurrency, seconds }
      : { type: 'open', target: request, rate: stream ? plan.rates.stream : plan.rates.prompt, seconds }
  }
  if (plan.warmupSeconds > 0) await load.call(job(plan.warmupSeconds))
  const before = await cpuMicros(target.child)
  const answer = await load.call(job(plan.seconds))
  const after = await cpuMicros(target.child)
  const result = answer.result as PhaseResult
  if (result.errors > 0.01 * result.completed || result.completed === 0) {
    throw new Error(`${target.name}: ${result.errors} of ${result.completed + result.errors} requests failed in an interleaved round`)
  }
  return {
    total: (after.total - before.total) / result.completed,
    system: (after.system - before.system) / result.completed,
    rate: result.requestsPerSecond
  }
}

/**
 * CPU milliseconds of a fixed piece of pure JavaScript in this process: how fast the machine is
 * at this moment. On the shared VM of docs/benchmarks.md one loop of pure arithmetic took 300 ms
 * of CPU in one run and 700 ms in another a few seconds later: every CPU-time figure moves with it.
 */
export function speedProbe (): number {
  const before = process.cpuUsage()
  let sum = 0
  for (let i = 0; i < 5_000_000; i++) sum = (sum + i * 7) % 1_000_003
  const used = process.cpuUsage(before)
  // Uses the sum, so the loop cannot be dropped.
  return (used.user + used.system) / 1000 + (sum < 0 ? 1 : 0)
}

/** The rounds' results, and the speed probe (ms) taken before each phase. */
export interface InterleavedRun {
  results: InterleavedResult[]
  probes: number[]
}

/** Run the rounds; `onRound` is told of each finished round (progress). */
export async function measureInterleaved (load: BenchChild, targets: InterleavedTarget[], plan: InterleavedPlan, onRound?: (round: number, results: InterleavedResult[]) => void): Promise<InterleavedRun> {
  const probes: number[] = []
  // The first run of the probe includes its compilation: not a reading.
  speedProbe()
  const results: InterleavedResult[] = targets.map(function empty (target) {
    return {
      name: target.name,
      prompt: [],
      stream: [],
      promptRate: [],
      streamRate: [],
      promptMedian: Number.NaN,
      streamMedian: Number.NaN,
      promptSystem: [],
      streamSystem: [],
      promptSystemMedian: Number.NaN,
      streamSystemMedian: Number.NaN
    }
  })
  for (let round = 1; round <= plan.rounds; round++) {
    // Alternate the order, so no target always runs right after the same one.
    const order = targets.map(function index (_target, i) { return i })
    if (round % 2 === 0) order.reverse()
    for (const i of order) {
      probes.push(speedProbe())
      if (plan.only !== 'stream') {
        const cpu = await phase(load, targets[i], false, plan)
        results[i].prompt.push(cpu.total)
        results[i].promptSystem.push(cpu.system)
        results[i].promptRate.push(cpu.rate)
      }
      if (plan.only !== 'prompt') {
        const cpu = await phase(load, targets[i], true, plan)
        results[i].stream.push(cpu.total)
        results[i].streamSystem.push(cpu.system)
        results[i].streamRate.push(cpu.rate)
      }
    }
    onRound?.(round, results)
  }
  for (const result of results) {
    result.promptMedian = median(result.prompt)
    result.streamMedian = median(result.stream)
    result.promptSystemMedian = median(result.promptSystem)
    result.streamSystemMedian = median(result.streamSystem)
  }
  return { results, probes }
}

/** The rounds at saturation, then the rounds at a fixed rate derived from them (fixedRates). */
export interface InterleavedRuns {
  closed: InterleavedRun
  closedPlan: InterleavedPlan
  fixedRatePlan: InterleavedPlan
  /** Absent when the fixed-rate rounds failed (`error` says why): the closed rounds still count. */
  fixedRate?: InterleavedRun
  error?: string
}

/**
 * Both loads, one after the other: the closed-loop rounds, then as many rounds at the fixed rate
 * a share of the slowest target's closed-loop throughput gives (or `rates` when given). A failure
 * of the closed rounds throws; one of the fixed-rate rounds is returned as `error`.
 */
export async function measureInterleavedLoads (load: BenchChild, targets: InterleavedTarget[], plan: InterleavedPlan, onRound?: (label: string, round: number, results: InterleavedResult[]) => void): Promise<InterleavedRuns> {
  const closedPlan: InterleavedPlan = { ...plan, rates: undefined }
  const closed = await measureInterleaved(load, targets, closedPlan, function closedRound (round, results) { onRound?.('closed loop', round, results) })
  const rates = plan.rates ?? fixedRates(closed.results)
  const fixedRatePlan: InterleavedPlan = { ...plan, rates }
  const label = plan.only === undefined ? `${rates.prompt}/${rates.stream} req/s` : `${rates[plan.only]} req/s`
  try {
    const fixedRate = await measureInterleaved(load, targets, fixedRatePlan, function fixedRound (round, results) { onRound?.(label, round, results) })
    return { closed, closedPlan, fixedRate, fixedRatePlan }
  } catch (error) {
    return { closed, closedPlan, fixedRatePlan, error: (error as Error).message }
  }
}
