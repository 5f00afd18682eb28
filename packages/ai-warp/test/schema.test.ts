import assert from 'node:assert'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { schema, schemaComponents } from '../src/lib/schema.ts'
import { renderSchemaFiles } from '../scripts/render-schema.ts'

interface Node {
  description?: string
  properties?: Record<string, Node>
  additionalProperties?: Node | boolean
  anyOf?: Node[]
  items?: Node | { anyOf: Node[] }
}

/** Every property of the sections ai-warp adds, as `[path, node]`. */
function properties (node: Node, path: string): Array<[string, Node]> {
  const found: Array<[string, Node]> = []
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    found.push([`${path}.${name}`, child], ...properties(child, `${path}.${name}`))
  }
  for (const branch of node.anyOf ?? []) found.push(...properties(branch, path))
  if (typeof node.additionalProperties === 'object') found.push(...properties(node.additionalProperties, `${path}.<name>`))
  const items = node.items as Node | undefined
  if (items !== undefined) found.push(...properties(items, `${path}[]`))
  return found
}

const all = Object.entries(schemaComponents).flatMap(([name, node]) => properties(node as Node, name))

test('the committed schema.json is the current schema (run `pnpm -F @platformatic/ai-warp schema`)', async () => {
  const committed = JSON.parse(await readFile(join(import.meta.dirname, '..', 'schema.json'), 'utf8'))
  assert.deepStrictEqual(committed, JSON.parse(JSON.stringify(schema)))
})

test('the committed generated files are what `pnpm -F @platformatic/ai-warp schema` writes', async () => {
  const files = await renderSchemaFiles()
  assert.deepStrictEqual(files.map((file) => file.path.split('/').slice(-2).join('/')), ['ai-warp/schema.json', 'generated/config.d.ts'])
  for (const file of files) {
    assert.strictEqual(await readFile(file.path, 'utf8'), file.content, `${file.path} is stale`)
  }
})

test('every key ai-warp adds has a description', () => {
  assert.ok(all.length > 60)
  const missing = all.filter(([, node]) => typeof node.description !== 'string' || node.description.length < 5).map(([path]) => path)
  assert.deepStrictEqual(missing, [])
})

test('every key is in docs/configuration.md', async () => {
  const docs = await readFile(join(import.meta.dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8')
  const names = new Set(all.map(([path]) => path.split('.').at(-1)!.replace('[]', '')))
  const missing = [...names].filter((name) => name !== '<name>' && !docs.includes(name))
  assert.deepStrictEqual(missing, [])
})
