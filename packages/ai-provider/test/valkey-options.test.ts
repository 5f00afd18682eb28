// The topology options of the Valkey store (src/valkey-options.ts), through normalizeOptions: a
// cluster, a Sentinel group, or one server; every refusal names the option and the value.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AiOptions } from '../src/types.ts'
import { normalizeOptions } from '../src/options.ts'
import { nodeAddress } from '../src/valkey-options.ts'

function withStorage (storage: Record<string, unknown>): AiOptions {
  return { providers: { openai: { apiKey: 'k' } }, models: ['openai:a'], storage: { type: 'valkey', ...storage } as AiOptions['storage'] }
}

const refused: Array<[string, Record<string, unknown>, RegExp]> = [
  ['cluster without nodes', { cluster: {} }, /storage\.cluster\.nodes must be a non-empty array of "host:port" or \{ host, port \}, got undefined/],
  ['cluster with no node', { cluster: { nodes: [] } }, /storage\.cluster\.nodes must be a non-empty array/],
  ['a node without a port', { cluster: { nodes: ['10.0.0.1'] } }, /storage\.cluster\.nodes\[0\] must be "host:port" or \{ "host": string, "port": integer \}, got "10\.0\.0\.1"/],
  ['a node with a bad port', { cluster: { nodes: ['a:1', { host: 'b', port: 70000 }] } }, /storage\.cluster\.nodes\[1\] must be "host:port" .*got \{"host":"b","port":70000\}/],
  ['an unknown cluster key', { cluster: { nodes: ['a:1'], seeds: [] } }, /storage\.cluster\.seeds is not a known option \(expected one of nodes, natMap, options\)/],
  ['a natMap key that is no address', { cluster: { nodes: ['a:1'], natMap: { internal: 'b:2' } } }, /storage\.cluster\.natMap keys must be "host:port", got "internal"/],
  ['a natMap target that is no address', { cluster: { nodes: ['a:1'], natMap: { 'a:1': 'b' } } }, /storage\.cluster\.natMap\["a:1"\] must be "host:port"/],
  ['a cluster option the store sets', { cluster: { nodes: ['a:1'], options: { enableOfflineQueue: true } } }, /storage\.cluster\.options\.enableOfflineQueue is set by the store and cannot be changed, got true/],
  ['reads from replicas', { cluster: { nodes: ['a:1'], options: { scaleReads: 'slave' } } }, /storage\.cluster\.options\.scaleReads is set by the store/],
  ['a cluster prefix', { cluster: { nodes: ['a:1'], options: { keyPrefix: 'x:' } } }, /storage\.cluster\.options\.keyPrefix is set by the store and cannot be changed \(use storage\.keyPrefix\)/],
  ['a node prefix', { cluster: { nodes: ['a:1'], options: { redisOptions: { keyPrefix: 'x:' } } } }, /storage\.cluster\.options\.redisOptions\.keyPrefix cannot be set \(use storage\.keyPrefix\)/],
  ['a cluster and a url', { url: 'redis://a:1', cluster: { nodes: ['a:1'] } }, /storage\.url cannot be combined with storage\.cluster \(the nodes are in storage\.cluster\.nodes\), got "redis:\/\/a:1"/],
  ['a cluster and a database', { database: 2, cluster: { nodes: ['a:1'] } }, /storage\.database must be 0 with storage\.cluster \(a cluster has database 0 only\), got 2/],
  ['a cluster and sentinels', { cluster: { nodes: ['a:1'] }, sentinels: ['b:2'], name: 'm' }, /storage\.cluster and storage\.sentinels cannot be combined/],
  ['sentinels without a name', { sentinels: ['b:26379'] }, /storage\.name must name the Sentinel group \(sentinel monitor <name> …\) with storage\.sentinels, got undefined/],
  ['sentinels and a host', { sentinels: ['b:26379'], name: 'm', host: 'c' }, /storage\.host cannot be combined with storage\.sentinels \(the sentinels name the primary\), got "c"/],
  ['a bad sentinel', { sentinels: [{ host: '', port: 1 }], name: 'm' }, /storage\.sentinels\[0\] must be "host:port"/],
  ['a group name without sentinels', { url: 'redis://a:1', name: 'm' }, /storage\.name is for a Sentinel group: it needs storage\.sentinels, got "m"/],
  ['a sentinel password without sentinels', { sentinelPassword: 'p' }, /storage\.sentinelPassword is for a Sentinel group: it needs storage\.sentinels/],
  ['an unknown storage key', { sentinel: ['b:1'] }, /storage\.sentinel is not a known option/]
]

for (const [name, storage, message] of refused) {
  test(`storage: ${name} is refused`, () => {
    assert.throws(() => normalizeOptions(withStorage(storage)), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'AI_OPTIONS_INVALID')
      assert.match(error.message, message)
      return true
    })
  })
}

test('a cluster is normalized: every address as { host, port }, options kept, all frozen', () => {
  const { storage } = normalizeOptions(withStorage({
    cluster: { nodes: ['10.0.0.1:6379', { host: 'valkey-2', port: 6380 }, '[::1]:7000'], natMap: { '10.0.0.1:6379': '203.0.113.1:16379' }, options: { maxRedirections: 8 } },
    keyPrefix: 'prod:',
    tls: true
  }))
  assert.deepEqual(storage, {
    type: 'valkey',
    cluster: {
      nodes: [{ host: '10.0.0.1', port: 6379 }, { host: 'valkey-2', port: 6380 }, { host: '::1', port: 7000 }],
      natMap: { '10.0.0.1:6379': { host: '203.0.113.1', port: 16379 } },
      options: { maxRedirections: 8 }
    },
    keyPrefix: 'prod:',
    tls: true
  })
  assert.ok(Object.isFrozen(storage) && storage.type === 'valkey' && Object.isFrozen(storage.cluster) && Object.isFrozen(storage.cluster?.nodes[0]))
})

test('a Sentinel group is normalized; one server is left as it was', () => {
  const sentinel = normalizeOptions(withStorage({ sentinels: ['s1:26379', 's2:26379'], name: 'mymaster', password: 'p', sentinelPassword: 'q', database: 1 })).storage
  assert.deepEqual(sentinel, { type: 'valkey', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], name: 'mymaster', password: 'p', sentinelPassword: 'q', database: 1 })
  const single = normalizeOptions(withStorage({ url: 'redis://a:1', keyPrefix: 'x:' })).storage
  assert.deepEqual(single, { type: 'valkey', url: 'redis://a:1', keyPrefix: 'x:' })
})

test('nodeAddress reads both spellings and refuses anything else', () => {
  assert.deepEqual(nodeAddress('a:1'), { host: 'a', port: 1 })
  assert.deepEqual(nodeAddress({ host: 'a', port: 65535 }), { host: 'a', port: 65535 })
  for (const bad of ['a', ':1', 'a:', 'a:0', 'a:1.5', 'a:x', { host: 'a' }, { host: 'a', port: 1, tls: true }, 6379, null]) {
    assert.equal(nodeAddress(bad), undefined, JSON.stringify(bad))
  }
})
