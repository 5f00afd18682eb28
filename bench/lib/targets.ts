// The gateways a before/after tool starts: `--targets` (`floor`, `fastify-ai:memory`, …) and,
// with `--baseline <checkout>`, the same fastify-ai targets started from that checkout.

import { join } from 'node:path'

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
