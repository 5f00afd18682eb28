// Demo mode (issue 18): the default answer shows what reached the model before the prompt, so the
// demo's sessions visibly differ from fresh prompts. Off by default: tests rely on `Echo: <prompt>`.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { GEMINI_AUTH, OPENAI_AUTH, dataOf, post, startMock } from './helper.ts'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))

const CONVERSATION = [
  { role: 'system', content: 'be brief' },
  { role: 'user', content: 'My name is Ada.' },
  { role: 'assistant', content: 'Hello Ada.' },
  { role: 'user', content: 'I like tea.' },
  { role: 'assistant', content: 'Noted.' },
  { role: 'user', content: 'What is my name?' }
]

async function answerText (url: string, messages: unknown[]): Promise<string> {
  const response = await fetch(url + '/v1/chat/completions', { method: 'POST', headers: OPENAI_AUTH, body: JSON.stringify({ model: 'gpt-4o-mini', messages }) })
  return (await response.json()).choices[0].message.content
}

test('without demo mode the answer stays Echo: <last prompt>, whatever the history', async (t) => {
  const mock = await startMock(t)
  assert.equal(await answerText(mock.url, CONVERSATION), 'Echo: What is my name?')
})

test('demo mode counts the earlier turns and quotes the last one, on every wire format', async (t) => {
  const mock = await startMock(t, { demo: true })
  assert.equal(await answerText(mock.url, CONVERSATION.slice(0, 2)), 'Echo: My name is Ada. (no earlier turns)')
  assert.equal(await answerText(mock.url, CONVERSATION.slice(0, 4)), 'Echo: I like tea. (1 earlier turn; the last one: "My name is Ada.")')
  assert.equal(await answerText(mock.url, CONVERSATION), 'Echo: What is my name? (2 earlier turns; the last one: "I like tea.")')

  const gemini = await post(mock, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', JSON.stringify({
    contents: [{ role: 'user', parts: [{ text: 'My name is Ada.' }] }, { role: 'model', parts: [{ text: 'Hi.' }] }, { role: 'user', parts: [{ text: 'Who am I?' }] }]
  }), GEMINI_AUTH)
  const text = dataOf(await gemini.text()).map((data) => JSON.parse(data).candidates[0].content?.parts?.[0]?.text ?? '').join('')
  assert.equal(text, 'Echo: Who am I? (1 earlier turn; the last one: "My name is Ada.")')

  // A behaviour's own text still wins.
  mock.setBehaviour('gpt-4o-mini', { text: 'Scripted.' })
  assert.equal(await answerText(mock.url, CONVERSATION), 'Scripted.')
})

test('cli --demo starts the mock in demo mode', async (t) => {
  const child = spawn(process.execPath, [CLI, '--port', '0', '--demo'], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(function killChild () { if (child.exitCode === null) child.kill('SIGKILL') })
  const [line] = await once(child.stdout, 'data')
  const url = /(http:\/\/\S+)/.exec(String(line))?.[1] as string
  assert.equal(await answerText(url, CONVERSATION.slice(0, 4)), 'Echo: I like tea. (1 earlier turn; the last one: "My name is Ada.")')
  child.kill('SIGTERM')
  await once(child, 'exit')
})
