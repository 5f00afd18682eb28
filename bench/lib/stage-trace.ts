// Where a gateway's latency goes, request by request: timestamps taken from Node's and undici's
// diagnostics channels inside the gateway process, while one request is served at a time.
//   in → upstream call: the request's headers parsed → the upstream request created
//   upstream: created → the upstream answer's last byte
//   out: the upstream answer's last byte → the response finished
// The subscribers cost a little themselves, so the bench traces its own sequential pass, apart
// from the one whose latencies it reports.

import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { percentile } from './stats.ts'

/** Median microseconds of each stage over the traced requests. */
export interface StageSummary {
  requests: number
  inMicros: number
  upstreamMicros: number
  outMicros: number
  totalMicros: number
}

interface Marks {
  start: number
  create: number
  trailers: number
}

const CHANNELS = ['http.server.request.start', 'undici:request:create', 'undici:request:trailers', 'http.server.response.finish'] as const

let current: Marks = { start: Number.NaN, create: Number.NaN, trailers: Number.NaN }
const rows: number[][] = []

function onStart (): void {
  current = { start: performance.now(), create: Number.NaN, trailers: Number.NaN }
}

function onCreate (): void {
  // The first upstream request of the exchange (a retry would be the second).
  if (Number.isNaN(current.create)) current.create = performance.now()
}

function onTrailers (): void {
  current.trailers = performance.now()
}

function onFinish (): void {
  const finish = performance.now()
  rows.push([current.create - current.start, current.trailers - current.create, finish - current.trailers, finish - current.start])
}

const HANDLERS = [onStart, onCreate, onTrailers, onFinish]

/** Start recording (one request at a time: stages of overlapping requests would mix). */
export function startTrace (): void {
  rows.length = 0
  for (let i = 0; i < CHANNELS.length; i++) subscribe(CHANNELS[i], HANDLERS[i])
}

function medianMicros (column: number): number {
  const values = rows.map(function pick (row) { return row[column] }).filter(Number.isFinite).sort(function byValue (a, b) { return a - b })
  return percentile(values, 0.5) * 1000
}

/** Stop recording and summarize. */
export function stopTrace (): StageSummary {
  for (let i = 0; i < CHANNELS.length; i++) unsubscribe(CHANNELS[i], HANDLERS[i])
  const summary = { requests: rows.length, inMicros: medianMicros(0), upstreamMicros: medianMicros(1), outMicros: medianMicros(2), totalMicros: medianMicros(3) }
  rows.length = 0
  return summary
}
