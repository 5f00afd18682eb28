// `pnpm demo` as a real process (issue 18): it binds 127.0.0.1 unless PLT_SERVER_HOSTNAME says
// otherwise, its banner says the address actually bound (it used to say 127.0.0.1 while
// @platformatic/service bound 0.0.0.0 in containers), and its mock shows that a session's history
// reaches the model.
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { accepts, networkAddress } from '../../packages/ai-warp/test/helpers/network-address.ts'

const demo = resolve(import.meta.dirname, '..', 'demo.ts')

interface Demo {
  /** The URL the banner gives. */
  url: string
  /** The banner as printed. */
  banner: string
}

async function startDemo (t: TestContext, env: Record<string, string> = {}): Promise<Demo> {
  const child = spawn(process.execPath, [demo], { env: { ...process.env, PORT: '0', PLT_SERVER_HOSTNAME: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  t.after(async () => {
    if (child.exitCode !== null) return
    child.kill('SIGTERM')
    await once(child, 'exit')
  })
  let banner = ''
  child.stderr.on('data', (chunk) => { banner += chunk })
  for await (const chunk of child.stdout) {
    banner += chunk
    if (banner.includes('Press Ctrl-C to stop.')) break
  }
  const url = /AI Warp is listening at (http:\/\/\S+)/.exec(banner)?.[1]
  assert.ok(url, `no URL in the banner:\n${banner}`)
  return { url, banner }
}

async function prompt (url: string, text: string, sessionId?: string): Promise<{ text: string, sessionId: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (sessionId !== undefined) headers['x-session-id'] = sessionId
  const response = await fetch(`${url}/api/v1/prompt`, { method: 'POST', headers, body: JSON.stringify({ prompt: text }) })
  assert.equal(response.status, 200)
  return response.json() as Promise<{ text: string, sessionId: string }>
}

test('the demo binds 127.0.0.1 and says so; a session shows its earlier turns', async (t) => {
  const { url, banner } = await startDemo(t)
  const { port, hostname } = new URL(url)
  const external = networkAddress()
  if (external !== undefined) assert.equal(await accepts(external, Number(port)), false, `the demo is reachable on ${external}:${port}`)
  assert.equal(hostname, '127.0.0.1')
  assert.match(banner, new RegExp(`Bound to 127\\.0\\.0\\.1:${port}: this machine only`))

  const first = await prompt(url, 'My name is Ada.')
  assert.equal(first.text, 'Echo: My name is Ada. (no earlier turns)')
  const second = await prompt(url, 'What is my name?', first.sessionId)
  assert.equal(second.sessionId, first.sessionId)
  assert.equal(second.text, 'Echo: What is my name? (1 earlier turn; the last one: "My name is Ada.")')
})

test('with PLT_SERVER_HOSTNAME=0.0.0.0 the demo binds every interface and its banner warns', async (t) => {
  const { url, banner } = await startDemo(t, { PLT_SERVER_HOSTNAME: '0.0.0.0' })
  const { port } = new URL(url)
  const external = networkAddress()
  if (external !== undefined) assert.equal(await accepts(external, Number(port)), true, `the demo is not reachable on ${external}:${port}`)
  assert.match(banner, new RegExp(`Bound to 0\\.0\\.0\\.0:${port}: every network interface\\. Anyone who can reach this machine can use it`))
})
