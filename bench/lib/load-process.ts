// The load generator, in its own process: undici pools, fixed concurrency (closed loop), fixed
// rate (open loop, latency counted from the scheduled start so a slow server cannot hide its
// queue), interleaved sequential pairs, and streams held open. Jobs arrive over IPC.

import type { Dispatcher, Pool } from 'undici'
import { undici } from './deps.ts'
import { summarize } from './stats.ts'
import { announceReady, serveParent } from './ipc.ts'
import type { IpcMessage } from './ipc.ts'
import type { PhaseResult } from './phases.ts'

/** One kind of request to send. */
export interface Target {
  url: string
  path: string
  body: unknown
  stream: boolean
  /** Request headers (content-type is JSON unless given). */
  headers?: Record<string, string>
}

interface Exchange {
  ok: boolean
  /** Milliseconds until the first body byte. */
  ttfb: number
  /** Milliseconds until the body ended. */
  total: number
  /** SSE frames received (streams). */
  frames: number
}

const pools = new Map<string, Pool>()

function poolFor (url: string, connections: number): Pool {
  const key = `${url}#${connections}`
  let pool = pools.get(key)
  if (pool === undefined) {
    pool = new undici.Pool(url, { connections, pipelining: 1 })
    pools.set(key, pool)
  }
  return pool
}

function countFrames (chunk: Buffer): number {
  let frames = 0
  let index = chunk.indexOf('\n\n')
  while (index !== -1) {
    frames++
    index = chunk.indexOf('\n\n', index + 2)
  }
  return frames
}

const JSON_HEADERS = { 'content-type': 'application/json' }

async function send (pool: Dispatcher, target: Target, payload: string, startedAt: number = performance.now()): Promise<Exchange> {
  try {
    const response = await pool.request({ path: target.path, method: 'POST', headers: target.headers ?? JSON_HEADERS, body: payload })
    let ttfb = 0
    let frames = 0
    for await (const chunk of response.body) {
      if (ttfb === 0) ttfb = performance.now() - startedAt
      if (target.stream) frames += countFrames(chunk)
    }
    const total = performance.now() - startedAt
    return { ok: response.statusCode === 200, ttfb: ttfb === 0 ? total : ttfb, total, frames }
  } catch {
    return { ok: false, ttfb: 0, total: performance.now() - startedAt, frames: 0 }
  }
}

function phaseResult (exchanges: Exchange[], errors: number, seconds: number): PhaseResult {
  const framesPerAnswer = exchanges.length === 0 ? 0 : exchanges.reduce(function add (sum, each) { return sum + each.frames }, 0) / exchanges.length
  return {
    completed: exchanges.length,
    errors,
    seconds,
    requestsPerSecond: exchanges.length / seconds,
    latency: summarize(exchanges.map(function total (each) { return each.total })),
    ttfb: summarize(exchanges.map(function ttfb (each) { return each.ttfb })),
    framesPerAnswer
  }
}

/** Closed loop: `concurrency` workers, each sending its next request when the last one ended. */
async function closedLoop (target: Target, concurrency: number, seconds: number): Promise<PhaseResult> {
  const pool = poolFor(target.url, concurrency)
  const payload = JSON.stringify(target.body)
  const exchanges: Exchange[] = []
  let errors = 0
  const startedAt = performance.now()
  const deadline = startedAt + seconds * 1000
  async function worker (): Promise<void> {
    while (performance.now() < deadline) {
      const exchange = await send(pool, target, payload)
      if (exchange.ok) exchanges.push(exchange)
      else errors++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return phaseResult(exchanges, errors, (performance.now() - startedAt) / 1000)
}

/**
 * The long run: `concurrency` workers, each alternating between the targets (worker i starts at
 * target i mod n, so the targets are in flight alike), until `requests` are done or `seconds` pass.
 * Only counts and latencies are kept: a million exchanges would weigh on this process.
 */
async function mixedLoop (targets: Target[], concurrency: number, requests: number, seconds: number): Promise<PhaseResult[]> {
  const pool = poolFor(targets[0].url, concurrency)
  const payloads = targets.map(function payload (target) { return JSON.stringify(target.body) })
  const latencies: number[][] = targets.map(function none () { return [] })
  const errors = targets.map(function zero () { return 0 })
  let started = 0
  const startedAt = performance.now()
  const deadline = startedAt + seconds * 1000
  async function worker (index: number): Promise<void> {
    let next = index % targets.length
    while (started < requests && performance.now() < deadline) {
      started++
      const exchange = await send(pool, targets[next], payloads[next])
      if (exchange.ok) latencies[next].push(exchange.total)
      else errors[next]++
      next = (next + 1) % targets.length
    }
  }
  await Promise.all(Array.from({ length: concurrency }, function start (_, index) { return worker(index) }))
  const elapsed = (performance.now() - startedAt) / 1000
  return latencies.map(function result (each, t) {
    const latency = summarize(each)
    return { completed: each.length, errors: errors[t], seconds: elapsed, requestsPerSecond: each.length / elapsed, latency, ttfb: latency, framesPerAnswer: 0 }
  })
}

/** Open loop: requests start on a fixed schedule whatever the server does. */
async function openLoop (target: Target, rate: number, seconds: number): Promise<PhaseResult> {
  const pool = poolFor(target.url, 256)
  const payload = JSON.stringify(target.body)
  const exchanges: Exchange[] = []
  const inFlight: Array<Promise<void>> = []
  let errors = 0
  const total = Math.round(rate * seconds)
  const interval = 1000 / rate
  const startedAt = performance.now()
  let sent = 0
  while (sent < total) {
    const now = performance.now()
    while (sent < total && startedAt + sent * interval <= now) {
      const scheduled = startedAt + sent * interval
      inFlight.push(send(pool, target, payload, scheduled).then(function record (exchange) {
        if (exchange.ok) exchanges.push(exchange)
        else errors++
      }))
      sent++
    }
    await new Promise(function tick (resolve) { setTimeout(resolve, 1) })
  }
  await Promise.all(inFlight)
  return phaseResult(exchanges, errors, (performance.now() - startedAt) / 1000)
}

/** Sequential requests alternating between targets, so drift affects both alike. */
async function sequentialPairs (targets: Target[], count: number): Promise<PhaseResult[]> {
  const pools = targets.map(function pool (target) { return poolFor(target.url, 1) })
  const payloads = targets.map(function payload (target) { return JSON.stringify(target.body) })
  const exchanges: Exchange[][] = targets.map(function none () { return [] })
  const errors = targets.map(function zero () { return 0 })
  const startedAt = performance.now()
  for (let i = 0; i < count; i++) {
    for (let t = 0; t < targets.length; t++) {
      const exchange = await send(pools[t], targets[t], payloads[t])
      if (exchange.ok) exchanges[t].push(exchange)
      else errors[t]++
    }
  }
  const seconds = (performance.now() - startedAt) / 1000
  return exchanges.map(function result (each, t) { return phaseResult(each, errors[t], seconds) })
}

/** Streams opened by `hold`, kept until `release`. */
let held: { pool: Pool, bodies: Dispatcher.ResponseData['body'][] } | undefined

/** Open `count` streams and resolve once each has sent its first bytes. */
async function hold (target: Target, count: number): Promise<{ opened: number }> {
  const pool = new undici.Pool(target.url, { connections: count, pipelining: 1 })
  const bodies: Dispatcher.ResponseData['body'][] = []
  held = { pool, bodies }
  const payload = JSON.stringify(target.body)
  const opened = await Promise.all(Array.from({ length: count }, async function open () {
    const response = await pool.request({ path: target.path, method: 'POST', headers: JSON_HEADERS, body: payload, bodyTimeout: 0 })
    bodies.push(response.body)
    // Destroying it later (release) is expected: do not let that be an unhandled 'error'.
    response.body.on('error', function ignore () {})
    // Wait for the first frame; the rest never comes (the mock stalls).
    await new Promise<void>(function firstChunk (resolve) {
      response.body.once('data', function onData () {
        response.body.pause()
        resolve()
      })
    })
    return response.statusCode === 200
  }))
  return { opened: opened.filter(Boolean).length }
}

async function release (): Promise<void> {
  if (held === undefined) return
  const { pool, bodies } = held
  held = undefined
  for (const body of bodies) body.destroy()
  await pool.destroy()
}

serveParent(async function run (message: IpcMessage) {
  const target = message.target as Target
  switch (message.type) {
    case 'closed':
      return { result: await closedLoop(target, message.concurrency as number, message.seconds as number) }
    case 'open':
      return { result: await openLoop(target, message.rate as number, message.seconds as number) }
    case 'mixed':
      return { results: await mixedLoop(message.targets as Target[], message.concurrency as number, message.requests as number, message.seconds as number) }
    case 'pairs':
      return { results: await sequentialPairs(message.targets as Target[], message.count as number) }
    case 'hold':
      return await hold(target, message.count as number)
    case 'release':
      await release()
      return {}
    default:
      throw new Error(`unknown job ${message.type}`)
  }
}, async function stop () {
  await release()
  await Promise.all([...pools.values()].map(function close (pool) { return pool.destroy() }))
})
announceReady({ pid: process.pid })
