// Starts this Watt project with the real `wattpm start`, both providers pointed at the mock
// provider through the environment (which wins over .env), and asks one prompt and one stream.

import assert from 'node:assert'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import { createMockProvider } from '@platformatic/ai-mock-provider'

async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

test('the Watt project answers prompt and stream', { timeout: 60000 }, async (t) => {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const port = await freePort()
  const sample = Object.fromEntries(readFileSync(join(import.meta.dirname, '.env.sample'), 'utf8').trim().split('\n').map((line) => line.split('=')))
  const child = spawn(join(import.meta.dirname, 'node_modules', '.bin', 'wattpm'), ['start'], {
    cwd: import.meta.dirname,
    env: {
      ...process.env,
      ...sample,
      PORT: String(port),
      PLT_SERVER_LOGGER_LEVEL: 'warn',
      PLT_AI_OPENAI_BASE_URL: mock.url,
      PLT_AI_GEMINI_BASE_URL: mock.url
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk) => { output += chunk })
  child.stderr.on('data', (chunk) => { output += chunk })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGINT')
    await exited
  })

  const url = `http://127.0.0.1:${port}`
  let ready = false
  for (let attempt = 0; attempt < 200 && !ready && child.exitCode === null; attempt++) {
    ready = await fetch(`${url}/api/v1/models`).then((response) => response.ok, () => false)
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.ok(ready, `wattpm did not start:\n${output}`)

  // The first model fails: the chain falls back to Gemini.
  mock.enqueue('gpt-4o-mini', { status: 500 }, { status: 500 })
  const prompt = await fetch(`${url}/api/v1/prompt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'Hello' }) })
  assert.strictEqual(prompt.status, 200)
  const answer = await prompt.json() as { text: string, model: string }
  assert.strictEqual(answer.text, 'Echo: Hello')
  assert.strictEqual(answer.model, 'gemini:gemini-2.5-flash')

  const stream = await fetch(`${url}/api/v1/stream`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: 'a b c', models: ['gemini:gemini-2.5-flash'] }) })
  const text = await stream.text()
  assert.match(text, /event: end\n/)
})
