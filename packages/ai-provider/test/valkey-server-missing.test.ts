// Without valkey-server or redis-server on PATH and without VALKEY_URL, a run of Valkey test files
// fails once, with one line saying what to install or set (issue 18): it used to fail every such
// file with "neither valkey-server nor redis-server is on PATH" and a stack (eight failures).
// The run here is a real borp process over planted test files, with a PATH that has node only.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { VALKEY_MISSING } from './helpers/valkey-server.ts'

const helper = pathToFileURL(join(import.meta.dirname, 'helpers', 'valkey-server.ts')).href
const borp = fileURLToPath(import.meta.resolve('borp/borp.js'))

const valkeyFile = (name: string) => `
import { test } from 'node:test'
import { startValkeyServer } from ${JSON.stringify(helper)}
const server = await startValkeyServer()
test('${name} uses the server', async () => { await server.flush() })
test('${name} uses it again', async () => { await server.flush() })
`

interface Run { code: number | null, output: string }

function runBorp (cwd: string, files: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: dirname(process.execPath) }
  delete env.VALKEY_URL
  delete env.NODE_TEST_CONTEXT
  return new Promise((resolve) => {
    execFile(process.execPath, [borp, '--concurrency', '2', ...files], { cwd, env }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (error as { code?: number }).code ?? null, output: stdout + stderr })
    })
  })
}

test('no Valkey server: one failure in the run, one line saying what to install, the other files skipped', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'valkey-missing-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const files = ['a.test.ts', 'b.test.ts', 'c.test.ts', 'plain.test.ts']
  for (const name of files.slice(0, 3)) await writeFile(join(dir, name), valkeyFile(name))
  await writeFile(join(dir, 'plain.test.ts'), "import { test } from 'node:test'\ntest('a test without Valkey', () => {})\n")

  const { code, output } = await runBorp(dir, files)
  assert.equal(code, 1, output)
  assert.match(output, /ℹ tests 4\n/, output)
  assert.match(output, /ℹ pass 1\n/, output)
  assert.match(output, /ℹ fail 1\n/, output)
  assert.match(output, /ℹ skipped 2\n/, output)
  // The failure says what to do, in one line and without a stack.
  const failures = output.slice(output.indexOf('✖ failing tests:'))
  assert.equal(failures.split(VALKEY_MISSING).length - 1, 1, failures)
  assert.doesNotMatch(failures, /\n\s+at /, 'no stack trace')
  assert.match(VALKEY_MISSING, /apt install redis-server/)
  assert.match(VALKEY_MISSING, /brew install valkey/)
  assert.match(VALKEY_MISSING, /VALKEY_URL/)
  // The files' own tests never ran.
  assert.doesNotMatch(output, /uses the server/)
})
