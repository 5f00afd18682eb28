// `node bench/in-process.ts`: what the gateway's own JavaScript costs per request, without the
// network. Each target runs in its own process with the provider replaced by an in-memory
// dispatcher replaying the mock provider's real answers and the client by `inject()`, so no
// system call is made while measuring: the figure is the route, the core, the store and their
// GC, free of the kernel's and the box's share, which on a shared 2-core machine moves from
// minute to minute and dilutes or swells the ratio of the network benchmark (docs/benchmarks.md).
// The targets run in interleaved rounds; the figure is each one's median.
//
//   node bench/in-process.ts [--targets floor,fastify-ai] [--baseline <checkout>] [--rounds 11]
//                            [--ms 1000] [--concurrency 32] [--only prompt|stream]
//                            [--history-expiration 10s] [--node-flags='--cpu-prof …']
//
// `--baseline` adds `baseline`: the gateway started from another checkout of this repository
// (with its dependencies installed), for before/after.

import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { forkChild } from './lib/ipc.ts'
import type { BenchChild } from './lib/ipc.ts'
import { median, pairedRatios } from './lib/interleaved.ts'
import { FULL_PLAN } from './lib/setup.ts'

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'floor,fastify-ai' },
    baseline: { type: 'string' },
    rounds: { type: 'string', default: '11' },
    /** Milliseconds of each measured phase. */
    ms: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: String(FULL_PLAN.concurrency) },
    'history-expiration': { type: 'string', default: FULL_PLAN.historyExpiration },
    'node-flags': { type: 'string', default: '' },
    only: { type: 'string' }
  }
})

interface Target {
  name: string
  child: BenchChild
  prompt: number[]
  stream: number[]
}

const logsDir = join(import.meta.dirname, 'results', 'logs')

function log (message: string): void {
  process.stderr.write(message + '\n')
}

async function phase (target: Target, path: 'prompt' | 'stream', ms: number): Promise<number> {
  const answer = await target.child.call({ type: 'run', path, concurrency: Number(values.concurrency), ms })
  const completed = answer.completed as number
  const failed = answer.failed as number
  if (failed > 0 || completed === 0) throw new Error(`${target.name}: ${failed} of ${completed + failed} ${path} requests failed`)
  return answer.cpuMicros as number
}

function times (value: number): string {
  return Number.isNaN(value) ? '–' : value.toFixed(2) + '×'
}

function render (targets: Target[]): string {
  const floor = targets.find(function isFloor (target) { return target.name === 'floor' })
  const lines = [
    `### CPU per request in process, no network (µs; median of ${values.rounds} rounds of ${values.ms} ms, concurrency ${values.concurrency}; vs floor: median of the rounds' ratios)`,
    '',
    '| target | prompt | vs floor | prompt ratio quartiles | stream | vs floor | stream ratio quartiles |',
    '| --- | --- | --- | --- | --- | --- | --- |'
  ]
  for (const target of targets) {
    const prompt = pairedRatios(target.prompt, floor?.prompt)
    const stream = pairedRatios(target.stream, floor?.stream)
    lines.push(`| ${target.name} | ${median(target.prompt).toFixed(1)} | ${times(prompt.median)} | ${times(prompt.low)}–${times(prompt.high)} ` +
      `| ${median(target.stream).toFixed(1)} | ${times(stream.median)} | ${times(stream.low)}–${times(stream.high)} |`)
  }
  return lines.join('\n')
}

const children: BenchChild[] = []
try {
  await mkdir(logsDir, { recursive: true })
  const wanted = values.targets.split(',').map(function parse (name) { return { name, kind: name, root: import.meta.dirname } })
  if (values.baseline !== undefined) wanted.push({ name: 'baseline', kind: 'fastify-ai', root: join(values.baseline, 'bench') })
  const targets: Target[] = []
  for (const { name, kind, root } of wanted) {
    const child = await forkChild(join(root, 'lib', 'in-process-target.ts'), {
      args: [kind, values['history-expiration']],
      execArgv: values['node-flags'].split(' ').filter(Boolean),
      logFile: join(logsDir, `in-process-${name}.log`)
    })
    children.push(child)
    targets.push({ name, child, prompt: [], stream: [] })
  }
  const ms = Number(values.ms)
  const paths = (['prompt', 'stream'] as const).filter(function wantedPath (path) { return values.only === undefined || values.only === path })
  // Warm-up: the JIT and the store's steady state (sessions expiring as fast as they come).
  for (const target of targets) {
    for (const path of paths) await phase(target, path, Math.max(ms, 2000))
  }
  const rounds = Number(values.rounds)
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 0 ? [...targets].reverse() : targets
    for (const target of order) {
      for (const path of paths) target[path].push(await phase(target, path, ms))
    }
    log(`round ${round}/${rounds}: ` + targets.map(function show (target) {
      return `${target.name} ${target.prompt.at(-1)?.toFixed(1) ?? '–'} / ${target.stream.at(-1)?.toFixed(1) ?? '–'}`
    }).join(', '))
  }
  process.stdout.write(render(targets) + '\n')
} catch (error) {
  log((error as Error).stack ?? String(error))
  process.exitCode = 1
} finally {
  await Promise.allSettled(children.map(function stop (child) { return child.stop() }))
}
