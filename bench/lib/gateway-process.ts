// One gateway in its own process, so its CPU and memory are its own:
//   node gateway-process.ts <fastify-ai|fastify-ai-observed|watt|floor> <memory|valkey|cluster> <mockUrl> <historyExpiration> [valkeyUrl | cluster seeds, comma-separated]
// `fastify-ai-observed` is fastify-ai with metrics (a prom-client registry) and tracing (an
// OpenTelemetry SDK tracer that records every span, with no exporter) on: what they cost.
// It answers the bench's `sample` (CPU, memory) and `gc` requests over IPC.

import { createRequire } from 'node:module'
import { Session } from 'node:inspector/promises'
import { writeFile } from 'node:fs/promises'
// Each gateway imports only its own code, so the floor's memory is not inflated by the others'.
import { Fastify } from './deps.ts'
import { aiOptions } from './setup.ts'
import { announceReady, serveParent } from './ipc.ts'
import { startTrace, stopTrace } from './stage-trace.ts'

const [kind, storeType, mockUrl, historyExpiration, valkeyUrl] = process.argv.slice(2)
const storage = storeType === 'valkey'
  ? { type: 'valkey' as const, url: valkeyUrl }
  : storeType === 'cluster' ? { type: 'valkey' as const, cluster: { nodes: valkeyUrl.split(',') } } : { type: 'memory' as const }

/** Metrics and tracing options for `fastify-ai-observed`, from fastify-ai's own dependencies. */
function observedOptions (): Record<string, unknown> {
  const fromFastifyAi = createRequire(new URL('../../packages/fastify-ai/package.json', import.meta.url))
  const { Registry } = fromFastifyAi('prom-client') as { Registry: new () => object }
  const { BasicTracerProvider } = fromFastifyAi('@opentelemetry/sdk-trace-base') as { BasicTracerProvider: new () => { getTracer (name: string): object } }
  return { metrics: { registry: new Registry() }, tracing: { tracer: new BasicTracerProvider().getTracer('bench') } }
}

async function startPlugin (observed = false): Promise<{ url: string, close: () => Promise<void> }> {
  const { default: fastifyAi } = await import('../../packages/fastify-ai/src/index.ts')
  const app = Fastify({ logger: { level: 'warn' } })
  await app.register(fastifyAi, { ...aiOptions(mockUrl, storage, historyExpiration), ...(observed ? observedOptions() : {}) })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { url, close: () => app.close() }
}

async function startWatt (): Promise<{ url: string, close: () => Promise<void> }> {
  const { create } = await import('../../packages/ai-warp/src/index.ts')
  const app = await create(process.cwd(), {
    server: { hostname: '127.0.0.1', port: 0, logger: { level: 'warn' } },
    ai: aiOptions(mockUrl, storage, historyExpiration)
  })
  const url = String(await app.start({ listen: true }))
  return { url: url.replace('0.0.0.0', '127.0.0.1'), close: () => app.stop() }
}

async function startBare (): Promise<{ url: string, close: () => Promise<void> }> {
  const { startFloor } = await import('./floor-server.ts')
  const app = await startFloor(mockUrl)
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  return { url, close: () => app.close() }
}

const starters: Record<string, () => Promise<{ url: string, close: () => Promise<void> }>> = {
  'fastify-ai': () => startPlugin(false),
  'fastify-ai-observed': () => startPlugin(true),
  watt: startWatt,
  floor: startBare
}

const starter = starters[kind]
if (starter === undefined) throw new Error(`unknown gateway ${kind}`)
const gateway = await starter()

function sample (): Record<string, unknown> {
  const cpu = process.cpuUsage()
  const memory = process.memoryUsage()
  return { cpuMicros: cpu.user + cpu.system, systemMicros: cpu.system, rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, at: performance.now() }
}

// CPU profiles of single phases (`pnpm bench --profile`), taken in-process through the inspector.
let profiler: Session | undefined

async function startProfile (): Promise<void> {
  profiler = new Session()
  profiler.connect()
  await profiler.post('Profiler.enable')
  await profiler.post('Profiler.setSamplingInterval', { interval: 100 })
  await profiler.post('Profiler.start')
}

async function stopProfile (file: string): Promise<void> {
  if (profiler === undefined) return
  const { profile } = await profiler.post('Profiler.stop')
  profiler.disconnect()
  profiler = undefined
  await writeFile(file, JSON.stringify(profile))
}

serveParent(async function answer (message) {
  if (message.type === 'sample') return sample()
  if (message.type === 'profile-start') {
    await startProfile()
    return {}
  }
  if (message.type === 'profile-stop') {
    await stopProfile(message.file as string)
    return {}
  }
  if (message.type === 'trace-start') {
    startTrace()
    return {}
  }
  if (message.type === 'trace-stop') return { stages: stopTrace() }
  if (message.type === 'gc') {
    // Two passes: the first may only promote what the second frees.
    globalThis.gc?.()
    globalThis.gc?.()
    return sample()
  }
  throw new Error(`unknown message ${message.type}`)
}, async function stop () {
  await gateway.close()
})
announceReady({ url: gateway.url, pid: process.pid })
