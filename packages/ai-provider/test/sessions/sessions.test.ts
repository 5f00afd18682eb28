import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setup } from '../helpers/ai.ts'

type Message = { role: string, content: string }

function messagesOf (mock: { requests: Array<{ body: { messages: Message[] } }> }, index: number): Message[] {
  return mock.requests[index].body.messages
}

test('a follow-up sends the context and previous turns, and keeps the context with the session', async (t) => {
  const { ai, mock } = await setup(t)
  mock.setBehaviour('a', { text: 'first answer' })
  const first = await ai.request({ prompt: 'first', context: 'You are terse' })
  await ai.request({ prompt: 'second', sessionId: first.sessionId })
  assert.deepEqual(messagesOf(mock, 1), [
    { role: 'system', content: 'You are terse' },
    { role: 'user', content: 'first' },
    { role: 'assistant', content: 'first answer' },
    { role: 'user', content: 'second' }
  ])
  await ai.request({ prompt: 'third', sessionId: first.sessionId, context: 'You are verbose' })
  assert.deepEqual(messagesOf(mock, 2)[0], { role: 'system', content: 'You are verbose' })
  await ai.request({ prompt: 'fourth', sessionId: first.sessionId })
  assert.deepEqual(messagesOf(mock, 3)[0], { role: 'system', content: 'You are verbose' }, 'a later context replaces the stored one')
  assert.equal((await ai.getSession(first.sessionId)).context, 'You are verbose')
})

test('history seeds a new session and is stored with it', async (t) => {
  const { ai, mock } = await setup(t)
  const answer = await ai.request({ prompt: 'now', history: [{ prompt: 'before', response: 'earlier' }] })
  assert.deepEqual(messagesOf(mock, 0), [
    { role: 'user', content: 'before' },
    { role: 'assistant', content: 'earlier' },
    { role: 'user', content: 'now' }
  ])
  const session = await ai.getSession(answer.sessionId)
  assert.deepEqual(session.turns.map((turn) => turn.prompt), ['before', 'now'])
})

test('history with sessionId is a 400; an unknown session is a 404', async (t) => {
  const { ai, mock } = await setup(t)
  const answer = await ai.request({ prompt: 'x' })
  await assert.rejects(ai.request({ prompt: 'y', sessionId: answer.sessionId, history: [] }), { code: 'AI_SESSION_HISTORY_CONFLICT', statusCode: 400 })
  await assert.rejects(ai.request({ prompt: 'y', sessionId: 'nope' }), { code: 'AI_SESSION_NOT_FOUND', statusCode: 404 })
  await assert.rejects(ai.getSession('nope'), { code: 'AI_SESSION_NOT_FOUND' })
  assert.equal(mock.requests.length, 1)
})

test('a session keeps its last historyLength turns', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { historyLength: 2 } }))
  const { sessionId } = await ai.request({ prompt: 'p1' })
  await ai.request({ prompt: 'p2', sessionId })
  await ai.request({ prompt: 'p3', sessionId })
  await ai.request({ prompt: 'p4', sessionId })
  assert.deepEqual((await ai.getSession(sessionId)).turns.map((turn) => turn.prompt), ['p3', 'p4'])
  assert.deepEqual(messagesOf(mock, 3).filter((message) => message.role === 'user').map((message) => message.content), ['p2', 'p3', 'p4'])
})

test('a session expires historyExpiration after its last write', async (t) => {
  const { ai, clock } = await setup(t, () => ({ limits: { historyExpiration: '1h' } }))
  const { sessionId } = await ai.request({ prompt: 'p1' })
  clock.advance(50 * 60_000)
  await ai.request({ prompt: 'p2', sessionId })
  const session = await ai.getSession(sessionId)
  assert.equal(session.expiresAt, new Date(clock.now() + 3_600_000).toISOString())
  clock.advance(50 * 60_000)
  assert.equal((await ai.getSession(sessionId)).turns.length, 2, 'the last write renewed it')
  clock.advance(11 * 60_000)
  await assert.rejects(ai.request({ prompt: 'p3', sessionId }), { code: 'AI_SESSION_NOT_FOUND' })
})

test('a session of another owner is not found, for every operation', async (t) => {
  const { ai } = await setup(t)
  const { sessionId } = await ai.request({ prompt: 'mine', owner: 'alice' })
  await assert.rejects(ai.request({ prompt: 'x', sessionId, owner: 'bob' }), { code: 'AI_SESSION_NOT_FOUND' })
  await assert.rejects(ai.request({ prompt: 'x', sessionId }), { code: 'AI_SESSION_NOT_FOUND' })
  await assert.rejects(ai.stream({ prompt: 'x', sessionId, owner: 'bob' }), { code: 'AI_SESSION_NOT_FOUND' })
  await assert.rejects(ai.getSession(sessionId, 'bob'), { code: 'AI_SESSION_NOT_FOUND' })
  await assert.rejects(ai.deleteSession(sessionId, 'bob'), { code: 'AI_SESSION_NOT_FOUND' })
  assert.equal((await ai.getSession(sessionId, 'alice')).turns.length, 1)
  await ai.deleteSession(sessionId, 'alice')
  await assert.rejects(ai.getSession(sessionId, 'alice'), { code: 'AI_SESSION_NOT_FOUND' })
})

test('maxTokens is the lower of the request and the model limit', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { maxTokens: 100 } }))
  await ai.request({ prompt: 'x', maxTokens: 50 })
  await ai.request({ prompt: 'x', maxTokens: 500 })
  await ai.request({ prompt: 'x' })
  assert.deepEqual(mock.requests.map((request) => request.body.max_tokens ?? request.body.max_completion_tokens), [50, 100, 100])
})

test('a truncated answer is replayed, a failed stream turn is not', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { text: 'cut', finishReason: 'length' })
  const first = await ai.request({ prompt: 'p1' })
  assert.equal(first.result, 'INCOMPLETE_MAX_TOKENS')
  mock.enqueue('a', { deltas: ['part ', 'ial'], cutAfter: 1 })
  const stream = await ai.stream({ prompt: 'p2', sessionId: first.sessionId })
  for await (const event of stream.events) if (event.type !== 'content') assert.equal(event.type, 'error')
  await ai.request({ prompt: 'p3', sessionId: first.sessionId, models: ['openai:b'] })
  const turns = (await ai.getSession(first.sessionId)).turns
  assert.deepEqual(turns.map((turn) => [turn.prompt, turn.result]), [['p1', 'INCOMPLETE_MAX_TOKENS'], ['p2', 'FAILED'], ['p3', 'COMPLETE']])
  assert.equal(turns[1].response, 'part ')
  const users = mock.requests.at(-1)?.body.messages.filter((message: Message) => message.role === 'user').map((message: Message) => message.content)
  assert.deepEqual(users, ['p1', 'p3'])
})

test('a prompt or a stream no model answered is stored as FAILED on its known session and never replayed', async (t) => {
  const { ai, mock } = await setup(t)
  mock.setBehaviour('a', { text: 'first answer' })
  const first = await ai.request({ prompt: 'p1' })
  // 400: rejected by every model, no retry and no cool-down, so the models answer again after.
  mock.setBehaviour('a', { status: 400 })
  mock.setBehaviour('b', { status: 400 })
  await assert.rejects(ai.request({ prompt: 'p2', sessionId: first.sessionId }), { code: 'AI_NO_MODELS_AVAILABLE' })
  await assert.rejects(ai.stream({ prompt: 'p3', sessionId: first.sessionId }), { code: 'AI_NO_MODELS_AVAILABLE' })
  const failedRequests = mock.requests.length
  mock.setBehaviour('a', { text: 'fourth answer' })
  await ai.request({ prompt: 'p4', sessionId: first.sessionId })
  const turns = (await ai.getSession(first.sessionId)).turns
  assert.deepEqual(turns.map((turn) => [turn.prompt, turn.result, turn.errorCode, turn.model]), [
    ['p1', 'COMPLETE', undefined, 'openai:a'],
    ['p2', 'FAILED', 'AI_NO_MODELS_AVAILABLE', undefined],
    ['p3', 'FAILED', 'AI_NO_MODELS_AVAILABLE', undefined],
    ['p4', 'COMPLETE', undefined, 'openai:a']
  ])
  assert.deepEqual(messagesOf(mock, failedRequests), [
    { role: 'user', content: 'p1' },
    { role: 'assistant', content: 'first answer' },
    { role: 'user', content: 'p4' }
  ])
})

test('a prompt the caller abandons before any answer is stored as INTERRUPTED', async (t) => {
  const { ai, mock } = await setup(t)
  const first = await ai.request({ prompt: 'p1' })
  mock.setBehaviour('a', { headersDelayMs: 1000 })
  const controller = new AbortController()
  const pending = ai.request({ prompt: 'p2', sessionId: first.sessionId, signal: controller.signal })
  // Abort once the call is upstream, held by the mock.
  while (mock.requests.length < 2) await new Promise((resolve) => setImmediate(resolve))
  controller.abort()
  await assert.rejects(pending, { code: 'AI_ABORTED' })
  const turns = (await ai.getSession(first.sessionId)).turns
  assert.deepEqual(turns.map((turn) => [turn.prompt, turn.result, turn.errorCode]), [['p1', 'COMPLETE', undefined], ['p2', 'INTERRUPTED', 'AI_ABORTED']])
})
