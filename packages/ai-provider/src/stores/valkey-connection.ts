// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.
//
// The Valkey store's connections: how they are built (fail fast, capped reconnect backoff),
// how an injected client is checked, and how their state is awaited and logged.
import { Valkey, type RedisOptions } from 'iovalkey'
import type { Logger, ValkeyStorageOptions } from '../types.ts'
import { AiOptionsError } from '../errors.ts'

/** Longest pause between two reconnection attempts. */
const MAX_RECONNECT_DELAY = 1000

export function reconnectDelay (attempt: number): number {
  return Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY)
}

export function buildClient (options: ValkeyStorageOptions, connectTimeout: number, commandTimeout: number): Valkey {
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
  if (options.tls !== undefined && options.tls !== false) connection.tls = options.tls === true ? {} : options.tls
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

export function injectedClient (candidate: unknown): Valkey {
  if (!(candidate instanceof Valkey)) {
    throw new AiOptionsError('storage.client must be an iovalkey client')
  }
  const keyPrefix = candidate.options.keyPrefix
  if (keyPrefix !== undefined && keyPrefix !== '') {
    throw new AiOptionsError(`storage.client must not have its own keyPrefix ("${keyPrefix}"): use storage.keyPrefix`)
  }
  return candidate
}

/** Wait for the first connection; when Valkey is not there yet, start anyway and keep trying. */
export async function firstConnect (client: Valkey, connectTimeout: number, logger: Logger): Promise<void> {
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
export async function waitForReady (connection: Valkey, timeoutMs: number, failOnError: boolean): Promise<void> {
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
export function watchConnection (connection: Valkey, role: string, logger: Logger): () => void {
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
