// The measurements of one gateway, phase by phase. Each phase reads the gateway's CPU and
// memory over IPC before and after, so CPU per request is the gateway process's alone.

import type { BenchChild, IpcMessage } from './ipc.ts'
import type { Plan } from './setup.ts'
import type { LatencySummary } from './stats.ts'
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
  sequential: { prompt: PhaseResult, stream: PhaseResult, directPrompt: PhaseResult, directStream: PhaseResult }
  throughput: { prompt: ThroughputResult, stream: ThroughputResult }
  open: { prompt: PhaseResult }
  stalled: { count: number, opened: number, rssPerStream: number, heapPerStream: number }
  longRun?: { seconds: number, rssSamples: number[], heapSamples: number[], rssStart: number, rssEnd: number, rssMax: number, rssAfterGc: number, completed: number, errors: number }
  rssUnderLoad: number
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

/** Sequential pairs where a side failed would compare with nothing. */
function checked (name: string, results: PhaseResult[]): PhaseResult[] {
  for (const each of results) {
    if (each.errors > 0 || each.completed === 0) throw new Error(`${name}: ${each.errors} sequential requests failed`)
  }
  return results
}

function result (answer: IpcMessage): PhaseResult {
  return answer.result as PhaseResult
}

/** Run a load job while sampling the gateway's RSS every 250 ms. */
async function withRssSampling<T> (gateway: BenchChild, job: Promise<T>): Promise<{ value: T, maxRss: number, samples: number[], heapSamples: number[] }> {
  const samples: number[] = []
  const heapSamples: number[] = []
  const state = { done: false }
  const sampler = (async function sampleRss () {
    while (!state.done) {
      const { rss, heapUsed } = await sample(gateway)
      samples.push(rss)
      heapSamples.push(heapUsed)
      await new Promise(function wait (resolve) { setTimeout(resolve, 250) })
    }
  })()
  const value = await job.finally(function stopSampling () { state.done = true })
  await sampler
  return { value, maxRss: Math.max(...samples), samples, heapSamples }
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
export async function measureGateway (name: string, gateway: BenchChild, load: BenchChild, mockUrl: string, plan: Plan, longRun: boolean, profilePrefix?: string): Promise<GatewayResult> {
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

  const throughputPrompt = await throughput(load, gateway, url, false, plan, profilePrefix && `${profilePrefix}-prompt.cpuprofile`)
  const throughputStream = await throughput(load, gateway, url, true, plan, profilePrefix && `${profilePrefix}-stream.cpuprofile`)

  const openPrompt = result(await load.call({ type: 'open', target: gatewayTarget(url, false), rate: plan.openRate, seconds: plan.openSeconds }))

  const measured: GatewayResult = {
    name,
    rssIdle,
    sequential: { prompt, stream, directPrompt, directStream },
    throughput: { prompt: throughputPrompt, stream: throughputStream },
    open: { prompt: openPrompt },
    stalled,
    rssUnderLoad: Math.max(throughputPrompt.maxRss, throughputStream.maxRss)
  }

  if (longRun && plan.longRunSeconds > 0) {
    // Half prompts, half streams, every request a new session: sessions pile up and must expire.
    const half = plan.longRunRate / 2
    const jobs = Promise.all([
      load.call({ type: 'open', target: gatewayTarget(url, false), rate: half, seconds: plan.longRunSeconds }),
      load.call({ type: 'open', target: gatewayTarget(url, true), rate: half, seconds: plan.longRunSeconds })
    ])
    const { value, samples, heapSamples } = await withRssSampling(gateway, jobs)
    const phases = value.map(result)
    const tenth = Math.max(1, Math.floor(samples.length / 10))
    measured.longRun = {
      seconds: plan.longRunSeconds,
      rssSamples: samples,
      heapSamples,
      rssStart: Math.max(...samples.slice(0, tenth)),
      rssEnd: Math.max(...samples.slice(-tenth)),
      rssMax: Math.max(...samples),
      rssAfterGc: (await sample(gateway, 'gc')).rss,
      completed: phases[0].completed + phases[1].completed,
      errors: phases[0].errors + phases[1].errors
    }
  }
  return measured
}

/** The mock's own figures at the same concurrency and rate (the ceiling, and the open-loop reference). */
export async function measureDirect (load: BenchChild, mockUrl: string, plan: Plan): Promise<{ prompt: PhaseResult, stream: PhaseResult, open: PhaseResult }> {
  await load.call({ type: 'closed', target: directTarget(mockUrl, false), concurrency: plan.concurrency, seconds: plan.warmupSeconds })
  const prompt = result(await load.call({ type: 'closed', target: directTarget(mockUrl, false), concurrency: plan.concurrency, seconds: plan.throughputSeconds }))
  const stream = result(await load.call({ type: 'closed', target: directTarget(mockUrl, true), concurrency: plan.concurrency, seconds: plan.throughputSeconds }))
  const open = result(await load.call({ type: 'open', target: directTarget(mockUrl, false), rate: plan.openRate, seconds: plan.openSeconds }))
  if (prompt.completed === 0 || stream.completed === 0 || open.completed === 0) throw new Error('the mock provider answered no request')
  return { prompt, stream, open }
}
