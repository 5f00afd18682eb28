// `node bench/instructions.ts`: user-space instructions per request of each gateway, counted by
// valgrind's callgrind. The CPU time of a phase moves by ±30 % on a shared box and the paired
// rounds of compare.ts need dozens of them to see 5 %; an instruction count is the same to a
// fraction of a percent run after run, whatever else the machine does, so it shows a change of
// one or two percent in one run. It is a before/after figure only:
//   - the kernel's part (socket reads and writes, a quarter of the CPU time) is not counted;
//   - under valgrind the gateway runs ~50 times slower, so what happens per unit of time
//     (timers, the store's expiry sweep, V8 compiling in its background threads) weighs far more
//     per request than at full speed: the absolute figure is not the gateway's real cost.
//
//   node bench/instructions.ts [--targets floor,fastify-ai:memory] [--baseline <checkout>]
//                              [--route prompt|stream] [--warmup 60] [--seconds 30] [--runs 2]
//
// Each run starts the gateway afresh under callgrind with instrumentation off, warms it up for
// `--warmup` seconds (a closed loop of 4), then counts instructions over `--seconds` more.
// Needs `valgrind` (Debian: apt-get install valgrind).

import { execFile } from 'node:child_process'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { forkChild } from './lib/ipc.ts'
import type { BenchChild } from './lib/ipc.ts'
import { gatewayTarget } from './lib/phases.ts'
import type { PhaseResult } from './lib/phases.ts'
import { gatewayOptions, startHarness, wantedGateways } from './lib/harness.ts'
import type { Harness, WantedGateway } from './lib/harness.ts'
import type { TestValkeyServer } from '../packages/ai-provider/test/helpers/valkey-server.ts'

const run = promisify(execFile)

const { values } = parseArgs({
  options: {
    ...gatewayOptions,
    /** `prompt` or `stream`. */
    route: { type: 'string', default: 'prompt' },
    /** Seconds of load before counting starts (JIT warm-up, at valgrind's pace). */
    warmup: { type: 'string', default: '60' },
    /** Seconds of load counted. */
    seconds: { type: 'string', default: '30' },
    /** Fresh gateway processes per target; their figures are listed side by side. */
    runs: { type: 'string', default: '2' }
  }
})

const CONCURRENCY = 4
const logsDir = join(import.meta.dirname, 'results', 'logs')
const outDir = join(import.meta.dirname, 'results', 'callgrind')

function log (line: string): void {
  process.stderr.write(line + '\n')
}

/** The `totals:` line of a callgrind output file: every instruction counted while instrumentation was on. */
async function totalInstructions (file: string): Promise<number> {
  const text = await readFile(file, 'utf8')
  const match = /^totals:\s+(\d+)/m.exec(text)
  if (match === null) throw new Error(`no totals in ${file}`)
  return Number(match[1])
}

async function countOnce (wanted: WantedGateway, mockUrl: string, load: BenchChild, valkey: TestValkeyServer | undefined, index: number): Promise<number> {
  const outFile = join(outDir, `${wanted.name.replace(':', '-')}-${values.route}-${index}.out`)
  await rm(outFile, { force: true })
  const gateway = await forkChild(join(wanted.root, 'lib', 'gateway-process.ts'), {
    args: [wanted.kind, wanted.store, mockUrl, values['history-expiration'], valkey?.url ?? ''],
    execPath: 'valgrind',
    // V8 writes the code it runs: valgrind must check for it (the default on x86_64 only).
    execArgv: ['--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${outFile}`, process.execPath],
    logFile: join(logsDir, `instructions-${wanted.name.replace(':', '-')}.log`)
  })
  let phase: PhaseResult
  try {
    const target = gatewayTarget(gateway.ready.url as string, values.route === 'stream')
    await load.call({ type: 'closed', target, concurrency: CONCURRENCY, seconds: Number(values.warmup) })
    const pid = String(gateway.ready.pid)
    await run('callgrind_control', ['--instr=on', pid])
    const answer = await load.call({ type: 'closed', target, concurrency: CONCURRENCY, seconds: Number(values.seconds) })
    await run('callgrind_control', ['--instr=off', pid])
    phase = answer.result as PhaseResult
  } finally {
    // callgrind writes its file when the process exits.
    await gateway.stop(120_000)
  }
  if (phase.errors > 0 || phase.completed === 0) throw new Error(`${wanted.name}: ${phase.errors} requests failed, ${phase.completed} completed`)
  return await totalInstructions(outFile) / phase.completed
}

function mean (numbers: number[]): number {
  let sum = 0
  for (const each of numbers) sum += each
  return sum / numbers.length
}

function thousands (count: number): string {
  return Math.round(count).toLocaleString('en-US')
}

let harness: Harness | undefined
try {
  await mkdir(logsDir, { recursive: true })
  await mkdir(outDir, { recursive: true })
  const wanted = wantedGateways(values.targets, values.baseline, import.meta.dirname)
  harness = await startHarness(logsDir, 'instructions', wanted)
  const { mock, load, valkey } = harness

  const rows: Array<{ name: string, counts: number[] }> = []
  for (const each of wanted) {
    const counts: number[] = []
    for (let index = 1; index <= Number(values.runs); index++) {
      counts.push(await countOnce(each, mock.ready.url as string, load, valkey, index))
      log(`${each.name}, run ${index}: ${Math.round(counts.at(-1) as number)} instructions per ${values.route}`)
    }
    rows.push({ name: each.name, counts })
  }

  const first = mean(rows[0].counts)
  const runs = rows[0].counts.map(function header (_count, index) { return `run ${index + 1}` })
  const lines = [
    `### Instructions per ${values.route} (callgrind, user space; ${values.seconds} s counted after ${values.warmup} s of warm-up, closed loop of ${CONCURRENCY}; before/after only)`,
    '',
    `| target | ${runs.join(' | ')} | mean | vs ${rows[0].name} |`,
    `| --- | ${runs.map(function rule () { return '---' }).join(' | ')} | --- | --- |`
  ]
  for (const { name, counts } of rows) {
    lines.push(`| ${name} | ${counts.map(thousands).join(' | ')} | ${thousands(mean(counts))} | ${(mean(counts) / first).toFixed(3)}× |`)
  }
  process.stdout.write(lines.join('\n') + '\n')
} catch (error) {
  log((error as Error).stack ?? String(error))
  process.exitCode = 1
} finally {
  await harness?.stop()
}
