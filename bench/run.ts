// `pnpm bench` (`node bench/run.ts`): the gateway against the mock provider and the floor.
// See bench/README.md for what each figure means. `--quick` is the smoke mode CI runs.

import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { forkChild } from './lib/ipc.ts'
import type { BenchChild } from './lib/ipc.ts'
import { measureDirect, measureGateway, measureLongRun } from './lib/phases.ts'
import type { GatewayResult } from './lib/phases.ts'
import { FULL_PLAN, QUICK_PLAN } from './lib/setup.ts'
import type { Plan } from './lib/setup.ts'
import { renderInterleavedLoads, renderTables } from './lib/report.ts'
import { measureInterleavedLoads } from './lib/interleaved.ts'
import type { InterleavedPlan, InterleavedRuns, InterleavedTarget } from './lib/interleaved.ts'
import { summarize } from './profile-summary.ts'
import type { Profile } from './profile-summary.ts'
import { findBinary, startValkeyServer } from '../packages/ai-provider/test/helpers/valkey-server.ts'
import type { TestValkeyServer } from '../packages/ai-provider/test/helpers/valkey-server.ts'
import { startValkeyCluster } from '../packages/ai-provider/test/helpers/valkey-cluster.ts'
import type { TestValkeyCluster } from '../packages/ai-provider/test/helpers/valkey-cluster.ts'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    /** Seconds of each throughput phase (overrides the plan's). */
    seconds: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    /** Cap of the long run in seconds (0 skips it). */
    'long-run-seconds': { type: 'string' },
    /** Requests of the long run. */
    'long-run-requests': { type: 'string' },
    /** Seconds between the long run's forced full GCs (0: none, RSS as V8 sizes the heap by itself). */
    'long-run-gc-seconds': { type: 'string' }
  }
})

const ALL_TARGETS = ['floor', 'fastify-ai:memory', 'fastify-ai:valkey', 'fastify-ai:cluster', 'watt:memory', 'watt:valkey']
/** The long run is the slowest phase: it runs once per store, on the plugin, in a fresh process. */
const LONG_RUN_TARGETS = new Set(['fastify-ai:memory', 'fastify-ai:valkey'])

const plan: Plan = { ...(values.quick ? QUICK_PLAN : FULL_PLAN) }
if (values.seconds !== undefined) plan.throughputSeconds = Number(values.seconds)
if (values['long-run-seconds'] !== undefined) plan.longRunSeconds = Number(values['long-run-seconds'])
if (values['long-run-requests'] !== undefined) plan.longRunRequests = Number(values['long-run-requests'])
if (values['long-run-gc-seconds'] !== undefined) plan.longRunGcSeconds = Number(values['long-run-gc-seconds'])
const targets = values.only === undefined ? ALL_TARGETS : values.only.split(',')

const resultsDir = join(import.meta.dirname, 'results')
const logsDir = join(resultsDir, 'logs')
const profilesDir = join(resultsDir, 'profiles')
await mkdir(logsDir, { recursive: true })
if (values.profile) await mkdir(profilesDir, { recursive: true })
const lib = join(import.meta.dirname, 'lib')

function log (message: string): void {
  process.stderr.write(message + '\n')
}

function machine (): Record<string, unknown> {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: +(totalmem() / 1024 ** 3).toFixed(1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`
  }
}

/** Next to each .cpuprofile, its summary in µs per request (bench/profile-summary.ts). */
async function writeProfileSummaries (prefix: string, measured: GatewayResult): Promise<void> {
  for (const phase of ['prompt', 'stream'] as const) {
    const profile = JSON.parse(await readFile(`${prefix}-${phase}.cpuprofile`, 'utf8')) as Profile
    await writeFile(`${prefix}-${phase}.txt`, summarize(profile, 40, measured.throughput[phase].completed) + '\n')
    log(`profile summary: ${prefix}-${phase}.txt`)
  }
}

const startedAt = Date.now()
const children: BenchChild[] = []
let valkey: TestValkeyServer | undefined
let cluster: TestValkeyCluster | undefined

/** A gateway in its own process, on an empty Valkey (one server, or the cluster) when it uses one. */
async function startGateway (kind: string, store: string, mockUrl: string, logSuffix: string): Promise<BenchChild> {
  if (store === 'cluster') await cluster?.flush()
  else await valkey?.flush()
  return await forkChild(join(lib, 'gateway-process.ts'), {
    args: [kind, store, mockUrl, plan.historyExpiration, store === 'cluster' ? cluster?.seeds.join(',') ?? '' : valkey?.url ?? ''],
    execArgv: ['--expose-gc'],
    logFile: join(logsDir, `${kind}-${store}${logSuffix}.log`)
  })
}

async function cleanup (): Promise<void> {
  await Promise.allSettled(children.map(function stop (child) { return child.stop() }))
  await valkey?.close()
  await cluster?.close()
}

try {
  const mock = await forkChild(join(lib, 'mock-process.ts'), { logFile: join(logsDir, 'mock.log') })
  children.push(mock)
  const load = await forkChild(join(lib, 'load-process.ts'), { logFile: join(logsDir, 'load.log') })
  children.push(load)
  const mockUrl = mock.ready.url as string
  const relay = await forkChild(join(lib, 'relay-process.ts'), { args: [mockUrl], logFile: join(logsDir, 'relay.log') })
  children.push(relay)
  log(`mock provider ${mockUrl} (pid ${mock.process.pid}), tcp relay ${relay.ready.url as string}, load generator pid ${load.process.pid}`)

  if (targets.some(function usesValkey (target) { return target.endsWith(':valkey') })) {
    try {
      valkey = await startValkeyServer()
      log(`valkey ${valkey.url}`)
    } catch (error) {
      log(`no Valkey store: ${(error as Error).message}; skipping the :valkey targets`)
    }
  }
  // The cluster store: three masters on free ports (packages/ai-provider/test/helpers/valkey-cluster.ts).
  if (targets.some(function usesCluster (target) { return target.endsWith(':cluster') }) && findBinary() !== undefined) {
    try {
      cluster = await startValkeyCluster()
      await cluster.waitUntilHealthy()
      log(`valkey cluster ${cluster.seeds.join(', ')}`)
    } catch (error) {
      log(`no Valkey Cluster: ${(error as Error).message}; skipping the :cluster targets`)
      cluster = undefined
    }
  }

  log('mock provider alone, and through the tcp relay…')
  const direct = await measureDirect(load, mockUrl, relay.ready.url as string, plan)

  const results: GatewayResult[] = []
  const measuredGateways: InterleavedTarget[] = []
  const skipped: Array<{ target: string, reason: string }> = []
  for (const target of targets) {
    const [kind, store = 'memory'] = target.split(':')
    if ((store === 'valkey' && valkey === undefined) || (store === 'cluster' && cluster === undefined)) {
      skipped.push({ target, reason: 'no valkey-server or redis-server' })
      continue
    }
    let gateway: BenchChild
    try {
      gateway = await startGateway(kind, store, mockUrl, '')
    } catch (error) {
      log(`${target} did not start: ${(error as Error).message}`)
      skipped.push({ target, reason: (error as Error).message })
      continue
    }
    children.push(gateway)
    const name = kind === 'floor' ? 'floor' : target
    log(`${name} ${gateway.ready.url} (pid ${gateway.process.pid})…`)
    const profilePrefix = values.profile ? join(profilesDir, `${kind}-${store}`) : undefined
    const measured = await measureGateway(name, gateway, load, mockUrl, plan, profilePrefix)
    results.push(measured)
    // Kept running (idle) for the interleaved rounds at the end.
    measuredGateways.push({ name, child: gateway })
    if (profilePrefix !== undefined) await writeProfileSummaries(profilePrefix, measured)
    if (LONG_RUN_TARGETS.has(target) && plan.longRunRequests > 0 && plan.longRunSeconds > 0) {
      // A fresh process: the sessions and garbage of the phases above must not count.
      const fresh = await startGateway(kind, store, mockUrl, '-long-run')
      children.push(fresh)
      log(`${name} long run: fresh process ${fresh.process.pid}, up to ${plan.longRunRequests} requests or ${plan.longRunSeconds} s…`)
      measured.longRun = await measureLongRun(fresh, load, plan)
      await fresh.stop()
    }
  }

  // CPU per request of every target again, in interleaved rounds: the phases above ran one
  // target after the other, minutes apart, and a shared machine drifts by more than the
  // differences measured. These rounds are what the ratios to the floor are read from: first at
  // saturation (closed loop), then at a fixed rate every target gets alike.
  let interleaved: InterleavedRuns | undefined
  const interleavedPlan: InterleavedPlan = {
    rounds: plan.interleavedRounds,
    seconds: plan.interleavedSeconds,
    warmupSeconds: Math.min(plan.warmupSeconds, 0.5),
    concurrency: plan.concurrency
  }
  let interleavedError: string | undefined
  if (measuredGateways.length > 0 && plan.interleavedRounds > 0) {
    log(`interleaved rounds: ${measuredGateways.map(function nameOf (each) { return each.name }).join(', ')}…`)
    try {
      interleaved = await measureInterleavedLoads(load, measuredGateways, interleavedPlan, function progress (label, round) { log(`  ${label}: round ${round}/${plan.interleavedRounds}`) })
      interleavedError = interleaved.error
      if (interleavedError !== undefined) log(`fixed-rate rounds failed: ${interleavedError}`)
    } catch (error) {
      // What was measured before still gets written; the run fails at the end.
      interleavedError = (error as Error).message
      log(`interleaved rounds failed: ${interleavedError}`)
    }
  }

  const tables = renderTables(results, direct, plan) + (interleaved === undefined ? '' : '\n\n' + renderInterleavedLoads(interleaved))
  const report = {
    date: new Date(startedAt).toISOString(),
    mode: values.quick ? 'quick' : 'full',
    seconds: (Date.now() - startedAt) / 1000,
    machine: machine(),
    plan,
    direct,
    results,
    interleaved: interleaved?.closed.results ?? [],
    interleavedProbes: interleaved?.closed.probes ?? [],
    interleavedFixedRate: interleaved?.fixedRate === undefined ? undefined : { rates: interleaved.fixedRatePlan.rates, results: interleaved.fixedRate.results, probes: interleaved.fixedRate.probes },
    interleavedError,
    skipped
  }
  const file = join(resultsDir, 'latest.json')
  await writeFile(file, JSON.stringify(report, null, 2) + '\n')
  process.stdout.write(tables + '\n\n')
  for (const { target, reason } of skipped) process.stdout.write(`skipped ${target}: ${reason}\n`)
  process.stdout.write(`Results written to ${file} (logs in ${logsDir}${values.profile ? `, CPU profiles in ${profilesDir}` : ''}) in ${report.seconds.toFixed(0)} s\n`)
  const failed = results.filter(function hadErrors (result) {
    const { prompt, stream } = result.throughput
    const longRun = result.longRun
    return prompt.errors + stream.errors > 0.01 * (prompt.completed + stream.completed) || result.stalled.opened < result.stalled.count ||
      (longRun !== undefined && longRun.errors > 0.01 * longRun.completed)
  })
  if (interleavedError !== undefined) {
    process.stdout.write(`interleaved rounds failed: ${interleavedError}\n`)
    process.exitCode = 1
  }
  if (failed.length > 0) {
    process.stdout.write(`requests failed on: ${failed.map(function nameOf (result) { return result.name }).join(', ')} (see the logs)\n`)
    process.exitCode = 1
  }
} catch (error) {
  log((error as Error).stack ?? String(error))
  process.exitCode = 1
} finally {
  await cleanup()
}
