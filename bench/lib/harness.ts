// What the before/after tools (compare.ts, instructions.ts) share: their `--targets`,
// `--baseline` and `--history-expiration` options, the gateways those name, and the processes
// every run needs around them (the mock, the load generator, a private Valkey server).

import { join } from 'node:path'
import { forkChild } from './ipc.ts'
import type { BenchChild } from './ipc.ts'
import { FULL_PLAN } from './setup.ts'
import { startValkeyServer } from '../../packages/ai-provider/test/helpers/valkey-server.ts'
import type { TestValkeyServer } from '../../packages/ai-provider/test/helpers/valkey-server.ts'

/** The `parseArgs` options naming the gateways to start. */
export const gatewayOptions = {
  targets: { type: 'string', default: 'floor,fastify-ai:memory' },
  /** Another checkout of this repository (dependencies installed): adds `baseline:<store>` for each fastify-ai target. */
  baseline: { type: 'string' },
  /** Sessions' historyExpiration in the gateways (how long what a request stored stays alive). */
  'history-expiration': { type: 'string', default: FULL_PLAN.historyExpiration }
} as const

/** One gateway to start: gateway-process.ts's kind and store, from the bench folder `root`. */
export interface WantedGateway {
  /** Its name in the tables: `floor`, `fastify-ai:memory`, `baseline:memory`… */
  name: string
  kind: string
  store: 'memory' | 'valkey'
  /** The bench folder of the checkout it runs from. */
  root: string
}

/** `targets` (comma separated) from `benchDir`, then each fastify-ai one again from `baseline`'s bench folder. */
export function wantedGateways (targets: string, baseline: string | undefined, benchDir: string): WantedGateway[] {
  const wanted = targets.split(',').map(function parse (target): WantedGateway {
    const [kind, store = 'memory'] = target.split(':')
    if (store !== 'memory' && store !== 'valkey') throw new Error(`unknown store ${store}`)
    return { name: kind === 'floor' ? 'floor' : target, kind, store, root: benchDir }
  })
  if (baseline !== undefined) {
    for (const { kind, store } of [...wanted]) {
      if (kind === 'fastify-ai') wanted.push({ name: `baseline:${store}`, kind, store, root: join(baseline, 'bench') })
    }
  }
  return wanted
}

/** The processes around the gateways; `stop()` ends them and whatever was added to `children`. */
export interface Harness {
  mock: BenchChild
  load: BenchChild
  /** One private server for every :valkey gateway (sessions have their own keys; the rate limit never bites, so sharing its counter changes nothing). */
  valkey: TestValkeyServer | undefined
  /** Stopped by `stop()`, the gateways included once added. */
  children: BenchChild[]
  stop (): Promise<void>
}

/** Start the mock and the load generator (logs `<logPrefix>-mock.log`, `-load.log`), and Valkey when a wanted gateway uses it. */
export async function startHarness (logsDir: string, logPrefix: string, wanted: WantedGateway[]): Promise<Harness> {
  const lib = import.meta.dirname
  const children: BenchChild[] = []
  let valkey: TestValkeyServer | undefined
  async function stop (): Promise<void> {
    await Promise.allSettled(children.map(function stopChild (child) { return child.stop() }))
    await valkey?.close()
  }
  try {
    const mock = await forkChild(join(lib, 'mock-process.ts'), { logFile: join(logsDir, `${logPrefix}-mock.log`) })
    children.push(mock)
    const load = await forkChild(join(lib, 'load-process.ts'), { logFile: join(logsDir, `${logPrefix}-load.log`) })
    children.push(load)
    if (wanted.some(function usesValkey (each) { return each.store === 'valkey' })) valkey = await startValkeyServer()
    return { mock, load, valkey, children, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
