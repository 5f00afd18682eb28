// The markdown tables printed at the end of a run (and pasted into docs/benchmarks.md).

import type { DirectResult, GatewayResult, SequentialResult } from './phases.ts'
import type { Plan } from './setup.ts'
import type { InterleavedPlan, InterleavedRun, InterleavedRuns } from './interleaved.ts'
import { median, pairedRatios } from './interleaved.ts'

function ms (value: number): string {
  return Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : '–'
}

function signedMs (value: number): string {
  return Number.isFinite(value) ? (value >= 0 ? '+' : '') + value.toFixed(2) : '–'
}

function mb (bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1024 / 1024).toFixed(1) : '–'
}

function kb (bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : '–'
}

function row (cells: string[]): string {
  return `| ${cells.join(' | ')} |`
}

function mbPerMinute (bytesPerMinute: number): string {
  return Number.isFinite(bytesPerMinute) ? (bytesPerMinute >= 0 ? '+' : '') + (bytesPerMinute / 1024 / 1024).toFixed(1) : '–'
}

/** Five tables: throughput and CPU, added latency, its stages, memory, and the long run. */
export function renderTables (results: GatewayResult[], direct: DirectResult, plan: Plan): string {
  const lines: string[] = []

  lines.push(`### Throughput and CPU (closed loop, concurrency ${plan.concurrency}; latency in ms)`, '')
  // The ratios to the floor are in the interleaved table: these phases ran minutes apart.
  lines.push(row(['target', 'prompt req/s', 'p50', 'p99', 'CPU µs/req', 'stream req/s', 'p50', 'p99', 'CPU µs/req']))
  lines.push(row(Array(9).fill('---')))
  lines.push(row(['mock (direct)', direct.prompt.requestsPerSecond.toFixed(0), ms(direct.prompt.latency.p50), ms(direct.prompt.latency.p99), '–',
    direct.stream.requestsPerSecond.toFixed(0), ms(direct.stream.latency.p50), ms(direct.stream.latency.p99), '–']))
  for (const result of results) {
    const { prompt, stream } = result.throughput
    lines.push(row([result.name,
      prompt.requestsPerSecond.toFixed(0), ms(prompt.latency.p50), ms(prompt.latency.p99), prompt.cpuMicrosPerRequest.toFixed(0),
      stream.requestsPerSecond.toFixed(0), ms(stream.latency.p50), ms(stream.latency.p99), stream.cpuMicrosPerRequest.toFixed(0)]))
  }

  lines.push('', `### Latency added over calling the mock directly (ms; sequential: ${plan.sequentialCount} interleaved pairs; open loop: ${plan.openRate} req/s)`, '')
  lines.push(row(['target', 'prompt p50', 'prompt p99', 'stream first byte p50', 'first byte p99', 'stream end p50', 'open-loop prompt p50', 'open-loop p99']))
  lines.push(row(Array(8).fill('---')))
  function added ({ prompt, stream, directPrompt, directStream }: SequentialResult): string[] {
    return [
      signedMs(prompt.latency.p50 - directPrompt.latency.p50), signedMs(prompt.latency.p99 - directPrompt.latency.p99),
      signedMs(stream.ttfb.p50 - directStream.ttfb.p50), signedMs(stream.ttfb.p99 - directStream.ttfb.p99),
      signedMs(stream.latency.p50 - directStream.latency.p50)
    ]
  }
  // One more process on the path with no HTTP work: the part of every row no gateway code removes.
  lines.push(row(['tcp relay (the hop alone)', ...added(direct.hop), '–', '–']))
  for (const result of results) {
    const open = result.open.prompt
    lines.push(row([result.name, ...added(result.sequential),
      signedMs(open.latency.p50 - direct.open.latency.p50), signedMs(open.latency.p99 - direct.open.latency.p99)]))
  }

  lines.push('', `### Where a sequential prompt's time goes inside the gateway (µs, median of ${plan.sequentialCount} traced requests)`, '')
  lines.push(row(['target', 'in: request to upstream call', 'upstream: call to its last byte', 'out: last byte to response sent', 'total']))
  lines.push(row(Array(5).fill('---')))
  function micros (value: number): string {
    return Number.isFinite(value) ? value.toFixed(0) : '–'
  }
  for (const result of results) {
    const { inMicros, upstreamMicros, outMicros, totalMicros } = result.stages
    lines.push(row([result.name, micros(inMicros), micros(upstreamMicros), micros(outMicros), micros(totalMicros)]))
  }

  lines.push('', '### Memory (RSS in MB; per open stream in KB)', '')
  lines.push(row(['target', 'idle', 'under load (max)', 'per open stream (RSS)', 'per open stream (heap)']))
  lines.push(row(Array(5).fill('---')))
  for (const result of results) {
    lines.push(row([result.name, mb(result.rssIdle), mb(result.rssUnderLoad), kb(result.stalled.rssPerStream), kb(result.stalled.heapPerStream)]))
  }

  const longRuns = results.filter(function ranLong (result) { return result.longRun !== undefined })
  if (longRuns.length > 0) {
    lines.push('', `### Long run (fresh process; closed loop, concurrency ${plan.longRunConcurrency}, prompts and streams alternating, every request a new session, historyExpiration ${plan.historyExpiration}; MB, slope in MB/min over the second half)`, '')
    lines.push(row(['target', 'requests', 'req/s', 'seconds', 'steady from (s)', 'RSS start', 'RSS end', 'RSS slope', 'heap low start', 'heap low end', 'heap low slope', 'live heap start', 'live heap end', 'live heap slope', 'after (GC) RSS / heap']))
    lines.push(row(Array(15).fill('---')))
    for (const result of longRuns) {
      const long = result.longRun as NonNullable<GatewayResult['longRun']>
      lines.push(row([result.name, String(long.completed), long.requestsPerSecond.toFixed(0), long.seconds.toFixed(0), long.steadyFrom.toFixed(0),
        mb(long.rssStart), mb(long.rssEnd), mbPerMinute(long.rssSlopeSecondHalf),
        mb(long.heapStart), mb(long.heapEnd), mbPerMinute(long.heapSlopeSecondHalf),
        mb(long.liveHeapStart), mb(long.liveHeapEnd), mbPerMinute(long.liveHeapSlopeSecondHalf),
        `${mb(long.rssAfterGc)} / ${mb(long.heapAfterGc)}`]))
    }
  }
  return lines.join('\n')
}

/**
 * CPU per request in interleaved rounds, and each target's ratio to the floor: the median of
 * the rounds' own ratios (pairedRatios), with their first and third quartiles.
 */
export function renderInterleaved ({ results, probes }: InterleavedRun, plan: InterleavedPlan): string {
  const floor = results.find(function isFloor (result) { return result.name === 'floor' })
  const load = plan.rates === undefined
    ? `closed loop, concurrency ${plan.concurrency}`
    : `fixed rate: ${[plan.only !== 'stream' ? `${plan.rates.prompt} prompts/s` : '', plan.only !== 'prompt' ? `${plan.rates.stream} streams/s` : ''].filter(Boolean).join(', ')}, the same for every target`
  const lines = [
    `### CPU per request, interleaved, ${plan.rates === undefined ? 'at saturation' : 'identical traffic'} (µs, median of ${plan.rounds} rounds of ${plan.seconds} s per target after ${plan.warmupSeconds} s of warm-up each, ${load}; vs floor: median of the rounds' ratios, quartiles beside it)`,
    '',
    row(['target', 'prompt', 'of it kernel', 'vs floor', 'quartiles', 'req/s', 'stream', 'of it kernel', 'vs floor', 'quartiles', 'req/s']),
    row(Array(11).fill('---'))
  ]
  function times (value: number): string {
    return Number.isFinite(value) ? value.toFixed(2) + '×' : '–'
  }
  function micros (value: number): string {
    return Number.isFinite(value) ? value.toFixed(1) : '–'
  }
  function perSecond (rates: number[]): string {
    const value = median(rates)
    return Number.isFinite(value) ? value.toFixed(0) : '–'
  }
  function spread (low: number, high: number): string {
    return Number.isFinite(low) && Number.isFinite(high) ? `${times(low)}–${times(high)}` : '–'
  }
  for (const result of results) {
    const prompt = pairedRatios(result.prompt, floor?.prompt)
    const stream = pairedRatios(result.stream, floor?.stream)
    lines.push(row([result.name,
      micros(result.promptMedian), micros(result.promptSystemMedian), times(prompt.median), spread(prompt.low, prompt.high), perSecond(result.promptRate),
      micros(result.streamMedian), micros(result.streamSystemMedian), times(stream.median), spread(stream.low, stream.high), perSecond(result.streamRate)]))
  }
  if (probes.length > 0) {
    const fastest = Math.min(...probes)
    const slowest = Math.max(...probes)
    lines.push('', `Speed of the machine during the rounds: the same loop of pure JavaScript took ${fastest.toFixed(1)} to ${slowest.toFixed(1)} ms of CPU (median ${median(probes).toFixed(1)}, ${(slowest / fastest).toFixed(2)}× apart) over ${probes.length} probes, one before each target's phases of a round.`)
  }
  return lines.join('\n')
}

/** The interleaved rounds at saturation, then at a fixed rate (when those did not fail). */
export function renderInterleavedLoads (runs: InterleavedRuns): string {
  const closed = renderInterleaved(runs.closed, runs.closedPlan)
  return runs.fixedRate === undefined ? closed : closed + '\n\n' + renderInterleaved(runs.fixedRate, runs.fixedRatePlan)
}
