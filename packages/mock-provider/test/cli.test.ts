import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { chatBody, OPENAI_AUTH } from './helper.ts'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))

test('cli starts the mock, prints its URL, applies --delta-delay-ms and stops on SIGTERM', async (t) => {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--delta-delay-ms', '5'], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(function killChild () { if (child.exitCode === null) child.kill('SIGKILL') })
  const [line] = await once(child.stdout, 'data')
  const url = /(http:\/\/\S+)/.exec(String(line))?.[1]
  assert.ok(url, `printed ${line}`)

  const start = performance.now()
  const response = await fetch(url + '/v1/chat/completions', { method: 'POST', headers: OPENAI_AUTH, body: chatBody('any', 'a b c', { stream: true }) })
  const text = await response.text()
  assert.ok(text.endsWith('data: [DONE]\n\n'))
  assert.ok(performance.now() - start >= 25, 'frames are spaced by the delta delay')

  child.kill('SIGTERM')
  const [code] = await once(child, 'exit')
  assert.equal(code, 0)
})

test('cli refuses a bad --port', async () => {
  const child = spawn(process.execPath, [CLI, '--port', 'abc'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => { stderr += chunk })
  const [code] = await once(child, 'exit')
  assert.equal(code, 1)
  assert.match(stderr, /--port must be a non-negative integer/)
})
