// Automatic resume against the real gateway: a TCP proxy between the client and the gateway
// cuts the connection at chosen points; the client must still yield the whole answer, once.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildClient, AiClientNetworkError } from '../src/index.ts'
import type { AskStreamMessage } from '../src/index.ts'
import { collect } from './helpers/scripted-server.ts'
import { startGateway } from './helpers/gateway.ts'
import { startCuttingProxy } from './helpers/cutting-proxy.ts'
import type { Cut } from './helpers/cutting-proxy.ts'

const deltas = ['The ', 'quick ', 'brown ', 'fox ', 'jumps ', 'over ', 'the ', 'lazy ', 'dog.']

function textOf (messages: AskStreamMessage[]): string {
  return messages.map((message) => message.type === 'content' ? message.content : '').join('')
}

async function resumeThroughCuts (t: import('node:test').TestContext, cuts: Cut[], deltaDelayMs: number): Promise<void> {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas, deltaDelayMs })
  const proxy = await startCuttingProxy(t, url, cuts)
  const client = buildClient({ url: proxy.url, resume: { initialDelay: 1 } })
  const { stream, headers } = await client.ask({ prompt: 'Tell me', history: [{ prompt: 'Earlier', response: 'Yes' }] })
  const messages = await collect(stream)

  assert.equal(proxy.cuts, cuts.length, 'every planned cut happened')
  assert.equal(textOf(messages), deltas.join(''), 'no gap, no duplicate')
  assert.equal(messages.filter((message) => message.type === 'done').length, 1)
  const done = messages.at(-1)
  assert.ok(done?.type === 'done')
  assert.equal(done.response.sessionId, headers.get('x-session-id'))
  assert.equal(mock.requests.length, 1, 'the reconnections resumed the answer instead of asking again')

  const session = await buildClient({ url }).getSession(done.response.sessionId)
  assert.equal(session.turns.at(-1)?.response, deltas.join(''))
}

test('resumes a live answer cut right after the headers, inside frames and between frames', async (t) => {
  await resumeThroughCuts(t, [
    { afterFrames: 0 },
    { afterFrames: 1, extraBytes: 12 },
    { afterFrames: 2 },
    { afterFrames: 1, extraBytes: 30 }
  ], 25)
})

test('resumes from the event log when the answer was already complete at the cut', async (t) => {
  await resumeThroughCuts(t, [{ afterFrames: 3, extraBytes: 5 }, { afterFrames: 4 }], 0)
})

test('resume: false surfaces the cut as AiClientNetworkError and asks nothing again', async (t) => {
  const { url, mock } = await startGateway(t)
  mock.setBehaviour('model-a', { deltas, deltaDelayMs: 10 })
  const proxy = await startCuttingProxy(t, url, [{ afterFrames: 2 }])
  const { stream } = await buildClient({ url: proxy.url, resume: false }).ask({ prompt: 'Tell me' })
  const seen: AskStreamMessage[] = []
  await assert.rejects(async () => {
    for await (const message of stream) seen.push(message)
  }, AiClientNetworkError)
  assert.equal(textOf(seen), 'The quick ')
  assert.equal(mock.requests.length, 1)
})
