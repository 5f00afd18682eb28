// The topology options of the Valkey store (one server, a Sentinel group, a cluster), checked
// once at the edge with options.ts: every failure names the option and the bad value. The
// store reads node addresses through `nodeAddress`, so both accept the same two spellings.

import type { ValkeyClusterOptions, ValkeyNodeAddress, ValkeyStorageOptions } from './types.ts'
import { AiOptionsError } from './errors.ts'
import { describeValue } from './time-window.ts'

/** A node's address once read. */
export interface NodeAddress {
  host: string
  port: number
}

const CLUSTER_KEYS = ['nodes', 'natMap', 'options']
/**
 * Cluster client options the store sets itself: the prefix goes through `keyPrefix`, commands
 * fail fast instead of queueing, the store connects, every read goes to the master that took the
 * write, and a command whose connection closed is never sent again (a replayed consume would
 * take two units).
 */
const OWN_CLUSTER_OPTIONS = ['keyPrefix', 'enableOfflineQueue', 'lazyConnect', 'scaleReads', 'retryDelayOnFailover']
const INJECTED = 'an injected client is used as it is'
const NOT_WITH_CLUSTER = { url: 'the nodes are in storage.cluster.nodes', host: 'the nodes are in storage.cluster.nodes', port: 'the nodes are in storage.cluster.nodes', name: 'it names a Sentinel group', client: `${INJECTED}: inject an iovalkey Cluster instead` }
const NOT_WITH_SENTINELS = { url: 'the sentinels name the primary', host: 'the sentinels name the primary', port: 'the sentinels name the primary', client: INJECTED }

type Plain = Record<string, unknown>

function fail (message: string): never {
  throw new AiOptionsError(message)
}

function isPlainObject (value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function validPort (value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535
}

/** `'host:port'` (`'[::1]:6379'` for IPv6) or `{ host, port }`, as `{ host, port }`; undefined when it is neither. */
export function nodeAddress (value: ValkeyNodeAddress | unknown): NodeAddress | undefined {
  if (typeof value === 'string') {
    const colon = value.lastIndexOf(':')
    const host = value.slice(0, colon).replace(/^\[(.*)\]$/, '$1')
    const port = Number(value.slice(colon + 1))
    if (colon <= 0 || host.length === 0 || !/^\d+$/.test(value.slice(colon + 1)) || !validPort(port)) return undefined
    return { host, port }
  }
  if (!isPlainObject(value) || Object.keys(value).some((key) => key !== 'host' && key !== 'port')) return undefined
  if (typeof value.host !== 'string' || value.host.length === 0 || !validPort(value.port)) return undefined
  return { host: value.host, port: value.port }
}

function addressAt (value: unknown, path: string): NodeAddress {
  return nodeAddress(value) ?? fail(`${path} must be "host:port" or { "host": string, "port": integer }, got ${describeValue(value)}`)
}

function addressesAt (value: unknown, path: string): readonly NodeAddress[] {
  if (!Array.isArray(value) || value.length === 0) fail(`${path} must be a non-empty array of "host:port" or { host, port }, got ${describeValue(value)}`)
  return Object.freeze(value.map(function readAddress (entry, index) { return Object.freeze(addressAt(entry, `${path}[${index}]`)) }))
}

/** Refuse the options a topology replaces, each with the reason. */
function notWith (input: Plain, topology: string, reasons: Record<string, string>): void {
  for (const [key, reason] of Object.entries(reasons)) {
    if (input[key] !== undefined) fail(`storage.${key} cannot be combined with storage.${topology} (${reason}), got ${describeValue(input[key])}`)
  }
}

function normalizeCluster (value: unknown): ValkeyClusterOptions {
  if (!isPlainObject(value)) fail(`storage.cluster must be an object, got ${describeValue(value)}`)
  for (const key of Object.keys(value)) {
    if (!CLUSTER_KEYS.includes(key)) fail(`storage.cluster.${key} is not a known option (expected one of ${CLUSTER_KEYS.join(', ')})`)
  }
  const cluster: ValkeyClusterOptions = { nodes: addressesAt(value.nodes, 'storage.cluster.nodes') as NodeAddress[] }
  if (value.natMap !== undefined) {
    if (!isPlainObject(value.natMap)) fail(`storage.cluster.natMap must be an object of "host:port" to { host, port }, got ${describeValue(value.natMap)}`)
    const natMap: Record<string, NodeAddress> = {}
    for (const [from, to] of Object.entries(value.natMap)) {
      if (nodeAddress(from) === undefined) fail(`storage.cluster.natMap keys must be "host:port", got ${describeValue(from)}`)
      natMap[from] = Object.freeze(addressAt(to, `storage.cluster.natMap["${from}"]`))
    }
    cluster.natMap = Object.freeze(natMap)
  }
  if (value.options !== undefined) {
    const options = value.options
    if (!isPlainObject(options)) fail(`storage.cluster.options must be an object, got ${describeValue(options)}`)
    for (const key of OWN_CLUSTER_OPTIONS) {
      if (options[key] !== undefined) fail(`storage.cluster.options.${key} is set by the store and cannot be changed${key === 'keyPrefix' ? ' (use storage.keyPrefix)' : ''}, got ${describeValue(options[key])}`)
    }
    if (options.redisOptions !== undefined && !isPlainObject(options.redisOptions)) fail(`storage.cluster.options.redisOptions must be an object, got ${describeValue(options.redisOptions)}`)
    if (isPlainObject(options.redisOptions) && options.redisOptions.keyPrefix !== undefined) fail(`storage.cluster.options.redisOptions.keyPrefix cannot be set (use storage.keyPrefix), got ${describeValue(options.redisOptions.keyPrefix)}`)
    cluster.options = Object.freeze({ ...options })
  }
  return Object.freeze(cluster)
}

/** Check the topology of a Valkey storage (its keys are already known to be valid names). */
export function normalizeValkeyStorage (input: Plain): ValkeyStorageOptions {
  const storage: Plain = { ...input }
  if (input.cluster !== undefined) {
    if (input.sentinels !== undefined) fail('storage.cluster and storage.sentinels cannot be combined: a cluster fails over by itself')
    notWith(input, 'cluster', NOT_WITH_CLUSTER)
    if (input.database !== undefined && input.database !== 0) fail(`storage.database must be 0 with storage.cluster (a cluster has database 0 only), got ${describeValue(input.database)}`)
    storage.cluster = normalizeCluster(input.cluster)
  }
  if (input.sentinels !== undefined) {
    notWith(input, 'sentinels', NOT_WITH_SENTINELS)
    storage.sentinels = addressesAt(input.sentinels, 'storage.sentinels')
    if (typeof input.name !== 'string' || input.name.length === 0) fail(`storage.name must name the Sentinel group (sentinel monitor <name> …) with storage.sentinels, got ${describeValue(input.name)}`)
  } else {
    for (const key of ['name', 'sentinelUsername', 'sentinelPassword']) {
      if (input[key] !== undefined) fail(`storage.${key} is for a Sentinel group: it needs storage.sentinels, got ${describeValue(input[key])}`)
    }
  }
  return Object.freeze(storage) as unknown as ValkeyStorageOptions
}
