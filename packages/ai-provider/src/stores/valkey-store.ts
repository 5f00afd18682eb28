// The Valkey (or Redis) store: every key prefixed and given a TTL, every multi-step update one
// Lua script (valkey-scripts.ts), pub/sub for event-log followers on every instance.
// Reliability (SPEC §8): no offline queue and a command timeout, so while Valkey is down every
// operation rejects at once with AiStorageUnavailableError; iovalkey reconnects by itself with
// a capped backoff and resubscribes followers, so the same store serves again afterwards.
import { Valkey, type RedisOptions } from 'iovalkey'
import type { AiStore, ConsumeResult, StoredEvent } from '../store.ts'
import type { Logger, ValkeyStorageOptions } from '../types.ts'
import { AiOptionsError, AiStorageUnavailableError } from '../errors.ts'
import { appendEventScript, consumeScript, expireScript, listPushScript, type ValkeyScript } from './valkey-scripts.ts'

const DEFAULT_KEY_PREFIX = 'aiwarp:'
const DEFAULT_CONNECT_TIMEOUT = 5000
const DEFAULT_COMMAND_TIMEOUT = 2000
/** Longest pause between two reconnection attempts. */
const MAX_RECONNECT_DELAY = 1000

type EventListener = (event: StoredEvent) => void

export async function createValkeyStore (options: ValkeyStorageOptions, deps: { logger: Logger }): Promise<AiStore> {
  const { logger } = deps
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
  const connectTimeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT
  const commandTimeout = options.commandTimeout ?? DEFAULT_COMMAND_TIMEOUT
  const ownsClient = options.client === undefined
  const client = ownsClient ? buildClient(options, connectTimeout, commandTimeout) : injectedClient(options.client)
  const unwatchClient = watchConnection(client, 'commands', logger)
  if (ownsClient) await firstConnect(client, connectTimeout, logger)

  // One subscriber connection for every follower of this store, made on the first follow.
  let subscriber: Valkey | undefined
  let unwatchSubscriber: (() => void) | undefined
  const followers = new Map<string, Set<EventListener>>()

  function keyOf (key: string): string {
    return prefix + key
  }

  async function runScript (script: ValkeyScript, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await client.evalsha(script.sha, keys.length, ...keys, ...args)
    } catch (error) {
      // The script cache is empty after a restart or on a new server: EVAL loads it again.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      return await client.eval(script.lua, keys.length, ...keys, ...args)
    }
  }

  function subscriberConnection (): Valkey {
    if (subscriber !== undefined && subscriber.status !== 'end') return subscriber
    unwatchSubscriber?.()
    const connection = client.duplicate({
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResubscribe: true,
      connectTimeout,
      commandTimeout,
      maxRetriesPerRequest: 0,
      retryStrategy: reconnectDelay
    })
    connection.on('message', function dispatchEvent (channel: string, message: string) {
      const listeners = followers.get(channel)
      if (listeners === undefined) return
      const event = parseEntry(message)
      for (const listener of listeners) {
        // A throwing listener must not break the subscriber connection's data handler.
        try {
          listener(event)
        } catch (error) {
          logger.error({ err: error, channel }, 'event log follower failed')
        }
      }
    })
    unwatchSubscriber = watchConnection(connection, 'subscriber', logger)
    connection.connect().catch(function subscriberConnectFailed () {
      // Reported by watchConnection; iovalkey keeps retrying with the backoff.
    })
    subscriber = connection
    return connection
  }

  const store: AiStore = {
    async consume (key: string, max: number, windowMs: number): Promise<ConsumeResult> {
      const reply = await guard('consume', () => runScript(consumeScript, [keyOf(key)], [max, windowMs])) as number[]
      return { allowed: reply[0] === 1, count: Number(reply[1]), resetInMs: Number(reply[2]) }
    },

    async get (key: string): Promise<string | undefined> {
      const value = await guard('get', () => client.get(keyOf(key)))
      return value ?? undefined
    },

    async set (key: string, value: string, ttlMs?: number): Promise<void> {
      if (ttlMs === undefined) await guard('set', () => client.set(keyOf(key), value))
      else await guard('set', () => client.set(keyOf(key), value, 'PX', ttlMs))
    },

    async delete (keys: string[]): Promise<void> {
      if (keys.length === 0) return
      await guard('delete', () => client.del(...keys.map(keyOf)))
    },

    async expire (keys: string[], ttlMs: number): Promise<void> {
      if (keys.length === 0) return
      await guard('expire', () => runScript(expireScript, keys.map(keyOf), [ttlMs]))
    },

    async listPush (key: string, value: string, maxLength: number, ttlMs: number): Promise<void> {
      await guard('listPush', () => runScript(listPushScript, [keyOf(key)], [value, maxLength, ttlMs]))
    },

    async listRange (key: string): Promise<string[]> {
      return await guard('listRange', () => client.lrange(keyOf(key), 0, -1))
    },

    async appendEvent (key: string, data: string, ttlMs: number): Promise<number> {
      const logKey = keyOf(key)
      const id = await guard('appendEvent', () => runScript(appendEventScript, [logKey, sequenceKeyOf(logKey)], [data, ttlMs, logKey]))
      return Number(id)
    },

    async readEvents (key: string, afterId: number): Promise<StoredEvent[]> {
      const entries = await guard('readEvents', () => client.zrangebyscore(keyOf(key), `(${afterId}`, '+inf'))
      return entries.map(parseEntry)
    },

    async clearEvents (key: string): Promise<void> {
      await guard('clearEvents', () => client.del(keyOf(key)))
    },

    async followEvents (key: string, listener: EventListener): Promise<() => Promise<void>> {
      // The channel has the log key's name (channels and keys are separate namespaces).
      const channel = keyOf(key)
      const connection = subscriberConnection()
      let listeners = followers.get(channel)
      if (listeners === undefined) {
        listeners = new Set()
        followers.set(channel, listeners)
      }
      listeners.add(listener)
      try {
        await guard('followEvents', async () => {
          await waitForReady(connection, commandTimeout, true)
          await connection.subscribe(channel)
        })
      } catch (error) {
        forget(channel, listener)
        throw error
      }
      return async function unfollowEvents (): Promise<void> {
        if (!forget(channel, listener)) return
        // Best effort: when Valkey is down the channel has no listener left, so a message
        // arriving after a resubscription is dropped by dispatchEvent.
        await connection.unsubscribe(channel).catch(function ignoreUnsubscribeFailure () {})
      }
    },

    async ping (): Promise<void> {
      await guard('ping', () => client.ping())
    },

    async close (): Promise<void> {
      followers.clear()
      subscriber?.disconnect()
      unwatchSubscriber?.()
      subscriber = undefined
      if (!ownsClient) {
        unwatchClient()
        return
      }
      try {
        await client.quit()
      } catch {
        client.disconnect()
      }
      unwatchClient()
    }
  }

  /** Drop one listener; true when its channel has no listener left. */
  function forget (channel: string, listener: EventListener): boolean {
    const listeners = followers.get(channel)
    if (listeners === undefined) return false
    listeners.delete(listener)
    if (listeners.size > 0) return false
    followers.delete(channel)
    return true
  }

  return store
}

function sequenceKeyOf (logKey: string): string {
  return `${logKey}:seq`
}

/** Entries and published messages are `<id>|<data>`. */
function parseEntry (entry: string): StoredEvent {
  const separator = entry.indexOf('|')
  return { id: Number(entry.slice(0, separator)), data: entry.slice(separator + 1) }
}

/** Run a command; any failure becomes AiStorageUnavailableError with the cause attached. */
async function guard<T> (operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    const unavailable = new AiStorageUnavailableError(`${operation} failed: ${reason}`)
    unavailable.cause = error
    throw unavailable
  }
}

function reconnectDelay (attempt: number): number {
  return Math.min(50 * 2 ** attempt, MAX_RECONNECT_DELAY)
}

function buildClient (options: ValkeyStorageOptions, connectTimeout: number, commandTimeout: number): Valkey {
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

function injectedClient (candidate: unknown): Valkey {
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
async function firstConnect (client: Valkey, connectTimeout: number, logger: Logger): Promise<void> {
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
async function waitForReady (connection: Valkey, timeoutMs: number, failOnError: boolean): Promise<void> {
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

/** Log a connection's failures once per outage (not once per retry) and its recovery. */
function watchConnection (connection: Valkey, role: string, logger: Logger): () => void {
  let healthy = true
  function onError (error: Error): void {
    if (!healthy) return
    healthy = false
    logger.error({ err: error, role }, 'Valkey connection failed: storage operations fail with AI_STORAGE_UNAVAILABLE until it is back')
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
