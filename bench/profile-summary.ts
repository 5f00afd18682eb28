// Summarize V8 .cpuprofile files: the functions with the most self time, and self time per
// file/package, so the hot path of a bench phase reads at a glance.
//   node bench/profile-summary.ts bench/results/profiles/fastify-ai-memory-prompt.cpuprofile [--top 25]

import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number }
  hitCount?: number
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

/** Where a function lives, shortened: `undici/lib/…`, `ai-provider/src/…`, `node:internal/…`. */
function place (url: string): string {
  if (url === '') return '(native)'
  const path = url.replace(/^file:\/\//, '')
  const modules = path.lastIndexOf('/node_modules/')
  if (modules !== -1) return path.slice(modules + '/node_modules/'.length)
  const packages = path.indexOf('/packages/')
  if (packages !== -1) return path.slice(packages + '/packages/'.length)
  const bench = path.indexOf('/bench/')
  if (bench !== -1) return path.slice(bench + 1)
  return path
}

/** The package (or area) a place belongs to. */
function area (location: string): string {
  if (location.startsWith('node:') || location === '(native)') return location.split('/')[0].split(':').slice(0, 2).join(':')
  const parts = location.split('/')
  if (parts[0] === '.pnpm') return parts[3]?.startsWith('@') === true ? `${parts[3]}/${parts[4]}` : parts[3] ?? location
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
}

/**
 * The summary of one profile. With `requests` (requests completed while it was taken), times
 * are also given in microseconds per request, comparable between a gateway and the floor.
 */
export type { Profile }

export function summarize (profile: Profile, top: number, requests?: number): string {
  // Self time per node: the time deltas of the samples that landed on it.
  const selfMicros = new Map<number, number>()
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
  }
  const total = profile.endTime - profile.startTime
  const byFunction = new Map<string, number>()
  const byArea = new Map<string, number>()
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0
    if (micros === 0) continue
    const { functionName, url, lineNumber } = node.callFrame
    const location = place(url)
    const key = `${functionName || '(anonymous)'}  ${location}${url === '' ? '' : ':' + (lineNumber + 1)}`
    byFunction.set(key, (byFunction.get(key) ?? 0) + micros)
    const where = url === '' ? functionName : area(location)
    byArea.set(where, (byArea.get(where) ?? 0) + micros)
  }
  const lines: string[] = []
  function percent (micros: number): string {
    const share = (100 * micros / total).toFixed(1).padStart(5) + '%'
    return requests === undefined ? share : `${share} ${(micros / requests).toFixed(2).padStart(7)} µs/req`
  }
  const perRequest = requests === undefined ? '' : `, ${requests} requests`
  lines.push(`profile: ${(total / 1e6).toFixed(2)} s, ${profile.samples.length} samples${perRequest}`, '', 'self time by function:')
  for (const [key, micros] of [...byFunction].sort(function bySelf (a, b) { return b[1] - a[1] }).slice(0, top)) {
    lines.push(`${percent(micros)}  ${key}`)
  }
  // Inclusive time of the project's own functions (packages/…), callees included: what a
  // function costs as a whole, where self time spreads over Node and library internals.
  const byId = new Map(profile.nodes.map(function index (node) { return [node.id, node] }))
  const inclusive = new Map<number, number>()
  function totalOf (node: ProfileNode): number {
    let micros = selfMicros.get(node.id) ?? 0
    for (const child of node.children ?? []) micros += totalOf(byId.get(child) as ProfileNode)
    inclusive.set(node.id, micros)
    return micros
  }
  const childIds = new Set(profile.nodes.flatMap(function children (node) { return node.children ?? [] }))
  for (const node of profile.nodes) if (!childIds.has(node.id)) totalOf(node)
  const ownTotal = new Map<string, number>()
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame
    if (!url.includes('/packages/')) continue
    const key = `${functionName || '(anonymous)'}  ${place(url)}:${lineNumber + 1}`
    ownTotal.set(key, (ownTotal.get(key) ?? 0) + (inclusive.get(node.id) ?? 0))
  }
  lines.push('', 'inclusive time of project functions (callees included; recursion counted once per frame):')
  for (const [key, micros] of [...ownTotal].sort(function byTotal (a, b) { return b[1] - a[1] }).slice(0, top)) {
    lines.push(`${percent(micros)}  ${key}`)
  }

  lines.push('', 'self time by package / area:')
  for (const [key, micros] of [...byArea].sort(function bySelf (a, b) { return b[1] - a[1] }).slice(0, top)) {
    lines.push(`${percent(micros)}  ${key}`)
  }
  return lines.join('\n')
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, requests: { type: 'string' } }
  })
  for (const file of positionals) {
    const profile = JSON.parse(await readFile(file, 'utf8')) as Profile
    const requests = values.requests === undefined ? undefined : Number(values.requests)
    process.stdout.write(`## ${file}\n${summarize(profile, Number(values.top), requests)}\n\n`)
  }
}
