// The measurements of one gateway, phase by phase. Each phase reads the gateway's CPU and
// memory over IPC before and after, so CPU per request is the gateway process's alone.

import type { BenchChild, IpcMessage } from './ipc.ts'
import type { Plan } from './setup.ts'
import type { LatencySummary } from './stats.ts'
import type { StageSummary } from './stage-trace.ts'
import { PROMPT, STALL_MODEL, upstreamBody } from './setup.ts'

/** What the load generator reports for one phase. */
export interface PhaseResult {
  completed: number
  errors: number
  seconds: number
  requestsPerSecond: number
  latency: LatencySummary
  ttfb: LatencySummary
  framesPerAnswer: number
}

interface Sample {
  cpuMicros: number
  rss: number
  heapUsed: number
  /** Heap the V8 has reserved (used or not): most of RSS. */
  heapTotal: number
}

export interface ThroughputResult extends PhaseResult {
  /** Gateway CPU (user + system) per completed request. */
  cpuMicrosPerRequest: number
  /** Highest RSS seen during the phase. */
  maxRss: number
}

export interface GatewayResult {
  name: string
  rssIdle: number
  sequential: SequentialResult
  /** A second sequential prompt pass, traced inside the gateway: where its time goes (stage-trace.ts). */
  stages: StageSummary
  throughput: { prompt: ThroughputResult, stream: ThroughputResult }
  open: { prompt: PhaseResult }
  stalled: { count: number, opened: number, rssPerStream: number, heapPerStream: number }
  rssUnderLoad: number
  /** Filled by measureLongRun, on a fresh gateway process. */
  longRun?: LongRunResult
}

/** Memory over a long run of a fresh gateway (bytes; slopes in bytes per minute). */
export interface LongRunResult {
  /** Requests completed (prompts + streams) and failed. */
  completed: number
  errors: number
  prompts: PhaseResult
  streams: PhaseResult
  seconds: number
  requestsPerSecond: number
  /** Seconds from the start after which sessions expire as fast as they are created. */
  steadyFrom: number
  /** Samples: seconds since the start, RSS and heap used. */
  sampleSeconds: number[]
  rssSamples: number[]
  heapSamples: number[]
  /** RSS: highest in the first tenth of the steady part, and in the last tenth of the run. */
  rssStart: number
  rssEnd: number
  /**
   * Heap: LOWEST in the same tenths. Heap used swings with the garbage between collections;
   * its lowest samples follow what is alive (the sessions) and show a leak.
   */
  heapStart: number
  heapEnd: number
  rssMax: number
  heapMax: number
  /** Committed heap (V8's reservation) at the same samples: what RSS follows. */
  heapTotalSamples: number[]
  /**
   * Live heap: heap used right after a full GC, forced every `plan.longRunGcSeconds` (seconds
   * since the start, and bytes). The one figure without garbage in it: flat = no leak.
   */
  gcSeconds: number[]
  liveHeapSamples: number[]
  /** Live heap at the first forced GC after `steadyFrom`, and at the last one. */
  liveHeapStart: number
  liveHeapEnd: number
  /** Least-squares slope of the live heap over the second half. */
  liveHeapSlopeSecondHalf: number
  /** Least-squares slope over the second half of the run (heap: of the lowest sample of each tenth of that half). */
  rssSlopeSecondHalf: number
  heapSlopeSecondHalf: number
  /** After the run and a full GC. */
  rssAfterGc: number
  heapAfterGc: number
}

/** Request shapes against the gateway API and straight against the mock. */
interface Target {
  url: string
  path: string
  body: unknown
  stream: boolean
  headers?: Record<string, string>
}

export function gatewayTarget (url: string, stream: boolean, extra: Record<string, unknown> = {}): Target {
  return { url, path: stream ? '/api/v1/stream' : '/api/v1/prompt', body: { prompt: PROMPT, ...extra }, stream }
}

/** The mock wants the API key the gateway sends. */
const DIRECT_HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }

export function directTarget (url: string, stream: boolean): Target {
  return { url, path: '/v1/chat/completions', body: upstreamBody(PROMPT, stream), stream, headers: DIRECT_HEADERS }
}

async function sample (gateway: BenchChild, type: 'sample' | 'gc' = 'sample'): Promise<Sample> {
  return await gateway.call({ type }) as unknown as Sample
}

/** Sequential pairs where a side failed would compare with nothing (and failed requests are fast: they would pass for low latency). */
export function checked (name: string, results: PhaseResult[]): PhaseResult[] {
  for (const each of results) {
    if (each.errors > 0 || each.completed === 0) throw new Error(`${name}: ${each.errors} sequential requests failed`)
  }
  return results
}

function result (answer: IpcMessage): PhaseResult {
  return answer.result as PhaseResult
}

/**
 * Run a load job while sampling the gateway's RSS and heap every `intervalMs`; with
 * `gcEverySeconds`, also force a full GC that often and record the heap left after it.
 */
async function withRssSampling<T> (gateway: BenchChild, job: Promise<T>, intervalMs = 250, gcEverySeconds = 0) {
  const samples: number[] = []
  const heapSamples: number[] = []
  const heapTotalSamples: number[] = []
  const times: number[] = []
  const gcTimes: number[] = []
  const liveHeapSamples: number[] = []
  const startedAt = performance.now()
  let lastGc = startedAt
  const state = { done: false }
  const sampler = (async function sampleRss () {
    while (!state.done) {
      const { rss, heapUsed, heapTotal } = await sample(gateway)
      samples.push(rss)
      heapSamples.push(heapUsed)
      heapTotalSamples.push(heapTotal)
      times.push((performance.now() - startedAt) / 1000)
      if (gcEverySeconds > 0 && performance.now() - lastGc >= gcEverySeconds * 1000) {
        lastGc = performance.now()
        liveHeapSamples.push((await sample(gateway, 'gc')).heapUsed)
        gcTimes.push((performance.now() - startedAt) / 1000)
      }
      await new Promise(function wait (resolve) { setTimeout(resolve, intervalMs) })
    }
  })()
  const value = await job.finally(function stopSampling () { state.done = true })
  await sampler
  return { value, maxRss: Math.max(...samples), samples, heapSamples, heapTotalSamples, times, gcTimes, liveHeapSamples }
}

/** Memory per open stream: hold `count` stalled streams and compare RSS and heap after GC. */
async function stalledStreams (load: BenchChild, gateway: BenchChild, url: string, count: number): Promise<GatewayResult['stalled']> {
  const target = gatewayTarget(url, true, { models: [`openai:${STALL_MODEL}`] })
  // One round first, so what a first stall allocates once (pools, code) is not counted per stream.
  await load.call({ type: 'hold', target, count: Math.min(count, 20) })
  await load.call({ type: 'release' })
  await new Promise(function settle (resolve) { setTimeout(resolve, 200) })
  const before = await sample(gateway, 'gc')
  const held = await load.call({ type: 'hold', target, count })
  // Let the gateway settle (timers armed, buffers flushed) before measuring.
  await new Promise(function settle (resolve) { setTimeout(resolve, 200) })
  const during = await sample(gateway, 'gc')
  await load.call({ type: 'release' })
  return {
    count,
    opened: held.opened as number,
    rssPerStream: (during.rss - before.rss) / count,
    heapPerStream: (during.heapUsed - before.heapUsed) / count
  }
}

async function throughput (load: BenchChild, gateway: BenchChild, url: string, stream: boolean, plan: Plan, profileFile: string | undefined): Promise<ThroughputResult> {
  await load.call({ type: 'closed', target: gatewayTarget(url, stream), concurrency: plan.concurrency, seconds: plan.warmupSeconds })
  if (profileFile !== undefined) await gateway.call({ type: 'profile-start' })
  const before = await sample(gateway)
  const { value, maxRss } = await withRssSampling(gateway, load.call({ type: 'closed', target: gatewayTarget(url, stream), concurrency: plan.concurrency, seconds: plan.throughputSeconds }))
  const after = await sample(gateway)
  if (profileFile !== undefined) await gateway.call({ type: 'profile-stop', file: profileFile })
  const phase = result(value)
  // The RSS samples themselves cost a little CPU; it is noise next to thousands of requests.
  return { ...phase, cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / phase.completed, maxRss }
}

/**
 * Every measurement of one running gateway. With `profilePrefix`, the throughput phases are
 * CPU-profiled into `<profilePrefix>-prompt.cpuprofile` and `-stream.cpuprofile`.
 */
export async function measureGateway (name: string, gateway: BenchChild, load: BenchChild, mockUrl: string, plan: Plan, profilePrefix?: string): Promise<GatewayResult> {
  const url = gateway.ready.url as string
  // Warm-up, and a check that the answers are what the bench claims to measure.
  const warmStream = result(await load.call({ type: 'closed', target: gatewayTarget(url, true), concurrency: 2, seconds: plan.warmupSeconds }))
  const warmPrompt = result(await load.call({ type: 'closed', target: gatewayTarget(url, false), concurrency: 2, seconds: plan.warmupSeconds }))
  if (warmPrompt.completed === 0 || warmStream.completed === 0) throw new Error(`${name}: no successful request during warm-up`)
  if (warmStream.framesPerAnswer < 9) throw new Error(`${name}: a stream should carry at least 8 content frames and end, got ${warmStream.framesPerAnswer}`)

  const rssIdle = (await sample(gateway, 'gc')).rss
  // Before the load phases, while the heap holds little else to free during the measurement.
  const stalled = await stalledStreams(load, gateway, url, plan.stalledStreams)

  const [prompt, directPrompt] = checked(name, (await load.call({ type: 'pairs', targets: [gatewayTarget(url, false), directTarget(mockUrl, false)], count: plan.sequentialCount })).results as PhaseResult[])
  const [stream, directStream] = checked(name, (await load.call({ type: 'pairs', targets: [gatewayTarget(url, true), directTarget(mockUrl, true)], count: plan.sequentialCount })).results as PhaseResult[])

  // Traced apart: the trace's own cost stays out of the latencies above.
  await gateway.call({ type: 'trace-start' })
  checked(name, (await load.call({ type: 'pairs', targets: [gatewayTarget(url, false), directTarget(mockUrl, false)], count: plan.sequentialCount })).results as PhaseResult[])
  const stages = (await gateway.call({ type: 'trace-stop' })).stages as StageSummary

  const throughputPrompt = await throughput(load, gateway, url, false, plan, profilePrefix && `${profilePrefix}-prompt.cpuprofile`)
  const throughputStream = await throughput(load, gateway, url, true, plan, profilePrefix && `${profilePrefix}-stream.cpuprofile`)

  const openPrompt = result(await load.call({ type: 'open', target: gatewayTarget(url, false), rate: plan.openRate, seconds: plan.openSeconds }))

  const measured: GatewayResult = {
    name,
    rssIdle,
    sequential: { prompt, stream, directPrompt, directStream },
    stages,
    throughput: { prompt: throughputPrompt, stream: throughputStream },
    open: { prompt: openPrompt },
    stalled,
    rssUnderLoad: Math.max(throughputPrompt.maxRss, throughputStream.maxRss)
  }

  return measured
}

/** Milliseconds of a duration written as the gateway's options take it ('10s', '500ms', '2m'). */
function durationMs (text: string): number {
  const match = /^(\d+)(ms|s|m)$/.exec(text)
  if (match === null) throw new Error(`unsupported duration ${text}`)
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm']
}

/** Least-squares slope of y over x (per unit of x). */
function slope (x: number[], y: number[]): number {
  const n = x.length
  if (n < 2) return Number.NaN
  const meanX = x.reduce(function add (sum, value) { return sum + value }, 0) / n
  const meanY = y.reduce(function add (sum, value) { return sum + value }, 0) / n
  let covariance = 0
  let variance = 0
  for (let i = 0; i < n; i++) {
    covariance += (x[i] - meanX) * (y[i] - meanY)
    variance += (x[i] - meanX) ** 2
  }
  return covariance / variance
}

/** Slope of the lowest sample of each tenth (each at its own time). */
function floorSlope (times: number[], values: number[]): number {
  const size = Math.max(1, Math.floor(values.length / 10))
  const x: number[] = []
  const y: number[] = []
  for (let start = 0; start + size <= values.length; start += size) {
    const window = values.slice(start, start + size)
    const lowest = Math.min(...window)
    x.push(times[start + window.indexOf(lowest)])
    y.push(lowest)
  }
  return slope(x, y)
}

/**
 * The long run, on a FRESH gateway (nothing left by the other phases): prompts and streams
 * alternating, closed loop, every request a new session, until `plan.longRunRequests` are done
 * (or `plan.longRunSeconds` pass), sampling RSS and heap every `plan.longRunSampleMs`.
 */
export async function measureLongRun (gateway: BenchChild, load: BenchChild, plan: Plan): Promise<LongRunResult> {
  const url = gateway.ready.url as string
  const targets = [gatewayTarget(url, false), gatewayTarget(url, true)]
  const job = load.call({ type: 'mixed', targets, concurrency: plan.longRunConcurrency, requests: plan.longRunRequests, seconds: plan.longRunSeconds })
  const { value, samples, heapSamples, heapTotalSamples, times, gcTimes, liveHeapSamples } = await withRssSampling(gateway, job, plan.longRunSampleMs, plan.longRunGcSeconds)
  const [prompts, streams] = value.results as PhaseResult[]
  const seconds = prompts.seconds
  // Sessions start expiring one historyExpiration after the start; two more to settle.
  const steadyFrom = 3 * durationMs(plan.historyExpiration) / 1000 < seconds / 2 ? 3 * durationMs(plan.historyExpiration) / 1000 : 0
  const steady = times.findIndex(function isSteady (time) { return time >= steadyFrom })
  const tenth = Math.max(1, Math.floor((samples.length - steady) / 10))
  const half = times.findIndex(function inSecondHalf (time) { return time >= seconds / 2 })
  const afterGc = await sample(gateway, 'gc')
  let steadyGc = gcTimes.findIndex(function isSteady (time) { return time >= steadyFrom })
  if (steadyGc === -1) steadyGc = 0
  const halfGc = gcTimes.findIndex(function inSecondHalf (time) { return time >= seconds / 2 })
  const completed = prompts.completed + streams.completed
  return {
    completed,
    errors: prompts.errors + streams.errors,
    prompts,
    streams,
    seconds,
    requestsPerSecond: completed / seconds,
    steadyFrom,
    sampleSeconds: times,
    rssSamples: samples,
    heapSamples,
    heapTotalSamples,
    gcSeconds: gcTimes,
    liveHeapSamples,
    liveHeapStart: liveHeapSamples.length === 0 ? Number.NaN : liveHeapSamples[steadyGc],
    liveHeapEnd: liveHeapSamples.length === 0 ? Number.NaN : liveHeapSamples[liveHeapSamples.length - 1],
    liveHeapSlopeSecondHalf: halfGc === -1 ? Number.NaN : slope(gcTimes.slice(halfGc), liveHeapSamples.slice(halfGc)) * 60,
    rssStart: Math.max(...samples.slice(steady, steady + tenth)),
    rssEnd: Math.max(...samples.slice(-tenth)),
    heapStart: Math.min(...heapSamples.slice(steady, steady + tenth)),
    heapEnd: Math.min(...heapSamples.slice(-tenth)),
    rssMax: Math.max(...samples),
    heapMax: Math.max(...heapSamples),
    rssSlopeSecondHalf: slope(times.slice(half), samples.slice(half)) * 60,
    heapSlopeSecondHalf: floorSlope(times.slice(half), heapSamples.slice(half)) * 60,
    rssAfterGc: afterGc.rss,
    heapAfterGc: afterGc.heapUsed
  }
}

/** Sequential latencies of one target and of the mock, in interleaved pairs (prompt, then stream). */
export interface SequentialResult {
  prompt: PhaseResult
  stream: PhaseResult
  directPrompt: PhaseResult
  directStream: PhaseResult
}

/** The mock's own figures at the same concurrency and rate (the ceiling, and the open-loop reference). */
export interface DirectResult {
  prompt: PhaseResult
  stream: PhaseResult
  open: PhaseResult
  /**
   * The mock through a raw TCP relay process, against the mock alone, sequentially: what one more
   * process on the path costs this machine before any HTTP work (bench/lib/relay-process.ts).
   */
  hop: SequentialResult
}

export async function measureDirect (load: BenchChild, mockUrl: string, relayUrl: string, plan: Plan): Promise<DirectResult> {
  await load.call({ type: 'closed', target: directTarget(mockUrl, false), concurrency: plan.concurrency, seconds: plan.warmupSeconds })
  const prompt = result(await load.call({ type: 'closed', target: directTarget(mockUrl, false), concurrency: plan.concurrency, seconds: plan.throughputSeconds }))
  const stream = result(await load.call({ type: 'closed', target: directTarget(mockUrl, true), concurrency: plan.concurrency, seconds: plan.throughputSeconds }))
  const open = result(await load.call({ type: 'open', target: directTarget(mockUrl, false), rate: plan.openRate, seconds: plan.openSeconds }))
  if (prompt.completed === 0 || stream.completed === 0 || open.completed === 0) throw new Error('the mock provider answered no request')
  const [hopPrompt, directPrompt] = checked('tcp relay', (await load.call({ type: 'pairs', targets: [directTarget(relayUrl, false), directTarget(mockUrl, false)], count: plan.sequentialCount })).results as PhaseResult[])
  const [hopStream, directStream] = checked('tcp relay', (await load.call({ type: 'pairs', targets: [directTarget(relayUrl, true), directTarget(mockUrl, true)], count: plan.sequentialCount })).results as PhaseResult[])
  return { prompt, stream, open, hop: { prompt: hopPrompt, stream: hopStream, directPrompt, directStream } }
}
