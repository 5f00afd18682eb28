import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { checkLayers, repositoryLayers } from '../check-layers.ts'

const run = promisify(execFile)

test('the packages import down their layers only', () => {
  for (const layers of repositoryLayers) {
    assert.deepStrictEqual(checkLayers(layers), [], layers.root)
  }
})

test('a planted wrong-way import fails the check: up, sideways and out of src/', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'layers-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  await mkdir(join(root, 'chain'))
  await mkdir(join(root, 'transport'))
  await mkdir(join(root, 'sessions'))
  await writeFile(join(root, 'types.ts'), 'export type A = 1\n')
  await writeFile(join(root, 'ai.ts'), "import { x } from './chain/walk.ts'\n")
  await writeFile(join(root, 'chain/walk.ts'), "import type { A } from '../types.ts'\nimport { call } from '../transport/call.ts'\nexport const x = 1\n")
  await writeFile(join(root, 'transport/call.ts'), [
    'import {',
    '  x',
    "} from '../chain/walk.ts'",
    "import { open } from '../sessions/open.ts'",
    'export const call = 1'
  ].join('\n'))
  await writeFile(join(root, 'sessions/open.ts'), "import '../../elsewhere.ts'\nexport const open = 1\n")
  const layers = { root, ranks: { 'ai.ts': 3, chain: 2, transport: 1, sessions: 1 }, baseRank: 0 }
  const violations = checkLayers(layers).map((violation) => `${violation.file} -> ${violation.specifier}`).sort()
  assert.deepStrictEqual(violations, [
    'sessions/open.ts -> ../../elsewhere.ts',
    'transport/call.ts -> ../chain/walk.ts',
    'transport/call.ts -> ../sessions/open.ts'
  ])
})

test('the command exits 1 and names the file when the real tree has a wrong-way import', async (t) => {
  const planted = resolve(import.meta.dirname, '../../packages/ai-provider/src/stores/planted-wrong-way.ts')
  await writeFile(planted, "import { createAi } from '../ai.ts'\nexport const planted = createAi\n")
  t.after(() => rm(planted, { force: true }))
  const failure = await run(process.execPath, [resolve(import.meta.dirname, '../check-layers.ts')]).then(() => undefined, (error) => error)
  assert.ok(failure, 'the check passed with a wrong-way import')
  assert.equal(failure.code, 1)
  assert.match(failure.stderr, /packages\/ai-provider\/src\/stores\/planted-wrong-way\.ts: import '\.\.\/ai\.ts': stores\/ \(layer 3\) may not import ai\.ts \(layer 7\)/)
})
