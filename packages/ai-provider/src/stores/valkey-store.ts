// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.
//
// The Valkey (or Redis) store: every key prefixed and given a TTL, every multi-step update one
// Lua script (valkey-scripts.ts), pub/sub for event-log followers on every instance.
// Reliability (SPEC §8): no offline queue and a command timeout, so while Valkey is down every
// operation rejects at once with AiStorageUnavailableError; iovalkey reconnects by itself with
// a capped backoff and resubscribes followers, so the same store serves again afterwards.
// On a Valkey Cluster (valkey-cluster.ts) keys carry a hash tag, so one operation's keys share
// a slot, and a session's commands go to one node over one connection, in the order sent.
import { Cluster, Valkey } from 'iovalkey'
import type {
  AiStore, ConsumeResult, CounterIncrement, GuardedConsumeResult, ReserveResult, SpendAdjustment, SpendCounter, StoredEvent, WriteCondition
} from '../store.ts'
import type { Logger, ValkeyStorageOptions } from '../types.ts'
import { AiStorageUnavailableError } from '../errors.ts'
import { buildClient, firstConnect, injectedClient, reconnectDelay, waitForReady, watchConnection, type ValkeyClient } from './valkey-connection.ts'
import { clusterKey, groupBySlot, preloadScripts, slotRefresher, watchClusterNodes, withDeadline } from './valkey-cluster.ts'
import { randomUUID } from 'node:crypto'
import {
  appendEventsScript, clearEventsIfScript, consumeScript, consumeUnlessScript, expireScript, listPushScript, replaceScript, reserveScript,
  setIfScript, settleScript, everyScript, type ValkeyScript
} from './valkey-scripts.ts'

const DEFAULT_KEY_PREFIX = 'aiwarp:'
const DEFAULT_CONNECT_TIMEOUT = 5000
const DEFAULT_COMMAND_TIMEOUT = 2000

type EventListener = (event: StoredEvent) => void

export async function createValkeyStore (options: ValkeyStorageOptions, deps: { logger: Logger }): Promise<AiStore> {
  const { logger } = deps
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
  const connectTimeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT
  const commandTimeout = options.commandTimeout ?? DEFAULT_COMMAND_TIMEOUT
  const ownsClient = options.client === undefined
  const client = ownsClient ? buildClient(options, connectTimeout, commandTimeout) : injectedClient(options.client)
  const cluster = client instanceof Cluster ? client : undefined
  const unwatchClient = watchConnection(client, 'commands', logger)
  const unwatchNodes = cluster === undefined ? undefined : watchClusterNodes(cluster, logger)
  const stopPreloading = cluster === undefined ? undefined : preloadScripts(cluster, everyScript)
  const refreshSlots = cluster === undefined ? undefined : slotRefresher(cluster)
  if (ownsClient) await firstConnect(client, connectTimeout, logger)

  // One subscriber connection for every follower of this store, made on the first follow.
  let subscriber: ValkeyClient | undefined
  let unwatchSubscriber: (() => void) | undefined
  const followers = new Map<string, Set<EventListener>>()

  const keyOf = cluster === undefined
    ? function keyOf (key: string): string { return prefix + key }
    : function taggedKeyOf (key: string): string { return clusterKey(prefix, key) }

  // Commands issued in the same turn of the event loop leave in one socket write: the socket is
  // corked on the first and uncorked by an immediate, once the loop has run every I/O callback
  // it had ready (the replies, client requests and upstream answers of many requests, each with
  // its promise continuations) and before it waits for more. A write per command was most of
  // the store's CPU (one syscall each), and a write per I/O callback (a nextTick flush) was
  // still one per request under load. Unlike iovalkey's autoPipelining (measured slower) this
  // adds no object per command, only one immediate per batch; order and replies are unchanged
  // (one connection, FIFO), and the wait is within the same turn of the loop (pending
  // immediates keep it from blocking for I/O). A cluster client has a connection per node and
  // no stream of its own: nothing is coalesced there.
  const single = client instanceof Valkey ? client : undefined
  let corked: Valkey['stream'] | undefined
  function coalesceWrites (): void {
    if (corked !== undefined || single === undefined) return
    const stream = single.stream
    if (stream === undefined || !stream.writable) return
    stream.cork()
    corked = stream
    setImmediate(flushWrites)
  }
  function flushWrites (): void {
    const stream = corked as Valkey['stream']
    corked = undefined
    stream.uncork()
  }

  /** Run a command; any failure becomes AiStorageUnavailableError with the cause attached. */
  async function guard<T> (operation: string, work: () => Promise<T>): Promise<T> {
    coalesceWrites()
    try {
      return await work()
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const unavailable = new AiStorageUnavailableError(`${operation} failed: ${reason}`)
      unavailable.cause = error
      refreshSlots?.()
      throw unavailable
    }
  }

  // Scripts the server of the current connection has cached. Until it has one, it is sent
  // whole with EVAL (which caches it) rather than tried with EVALSHA: an EVALSHA refused with
  // NOSCRIPT and sent again would run after the commands issued behind it, and the gateway
  // relies on the store running what it is asked in order (a turn's start and its first events
  // leave together). A new connection (a restart of Valkey) starts with none. A cluster's
  // master connections are given every script before their first command (preloadScripts).
  const cached = new Set<string>()
  if (cluster === undefined) client.on('ready', function scriptsNotCached () { cached.clear() })
  else for (const script of everyScript) cached.add(script.sha)

  async function runScript (script: ValkeyScript, keys: string[], args: Array<string | number>): Promise<unknown> {
    if (!cached.has(script.sha)) {
      const reply = await client.eval(script.lua, keys.length, ...keys, ...args)
      cached.add(script.sha)
      return reply
    }
    try {
      return await client.evalsha(script.sha, keys.length, ...keys, ...args)
    } catch (error) {
      // The cache was flushed behind our back (SCRIPT FLUSH): EVAL loads it again.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      cached.delete(script.sha)
      coalesceWrites()
      return await client.eval(script.lua, keys.length, ...keys, ...args)
    }
  }

  async function appendEvents (operation: string, key: string, data: readonly string[], ttlMs: number, condition: WriteCondition | undefined): Promise<number> {
    const logKey = keyOf(key)
    const keys = [logKey, sequenceKeyOf(logKey), condition === undefined ? logKey : keyOf(condition.key)]
    const first = await guard(operation, () => runScript(appendEventsScript, keys, [ttlMs, logKey, ...conditionArgs(condition), ...data]))
    return Number(first)
  }

  function subscriberConnection (): ValkeyClient {
    if (subscriber !== undefined && subscriber.status !== 'end') return subscriber
    unwatchSubscriber?.()
    // A cluster's duplicate subscribes on one node of its choosing (messages published on any
    // node reach every node), and moves its subscriptions to another when that node fails.
    const connection = single === undefined
      ? (cluster as Cluster).duplicate([], { lazyConnect: true, enableOfflineQueue: false })
      : single.duplicate({
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
      return consumeResult(reply)
    },

    async consumeUnless (guardKey: string, key: string, max: number, windowMs: number): Promise<GuardedConsumeResult> {
      const reply = await guard('consumeUnless', () => runScript(consumeUnlessScript, [keyOf(guardKey), keyOf(key)], [max, windowMs])) as Array<number | string>
      return reply[0] === -1 ? { guard: String(reply[1]) } : { unit: consumeResult(reply as number[]) }
    },

    async reserve (key: string, windowMs: number, counters: readonly SpendCounter[]): Promise<ReserveResult> {
      const args: Array<string | number> = [windowMs, randomUUID()]
      for (const counter of counters) args.push(counter.field, counter.amount, counter.max ?? '')
      const reply = await guard('reserve', () => runScript(reserveScript, [keyOf(key)], args)) as [number, string, number, string?]
      const result: ReserveResult = { allowed: reply[0] === 1, windowId: String(reply[1]), resetInMs: Number(reply[2]) }
      if (reply[3] !== undefined) result.refusedBy = reply[3]
      return result
    },

    async settle (adjustments: readonly SpendAdjustment[], increments: readonly CounterIncrement[]): Promise<void> {
      if (adjustments.length === 0 && increments.length === 0) return
      if (cluster !== undefined && adjustments.length + increments.length > 1) {
        // The keys (a caller's window, a model's, the day's usage) are in different slots: each
        // key's part is one script on its own node. Each stays atomic, which is all a settlement needs.
        await Promise.all([
          ...adjustments.map(function settleWindow (adjustment) { return store.settle([adjustment], []) }),
          ...increments.map(function settleHash (change) { return store.settle([], [change]) })
        ])
        return
      }
      const keys: string[] = []
      const args: Array<string | number> = [adjustments.length]
      for (const adjustment of adjustments) {
        keys.push(keyOf(adjustment.key))
        pushCounters(args, adjustment.windowId, adjustment.deltas)
      }
      for (const change of increments) {
        keys.push(keyOf(change.key))
        pushCounters(args, change.ttlMs, change.increments)
      }
      await guard('settle', () => runScript(settleScript, keys, args))
    },

    async readCounters (key: string): Promise<Record<string, number>> {
      const hash = await guard('readCounters', () => client.hgetall(keyOf(key)))
      const counters: Record<string, number> = {}
      for (const [field, value] of Object.entries(hash)) counters[field] = Number(value)
      return counters
    },

    async get (key: string): Promise<string | undefined> {
      const value = await guard('get', () => client.get(keyOf(key)))
      return value ?? undefined
    },

    async set (key: string, value: string, ttlMs?: number, condition?: WriteCondition): Promise<boolean> {
      if (condition !== undefined) {
        const written = await guard('set', () => runScript(setIfScript, [keyOf(key), keyOf(condition.key)], [value, ttlMs ?? 0, ...conditionArgs(condition)]))
        return written === 1
      }
      if (ttlMs === undefined) await guard('set', () => client.set(keyOf(key), value))
      else await guard('set', () => client.set(keyOf(key), value, 'PX', ttlMs))
      return true
    },

    async replace (key: string, value: string, ttlMs: number, condition?: WriteCondition): Promise<{ applied: boolean, previous: string | undefined }> {
      const conditionKey = keyOf(condition?.key ?? key)
      const reply = await guard('replace', () => runScript(replaceScript, [keyOf(key), conditionKey], [value, ttlMs, ...conditionArgs(condition)])) as [number, string | null | undefined]
      return reply[0] === 1 ? { applied: true, previous: reply[1] ?? undefined } : { applied: false, previous: undefined }
    },

    async delete (keys: string[]): Promise<void> {
      if (keys.length === 0) return
      // A key deleted goes whole: an event log with its sequence (nothing else has one).
      const deleted = keys.flatMap(function withSequence (key) { return [keyOf(key), sequenceKeyOf(keyOf(key))] })
      if (cluster === undefined) await guard('delete', () => client.del(...deleted))
      // One DEL per slot: a session's keys share one, so deleting a session stays one step.
      else await guard('delete', () => Promise.all(groupBySlot(deleted).map((group) => cluster.del(...group))))
    },

    async expire (keys: string[], ttlMs: number): Promise<void> {
      if (keys.length === 0) return
      if (cluster === undefined) await guard('expire', () => runScript(expireScript, keys.map(keyOf), [ttlMs]))
      else await guard('expire', () => Promise.all(groupBySlot(keys.map(keyOf)).map((group) => runScript(expireScript, group, [ttlMs]))))
    },

    async listPush (key: string, value: string, maxLength: number, ttlMs: number, condition?: WriteCondition): Promise<boolean> {
      const conditionKey = keyOf(condition?.key ?? key)
      const written = await guard('listPush', () => runScript(listPushScript, [keyOf(key), conditionKey], [value, maxLength, ttlMs, ...conditionArgs(condition)]))
      return written === 1
    },

    async listRange (key: string): Promise<string[]> {
      return await guard('listRange', () => client.lrange(keyOf(key), 0, -1))
    },

    async appendEvent (key: string, data: string, ttlMs: number, condition?: WriteCondition): Promise<number> {
      return await appendEvents('appendEvent', key, [data], ttlMs, condition)
    },

    async appendEvents (key: string, data: readonly string[], ttlMs: number, condition?: WriteCondition): Promise<number> {
      return await appendEvents('appendEvents', key, data, ttlMs, condition)
    },

    async readEvents (key: string, afterId: number): Promise<StoredEvent[]> {
      const entries = await guard('readEvents', () => client.zrangebyscore(keyOf(key), `(${afterId}`, '+inf'))
      return entries.map(parseEntry)
    },

    async clearEvents (key: string, condition?: WriteCondition): Promise<boolean> {
      if (condition === undefined) {
        await guard('clearEvents', () => client.del(keyOf(key)))
        return true
      }
      const cleared = await guard('clearEvents', () => runScript(clearEventsIfScript, [keyOf(key), keyOf(condition.key)], conditionArgs(condition)))
      return cleared === 1
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
          // A cluster's subscriber connection has no command timeout of its own.
          if (cluster === undefined) await connection.subscribe(channel)
          else await withDeadline(connection.subscribe(channel), commandTimeout, 'subscribe')
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
      stopPreloading?.()
      unwatchNodes?.()
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
      // A Sentinel client's failover detector has its own connections to the sentinels: they
      // close with disconnect(), not with QUIT.
      if (options.sentinels !== undefined) client.disconnect()
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

/** The ARGV pair of a script's condition: its mode ('-' none, '0' exists, '1' equals) and value. */
function conditionArgs (condition: WriteCondition | undefined): [string, string] {
  if (condition === undefined) return ['-', '']
  return condition.equals === undefined ? ['0', ''] : ['1', condition.equals]
}

/** The arguments of one key of the settle script: its head (id or TTL), its count, then field, value pairs. */
function pushCounters (args: Array<string | number>, head: string | number, counters: Record<string, number>): void {
  const fields = Object.keys(counters)
  args.push(head, fields.length)
  for (const field of fields) args.push(field, counters[field])
}

/** The reply of the fixed-window scripts: {allowed 0|1, count, pttl}. */
function consumeResult (reply: number[]): ConsumeResult {
  return { allowed: reply[0] === 1, count: Number(reply[1]), resetInMs: Number(reply[2]) }
}

function sequenceKeyOf (logKey: string): string {
  return `${logKey}:seq`
}

/** Entries and published messages are `<id>|<data>`. */
function parseEntry (entry: string): StoredEvent {
  const separator = entry.indexOf('|')
  return { id: Number(entry.slice(0, separator)), data: entry.slice(separator + 1) }
}
