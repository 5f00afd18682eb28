// Several createAi instances sharing one Valkey (a server or a cluster) and one mock provider,
// as in a deployment of several gateway processes: the acceptance scenarios of issue 3 run
// against these.
import type { TestContext } from 'node:test'
import { createMockProvider, type MockProvider } from '@platformatic/ai-mock-provider'
import { createAi } from '../../src/ai.ts'
import type { Ai, AiOptions, Logger, ValkeyStorageOptions } from '../../src/types.ts'
import type { TestValkeyServer } from './valkey-server.ts'
import type { TestValkeyCluster } from './valkey-cluster.ts'

/** What the gateways share: a server or a cluster of the test helpers. */
export type SharedValkey = TestValkeyServer | TestValkeyCluster

/** The storage options that reach `shared`. */
export function storageOf (shared: SharedValkey): ValkeyStorageOptions {
  const where = 'seeds' in shared ? { cluster: { nodes: shared.seeds } } : { url: shared.url }
  return { type: 'valkey', ...where, keyPrefix: 'aiwarp:', commandTimeout: 1000, connectTimeout: 1000 }
}

export const silentLogger: Logger = { debug () {}, info () {}, warn () {}, error () {} }

export interface Gateways {
  instances: Ai[]
  mock: MockProvider
}

/**
 * `count` gateways on `server` (fresh: flushed first) and a fresh mock provider, all closed
 * after the test. Models default to `openai:a`, `openai:b`; no retries.
 */
export async function startGateways (
  t: TestContext,
  server: SharedValkey,
  count: number,
  overrides: Partial<AiOptions> = {},
  logger: Logger = silentLogger
): Promise<Gateways> {
  await server.flush()
  const mock = await createMockProvider()
  const options: AiOptions = {
    providers: { openai: { apiKey: 'test-key', baseUrl: mock.url } },
    models: ['openai:a', 'openai:b'],
    ...overrides,
    limits: { retry: { max: 0, interval: 0 }, requestTimeout: 2000, ...overrides.limits },
    storage: storageOf(server)
  }
  const instances: Ai[] = []
  for (let i = 0; i < count; i++) instances.push(await createAi(options, { logger }))
  t.after(async () => {
    await Promise.all(instances.map((ai) => ai.close()))
    await mock.close()
  })
  return { instances, mock }
}

/** Resolve with the error a promise rejects with (fails when it resolves). */
export async function rejection (promise: Promise<unknown>): Promise<Error & { code?: string, statusCode?: number, details?: unknown }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { code?: string, statusCode?: number }
  }
  throw new Error('expected a rejection')
}
