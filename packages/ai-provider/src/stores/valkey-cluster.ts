// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.
//
// What the Valkey store does differently on a Valkey Cluster (docs/storage.md, "Valkey
// Cluster"): keys carry a hash tag, so the keys one operation touches share a slot; keys of
// several slots are split into one command per slot; every master connection has the scripts
// before its first command; a failing command makes the client read the slot map again.
import type { Cluster, Valkey } from 'iovalkey'
import type { Logger } from '../types.ts'
import type { ValkeyScript } from './valkey-scripts.ts'

/**
 * The cluster name of a logical key `<kind>:<subject>`: `<prefix><kind>:{<subject>}`. Every key of
 * one subject (a session's `session:`, `turns:`, `events:`… of one id; a model's `model:` and
 * `rate:`) hashes to one slot, so a script over them, its condition included, never fails with
 * CROSSSLOT. A key without a kind is tagged whole. A prefix with its own `{tag}` puts every key in
 * one slot (the first tag wins), which works but spreads nothing.
 */
export function clusterKey (prefix: string, key: string): string {
  const colon = key.indexOf(':')
  if (colon === -1) return `${prefix}{${key}}`
  return `${prefix}${key.slice(0, colon + 1)}{${key.slice(colon + 1)}}`
}

/** The part of a key that chooses its slot: the first non-empty `{…}`, else the whole key. */
export function hashTag (key: string): string {
  const open = key.indexOf('{')
  if (open === -1) return key
  const close = key.indexOf('}', open + 1)
  return close > open + 1 ? key.slice(open + 1, close) : key
}

/**
 * Keys grouped by hash tag, in their order: each group fits one command. Keys of one subject
 * (a session's) are one group, so deleting a session stays one DEL.
 */
export function groupBySlot (keys: readonly string[]): string[][] {
  const groups = new Map<string, string[]>()
  for (const key of keys) {
    const tag = hashTag(key)
    const group = groups.get(tag)
    if (group === undefined) groups.set(tag, [key])
    else group.push(key)
  }
  return [...groups.values()]
}

/**
 * Load every script on each master connection the client opens, before anything else is sent on
 * it (the connection's queue is FIFO, and it is opened for the command that needs it), so the
 * store uses EVALSHA from the first command and keeps the order it sends commands in. A node
 * that restarts gets a new connection, and the scripts again. A replica promoted by a failover
 * was not loaded: its first call of each script answers NOSCRIPT and is sent again with EVAL.
 */
export function preloadScripts (cluster: Cluster, scripts: readonly ValkeyScript[]): () => void {
  function loadScripts (node: Valkey): void {
    if (node.options.readOnly === true) return
    for (const script of scripts) {
      node.script('LOAD', script.lua).catch(function loadFailed () {
        // The connection failed (its commands fail too), or the script will be sent with EVAL.
      })
    }
  }
  // An injected client may be connected already: nothing of the store's was sent yet.
  for (const node of cluster.nodes('master')) loadScripts(node)
  cluster.on('+node', loadScripts)
  return function stopPreloading () { cluster.off('+node', loadScripts) }
}

/** Shortest pause between two reads of the slot map caused by failures. */
const SLOT_REFRESH_INTERVAL = 1000

/**
 * Read the slot map again after a failure, at most once a second. iovalkey reads it on MOVED,
 * but with `retryDelayOnFailover` and `retryDelayOnClusterDown` at 0 (fail fast) nothing else
 * would: after a failover the client would keep calling the master that is gone.
 */
export function slotRefresher (cluster: Cluster): () => void {
  let last = 0
  return function refreshSlots () {
    const now = Date.now()
    if (now - last < SLOT_REFRESH_INTERVAL || cluster.status !== 'ready') return
    last = now
    cluster.refreshSlotsCache()
  }
}

/**
 * Log each node's failure once (a warning naming the node and the cause), until a connection to
 * it is ready again (an info line). The cluster's own 'error' and 'ready' are watched by
 * watchConnection: they say when no node answers at all.
 */
export function watchClusterNodes (cluster: Cluster, logger: Logger): () => void {
  const failing = new Set<string>()
  function onNodeError (error: Error, node: string): void {
    if (failing.has(node)) return
    failing.add(node)
    logger.warn({ role: 'commands', node, cause: error.message }, 'Valkey Cluster node failed: operations on its slots fail with AI_STORAGE_UNAVAILABLE until it is back')
  }
  function onNewNode (connection: Valkey): void {
    const node = `${connection.options.host}:${connection.options.port}`
    connection.once('ready', function nodeReady () {
      if (failing.delete(node)) logger.info({ role: 'commands', node }, 'Valkey Cluster node restored')
    })
  }
  cluster.on('node error', onNodeError)
  cluster.on('+node', onNewNode)
  return function unwatchClusterNodes () {
    cluster.off('node error', onNodeError)
    cluster.off('+node', onNewNode)
  }
}

/** `work`, or a rejection once `ms` passed without its answer. */
export async function withDeadline<T> (work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>(function deadline (resolve, reject) {
    timer = setTimeout(function tooLate () { reject(new Error(`${what}: no answer within ${ms} ms`)) }, ms)
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}
