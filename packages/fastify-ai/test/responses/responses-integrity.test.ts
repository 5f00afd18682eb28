// What a stored response stands for stays true when its conversation is used by other routes and
// other requests: a retrieve never asks a model, never answers with another request's turn, and
// two requests continuing one response cannot both get in.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OPENAI_MODEL, startOpenAiGateway } from '../openai/openai-gateway.ts'

function post (url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

test('retrieving a stream whose session went on elsewhere is 409 AI_STREAM_NOT_RESUMABLE: no model asked, no turn added', async (t) => {
  const { baseURL, mock } = await startOpenAiGateway(t)
  const origin = baseURL.slice(0, -'/v1'.length)
  const first = await post(`${baseURL}/responses`, { model: OPENAI_MODEL, input: 'first question', stream: true })
  const events = await first.text()
  const sessionId = first.headers.get('x-session-id') ?? ''
  const id = (/"id":"(resp_[^"]+)"/.exec(events) as RegExpExecArray)[1]
  // The session's header was handed out: the native route adds a turn, whose log replaces the first's.
  await (await post(`${origin}/api/v1/stream`, { prompt: 'second question', sessionId })).text()
  const asked = mock.requests.length
  const resumed = await fetch(`${baseURL}/responses/${id}?stream=true&starting_after=0`)
  assert.equal(resumed.status, 409)
  assert.equal((await resumed.json()).error.code, 'AI_STREAM_NOT_RESUMABLE')
  assert.equal(mock.requests.length, asked, 'no upstream call')
  const session = await (await fetch(`${origin}/api/v1/sessions/${sessionId}`)).json()
  assert.deepEqual(session.turns.map((turn: { prompt: string }) => turn.prompt), ['first question', 'second question'])
})

test('a response whose turn was trimmed is never rebuilt from another request\'s turn', async (t) => {
  const { baseURL, mock } = await startOpenAiGateway(t, { plugin: { limits: { retry: { max: 0, interval: 0 }, historyLength: 1 } } })
  const origin = baseURL.slice(0, -'/v1'.length)
  mock.enqueue('gpt-4o-mini', { deltas: ['alpha ', 'beta ', 'gamma'], deltaDelayMs: 100 })
  const answer = await post(`${baseURL}/responses`, { model: OPENAI_MODEL, input: 'question A', stream: true })
  const sessionId = answer.headers.get('x-session-id') ?? ''
  const reader = (answer.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let read = ''
  while (!read.includes('output_text.delta')) read += decoder.decode((await reader.read()).value)
  // The client leaves; the answer goes on to its end without it (onDisconnect continue).
  await reader.cancel()
  const id = (/"id":"(resp_[^"]+)"/.exec(read) as RegExpExecArray)[1]
  await new Promise((resolve) => setTimeout(resolve, 600))
  // Another client of the session: its turn is the only one left (historyLength 1).
  await (await post(`${origin}/api/v1/prompt`, { prompt: 'question B', sessionId })).json()
  const retrieved = await (await fetch(`${baseURL}/responses/${id}`)).json()
  assert.notEqual(retrieved.output?.[0]?.content?.[0]?.text, 'Echo: question B')
  assert.equal(retrieved.status, 'in_progress', 'what is known of it: its own turn is gone')
})

test('two requests continuing one response: one gets in, the other is 400 previous_response_id; the winner\'s conversation is its own', async (t) => {
  const { baseURL, mock } = await startOpenAiGateway(t)
  const root = await (await post(`${baseURL}/responses`, { model: OPENAI_MODEL, input: 'root' })).json()
  mock.setBehaviour('*', { headersDelayMs: 200 })
  const [a, b] = await Promise.all([
    post(`${baseURL}/responses`, { model: OPENAI_MODEL, input: 'branch A', previous_response_id: root.id }),
    post(`${baseURL}/responses`, { model: OPENAI_MODEL, input: 'branch B', previous_response_id: root.id })
  ])
  const statuses = [a.status, b.status].sort()
  assert.deepEqual(statuses, [200, 400])
  const winner = a.status === 200 ? await a.json() : await b.json()
  const loser = a.status === 200 ? await b.json() : await a.json()
  assert.equal(loser.error.param, 'previous_response_id')
  mock.setBehaviour('*', {})
  const next = await post(`${baseURL}/responses`, { model: OPENAI_MODEL, input: 'after', previous_response_id: winner.id })
  assert.equal(next.status, 200)
  const sent = mock.requests.at(-1)?.body.messages.map((message: { content: string }) => message.content)
  assert.equal(sent.filter((content: string) => content.startsWith('branch')).length, 1, JSON.stringify(sent))
  // A failed continuation gives the head back: the previous response can still be continued.
  mock.enqueue('gpt-4o-mini', { status: 400 })
  mock.enqueue('gemini-2.5-flash', { status: 400 })
  const latest = (await next.json()).id
  const failed = await post(`${baseURL}/responses`, { model: 'default', input: 'fails', previous_response_id: latest })
  assert.equal(failed.status, 503)
  const again = await post(`${baseURL}/responses`, { model: OPENAI_MODEL, input: 'again', previous_response_id: latest })
  assert.equal(again.status, 200)
})
