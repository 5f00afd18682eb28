// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.
//
// The Valkey store's connections: how they are built (fail fast, capped reconnect backoff) for
// one server, a Sentinel group or a cluster, how an injected client is checked, and how their
// state is awaited and logged.
import { Cluster, Valkey, type ClusterOptions, type RedisOptions } from 'iovalkey'
import type { Logger, ValkeyStorageOptions } from '../types.ts'
import { AiOptionsError } from '../errors.ts'
import { nodeAddress, type NodeAddress } from '../valkey-options.ts'

/** The store's command connection: one server (or the primary of a Sentinel group), or a cluster. */
export type ValkeyClient = Valkey | Cluster

/** Longest pause between two reconnection attempts. */
const MAX_RECONNECT_DELAY = 1000

export function reconnectDelay (attempt: number): number {
  return Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY)
}

export function buildClient (options: ValkeyStorageOptions, connectTimeout: number, commandTimeout: number): ValkeyClient {
  if (options.cluster !== undefined) return buildCluster(options, connectTimeout, commandTimeout)
  const connection: RedisOptions = {
    lazyConnect: true,
    connectTimeout,
    commandTimeout,
    // Fail fast instead of queueing while disconnected, and never replay a command that may
    // already have run (a replayed consume would take two units).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: reconnectDelay
  }
  const tls = tlsOptions(options)
  if (tls !== undefined) connection.tls = tls
  if (options.sentinels !== undefined) return new Valkey({ ...connection, ...sentinelOptions(options, tls) })
  if (options.url !== undefined) return new Valkey(options.url, connection)
  return new Valkey({
    ...connection,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 6379,
    username: options.username,
    password: options.password,
    db: options.database ?? 0
  })
}

function tlsOptions (options: ValkeyStorageOptions): Record<string, unknown> | undefined {
  if (options.tls === undefined || options.tls === false) return undefined
  return options.tls === true ? {} : options.tls
}

function addresses (nodes: readonly unknown[]): NodeAddress[] {
  return nodes.map(function readNode (node) {
    const address = nodeAddress(node)
    if (address === undefined) throw new AiOptionsError(`storage: ${JSON.stringify(node)} is not "host:port" or { host, port }`)
    return address
  })
}

/**
 * The primary of a Sentinel group: iovalkey asks the sentinels where it is at every (re)connection,
 * so after a failover the store reconnects to the new primary with the same backoff. The failover
 * detector listens to the sentinels' `+switch-master` and drops the connection to the old primary
 * at once: until a sentinel demotes it, the old primary still takes writes the new one never sees.
 * A primary demoted under a live connection answers writes with READONLY: that connection is
 * dropped too (the command fails, it is not sent again) and the next one asks the sentinels.
 */
function sentinelOptions (options: ValkeyStorageOptions, tls: Record<string, unknown> | undefined): RedisOptions {
  return {
    sentinels: addresses(options.sentinels ?? []),
    name: options.name,
    sentinelUsername: options.sentinelUsername,
    sentinelPassword: options.sentinelPassword,
    username: options.username,
    password: options.password,
    db: options.database ?? 0,
    sentinelRetryStrategy: reconnectDelay,
    failoverDetector: true,
    // The detector's connection to a sentinel that goes away is not retried (each failed attempt
    // would be an unhandled 'error' of iovalkey's): the next connection to the primary opens it again.
    sentinelReconnectStrategy: function doNotReconnect () { return null },
    ...(tls === undefined ? {} : { enableTLSForSentinelMode: true, sentinelTLS: tls }),
    reconnectOnError: function reconnectWhenDemoted (error: Error) { return error.message.startsWith('READONLY') ? 1 : false }
  }
}

/**
 * A cluster client with the guarantees of the single-server one: no offline queue (a command
 * fails at once while the cluster is not ready), no replay of a command whose connection closed
 * (`retryDelayOnFailover: 0`: it may have run), no wait on CLUSTERDOWN (fails at once, as a
 * server that is down does), and the capped backoff while no node answers. MOVED and ASK are
 * followed at once and TRYAGAIN after a short delay: those commands did not run. Reads go to
 * the master that took the writes.
 */
function buildCluster (options: ValkeyStorageOptions, connectTimeout: number, commandTimeout: number): Cluster {
  const cluster = options.cluster as NonNullable<ValkeyStorageOptions['cluster']>
  const { redisOptions, ...clusterOptions } = (cluster.options ?? {}) as ClusterOptions
  const tls = tlsOptions(options)
  const natMap: Record<string, NodeAddress> = {}
  for (const [from, to] of Object.entries(cluster.natMap ?? {})) natMap[from] = addresses([to])[0]
  return new Cluster(addresses(cluster.nodes), {
    ...clusterOptions,
    lazyConnect: true,
    enableOfflineQueue: false,
    scaleReads: 'master',
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 0,
    clusterRetryStrategy: reconnectDelay,
    ...(cluster.natMap === undefined ? {} : { natMap }),
    redisOptions: {
      ...redisOptions,
      connectTimeout,
      commandTimeout,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(options.password === undefined ? {} : { password: options.password }),
      ...(tls === undefined ? {} : { tls })
    }
  })
}

export function injectedClient (candidate: unknown): ValkeyClient {
  if (!(candidate instanceof Valkey) && !(candidate instanceof Cluster)) {
    throw new AiOptionsError('storage.client must be an iovalkey client (Valkey or Cluster)')
  }
  const keyPrefix = candidate.options.keyPrefix
  if (keyPrefix !== undefined && keyPrefix !== '') {
    throw new AiOptionsError(`storage.client must not have its own keyPrefix ("${keyPrefix}"): use storage.keyPrefix`)
  }
  return candidate
}

/** Wait for the first connection; when Valkey is not there yet, start anyway and keep trying. */
export async function firstConnect (client: ValkeyClient, connectTimeout: number, logger: Logger): Promise<void> {
  client.connect().catch(function firstConnectFailed () {
    // Reported by watchConnection; iovalkey keeps retrying with the backoff.
  })
  try {
    await waitForReady(client, connectTimeout, false)
  } catch (error) {
    logger.error({ err: error }, 'Valkey is not reachable at start: storage operations fail with AI_STORAGE_UNAVAILABLE until it is')
  }
}

/**
 * Resolve once the connection is 'ready' (connected and past iovalkey's ready check: only
 * then does it accept commands without an offline queue). Rejects after `timeoutMs`, when
 * the connection ends, and on its first error when `failOnError`.
 */
export async function waitForReady (connection: ValkeyClient, timeoutMs: number, failOnError: boolean): Promise<void> {
  if (connection.status === 'ready') return
  if (failOnError && connection.status === 'reconnecting') throw new Error('connection is reconnecting')
  if (connection.status === 'end' || connection.status === 'close') throw new Error(`connection is ${connection.status}`)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(function notReady () { done(new Error(`not ready within ${timeoutMs} ms`)) }, timeoutMs)
    function onReady (): void { done() }
    function onEnd (): void { done(new Error('connection closed')) }
    function onError (error: Error): void { if (failOnError) done(error) }
    function done (error?: Error): void {
      clearTimeout(timer)
      connection.off('ready', onReady)
      connection.off('end', onEnd)
      connection.off('error', onError)
      if (error === undefined) resolve()
      else reject(error)
    }
    connection.on('ready', onReady)
    connection.on('end', onEnd)
    connection.on('error', onError)
  })
}

/** The cause of a connection failure in one line: `ECONNREFUSED connect ECONNREFUSED 127.0.0.1:6379`. */
function causeOf (error: Error): string {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' && !error.message.includes(code) ? `${code} ${error.message}` : error.message
}

/**
 * Log a connection's failures once per outage (not once per retry), as one warning that names
 * the cause, and its recovery. No stack: where iovalkey's socket failed says nothing an operator
 * can use, and each request that fails meanwhile logs its own line with AI_STORAGE_UNAVAILABLE.
 */
export function watchConnection (connection: ValkeyClient, role: string, logger: Logger): () => void {
  let healthy = true
  function onError (error: Error): void {
    if (!healthy) return
    healthy = false
    logger.warn({ role, cause: causeOf(error) }, 'Valkey connection failed: storage operations fail with AI_STORAGE_UNAVAILABLE until it is back')
  }
  function onReady (): void {
    if (healthy) return
    healthy = true
    logger.info({ role }, 'Valkey connection restored')
  }
  connection.on('error', onError)
  connection.on('ready', onReady)
  return function unwatchConnection () {
    connection.off('error', onError)
    connection.off('ready', onReady)
  }
}
