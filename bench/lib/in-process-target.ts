// One target of `bench/in-process.ts` in its own process (its own heap and GC):
//   node in-process-target.ts <floor|fastify-ai> <historyExpiration>
// The provider is an in-memory dispatcher replaying the mock provider's real answers, and the
// client is `inject()`: no socket, no system call, so what is measured is the JavaScript (and
// the GC) of the route, the core and the store, without the kernel and the box's scheduling.

import type { Dispatcher } from 'undici'
import { Fastify, undici } from './deps.ts'
import { createMockProvider } from '../../packages/mock-provider/src/index.ts'
import { MOCK_BEHAVIOURS, MODEL, PROMPT, aiOptions, upstreamBody } from './setup.ts'
import { announceReady, serveParent } from './ipc.ts'

const [kind, historyExpiration] = process.argv.slice(2)

/** An upstream answer as the mock sent it: status, raw headers and body. */
interface Recorded {
  statusCode: number
  rawHeaders: Buffer[]
  body: Buffer
}

/** Ask the real mock provider once and keep its answer's bytes. */
async function record (url: string, stream: boolean): Promise<Recorded> {
  const response = await undici.request(url + '/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    body: JSON.stringify(upstreamBody(PROMPT, stream))
  })
  const body = Buffer.from(await response.body.arrayBuffer())
  const rawHeaders: Buffer[] = []
  for (const [name, value] of Object.entries(response.headers)) {
    // The replayed body is one chunk, not chunked encoding.
    if (name === 'transfer-encoding' || name === 'content-length' || value === undefined) continue
    rawHeaders.push(Buffer.from(name), Buffer.from(String(value)))
  }
  rawHeaders.push(Buffer.from('content-length'), Buffer.from(String(body.length)))
  return { statusCode: response.statusCode, rawHeaders, body }
}

/**
 * Answers every request with a recorded answer (a stream for a body asking one), the way a
 * socket would: headers on a later turn of the event loop, then the body in one chunk (the mock
 * writes a whole answer in one tick, which loopback delivers as one read).
 */
class ReplayDispatcher extends undici.Dispatcher {
  readonly prompt: Recorded
  readonly stream: Recorded

  constructor (prompt: Recorded, stream: Recorded) {
    super()
    this.prompt = prompt
    this.stream = stream
  }

  dispatch (options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const answer = String(options.body).includes('"stream":true') ? this.stream : this.prompt
    // undici's request() gives its own handler, which takes the callbacks of undici's classic handler API.
    const classic = handler as unknown as ClassicHandler
    let aborted = false
    classic.onConnect?.(function abort (reason) {
      if (aborted) return
      aborted = true
      queueMicrotask(function fail () { classic.onError?.(reason ?? new Error('aborted')) })
    })
    setImmediate(function respond () {
      if (aborted) return
      classic.onHeaders?.(answer.statusCode, answer.rawHeaders, function resume () {}, 'OK')
      if (aborted) return
      classic.onData?.(answer.body)
      if (aborted) return
      classic.onComplete?.([])
    })
    return true
  }

  async close (): Promise<void> {}
  async destroy (): Promise<void> {}
}

interface ClassicHandler {
  onConnect?: (abort: (reason?: Error) => void) => void
  onHeaders?: (statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText: string) => boolean
  onData?: (chunk: Buffer) => boolean
  onComplete?: (trailers: Buffer[]) => void
  onError?: (error: Error) => void
}

const mock = await createMockProvider({ record: false })
for (const [model, behaviour] of Object.entries(MOCK_BEHAVIOURS)) mock.setBehaviour(model, behaviour)
const dispatcher = new ReplayDispatcher(await record(mock.url, false), await record(mock.url, true))
await mock.close()

async function startTarget (): Promise<import('fastify').FastifyInstance> {
  if (kind === 'floor') {
    const { startFloor } = await import('./floor-server.ts')
    return startFloor('http://mock.invalid', dispatcher)
  }
  const { createAi } = await import('../../packages/ai-provider/src/index.ts')
  const { default: fastifyAi } = await import('../../packages/fastify-ai/src/index.ts')
  const app = Fastify({ logger: { level: 'warn' } })
  const options = aiOptions('http://mock.invalid', { type: 'memory' }, historyExpiration)
  const ai = await createAi(options as unknown as Parameters<typeof createAi>[0], { logger: app.log, dispatchers: { openai: dispatcher } })
  await app.register(fastifyAi, { ai })
  app.addHook('onClose', async function closeAi () { await ai.close() })
  return app
}

const app = await startTarget()
await app.ready()

const requests = {
  prompt: { method: 'POST' as const, url: '/api/v1/prompt', payload: JSON.stringify({ prompt: PROMPT }), headers: { 'content-type': 'application/json' } },
  stream: { method: 'POST' as const, url: '/api/v1/stream', payload: JSON.stringify({ prompt: PROMPT }), headers: { 'content-type': 'application/json' } }
}

/** `concurrency` loops of inject() for `ms` milliseconds; CPU µs of this process per request. */
async function run (path: 'prompt' | 'stream', concurrency: number, ms: number): Promise<Record<string, unknown>> {
  const request = requests[path]
  const expected = path === 'stream' ? 'event: end' : `"model":"openai:${MODEL}"`
  let completed = 0
  let failed = 0
  const deadline = performance.now() + ms
  const before = process.cpuUsage()
  async function loop (): Promise<void> {
    while (performance.now() < deadline) {
      const response = await app.inject(request)
      if (response.statusCode === 200 && response.payload.includes(expected)) completed++
      else failed++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, loop))
  const cpu = process.cpuUsage(before)
  return { completed, failed, cpuMicros: (cpu.user + cpu.system) / completed }
}

serveParent(async function answer (message) {
  if (message.type === 'run') return run(message.path as 'prompt' | 'stream', message.concurrency as number, message.ms as number)
  throw new Error(`unknown message ${message.type}`)
}, async function stop () {
  await app.close()
})
announceReady({ pid: process.pid })
