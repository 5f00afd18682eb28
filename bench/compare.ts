// `node bench/compare.ts`: CPU per request of several gateways measured in interleaved rounds,
// so the machine's drift (other processes, thermal, the allocator) hits every one alike: first
// at saturation (closed loop), then at a fixed rate every target gets alike.
// The steadiest way to check a change on a shared box; `pnpm bench` is the full report.
//
//   node bench/compare.ts [--targets floor,fastify-ai:memory,fastify-ai:valkey] [--baseline <checkout>]
//                         [--rounds 16] [--seconds 1] [--concurrency 32] [--only prompt|stream]
//                         [--stalled 1000] [--history-expiration 10s] [--node-flags='--cpu-prof …']
//                         [--rates <prompts/s>,<streams/s>] [--latency <requests>]
//
// `--latency N` first measures sequential latency (N requests through every target in turn,
// three passes; with `--rounds 0` only that). `--stalled N` holds N streams on the stalling model and releases them before the rounds (as
// `pnpm bench` does before its throughput phases). `--baseline` adds `baseline:<store>` for each
// fastify-ai target: the same gateway started from another checkout of this repository (with
// its dependencies installed), for before/after. `:valkey` targets share one private
// redis-server/valkey-server started for the run.

import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { forkChild } from './lib/ipc.ts'
import type { BenchChild } from './lib/ipc.ts'
import { measureInterleavedLoads } from './lib/interleaved.ts'
import type { FixedRates, InterleavedPlan, InterleavedTarget } from './lib/interleaved.ts'
import { checked, gatewayTarget } from './lib/phases.ts'
import type { PhaseResult } from './lib/phases.ts'
import { gatewayOptions, startHarness, wantedGateways } from './lib/harness.ts'
import type { Harness } from './lib/harness.ts'
import { renderInterleavedLoads } from './lib/report.ts'
import { FULL_PLAN, STALL_MODEL } from './lib/setup.ts'

const { values } = parseArgs({
  options: {
    ...gatewayOptions,
    rounds: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: String(FULL_PLAN.concurrency) },
    /** Node.js flags of the gateway processes (`--cpu-prof`, `--trace-gc`…), space separated. */
    'node-flags': { type: 'string', default: '' },
    /** Streams held open on the stalling model (then released) before the rounds, as `pnpm bench` does. */
    stalled: { type: 'string', default: '0' },
    /** `prompt` or `stream`: measure only that (a profile of one path). */
    only: { type: 'string' },
    /** `<prompts/s>,<streams/s>`: the fixed rate of the second set of rounds (default: derived from the first). */
    rates: { type: 'string' },
    /** Before the CPU rounds: this many sequential requests through every target in turn, three times (0: none). */
    latency: { type: 'string', default: '0' }
  }
})

/**
 * Sequential latency of every target, one request at a time through each in turn (so the
 * machine's drift hits all alike), three passes of `count` for prompts and for streams; ms.
 */
async function sequentialLatencies (load: BenchChild, targets: InterleavedTarget[], count: number, only: string | undefined): Promise<string> {
  const lines = [
    `### Sequential latency (ms; ${count} requests through every target in turn, per pass; three passes)`,
    '',
    '| target | kind | p50 (pass 1, 2, 3) | p99 (pass 1, 2, 3) | first byte p50 (pass 1, 2, 3) |',
    '| --- | --- | --- | --- | --- |'
  ]
  for (const stream of [false, true]) {
    if (only === (stream ? 'prompt' : 'stream')) continue
    const passes: PhaseResult[][] = []
    for (let pass = 0; pass < 3; pass++) {
      const answer = await load.call({ type: 'pairs', targets: targets.map(function target (each) { return gatewayTarget(each.child.ready.url as string, stream) }), count })
      passes.push(checked(targets.map(function name (each) { return each.name }).join(', '), answer.results as PhaseResult[]))
    }
    targets.forEach(function row (target, index) {
      function series (pick: (phase: PhaseResult) => number): string {
        return passes.map(function value (pass) { return pick(pass[index]).toFixed(2) }).join(', ')
      }
      const p50 = series(function latencyP50 (phase) { return phase.latency.p50 })
      const p99 = series(function latencyP99 (phase) { return phase.latency.p99 })
      const firstByte = stream ? series(function ttfbP50 (phase) { return phase.ttfb.p50 }) : '–'
      lines.push(`| ${target.name} | ${stream ? 'stream' : 'prompt'} | ${p50} | ${p99} | ${firstByte} |`)
    })
  }
  return lines.join('\n')
}

const logsDir = join(import.meta.dirname, 'results', 'logs')

function parseRates (value: string | undefined): FixedRates | undefined {
  if (value === undefined) return undefined
  const [prompt, stream] = value.split(',').map(Number)
  if (!(prompt > 0) || !(stream > 0)) throw new Error(`--rates takes <prompts/s>,<streams/s>, got ${value}`)
  return { prompt, stream }
}

function log (message: string): void {
  process.stderr.write(message + '\n')
}

/** CPU per request of every target in interleaved rounds, at saturation and at a fixed rate. */
async function cpuRounds (load: BenchChild, targets: InterleavedTarget[]): Promise<void> {
  const plan: InterleavedPlan = {
    rounds: Number(values.rounds),
    seconds: Number(values.seconds),
    warmupSeconds: 0.5,
    concurrency: Number(values.concurrency),
    only: values.only as 'prompt' | 'stream' | undefined,
    rates: parseRates(values.rates)
  }
  const runs = await measureInterleavedLoads(load, targets, plan, function progress (label, round, so) {
    log(`${label}, round ${round}/${plan.rounds}: ` + so.map(function show (each) {
      return `${each.name} ${each.prompt.at(-1)?.toFixed(1) ?? '–'} / ${each.stream.at(-1)?.toFixed(1) ?? '–'}`
    }).join(', '))
  })
  process.stdout.write(renderInterleavedLoads(runs) + '\n')
  if (runs.error !== undefined) {
    log(`fixed-rate rounds failed: ${runs.error}`)
    process.exitCode = 1
  }
}

let harness: Harness | undefined
try {
  await mkdir(logsDir, { recursive: true })
  const wanted = wantedGateways(values.targets, values.baseline, import.meta.dirname)
  harness = await startHarness(logsDir, 'compare', wanted)
  const { load, valkey } = harness
  const targets: InterleavedTarget[] = []
  for (const { name, kind, store, root } of wanted) {
    const child = await forkChild(join(root, 'lib', 'gateway-process.ts'), {
      args: [kind, store, harness.mock.ready.url as string, values['history-expiration'], valkey?.url ?? ''],
      execArgv: values['node-flags'].split(' ').filter(Boolean),
      logFile: join(logsDir, `compare-${name.replace(':', '-')}.log`)
    })
    harness.children.push(child)
    targets.push({ name, child })
  }

  const stalled = Number(values.stalled)
  if (stalled > 0) {
    for (const { child } of targets) {
      await load.call({ type: 'hold', target: gatewayTarget(child.ready.url as string, true, { models: [`openai:${STALL_MODEL}`] }), count: stalled })
      await load.call({ type: 'release' })
    }
  }

  const latencyPairs = Number(values.latency)
  if (latencyPairs > 0) process.stdout.write(await sequentialLatencies(load, targets, latencyPairs, values.only) + '\n\n')
  if (Number(values.rounds) > 0) await cpuRounds(load, targets)
} catch (error) {
  log((error as Error).stack ?? String(error))
  process.exitCode = 1
} finally {
  await harness?.stop()
}
