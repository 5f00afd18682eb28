import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { createAi } from '../../src/ai.ts'

test('storage.maxBytes bounds what stateless clients store: their whole conversations, however many', async (t) => {
  const mock = await createMockProvider({ record: false })
  const ai = await createAi({
    providers: { openai: { apiKey: 'k', baseUrl: mock.url } },
    models: ['openai:a'],
    storage: { type: 'memory', maxBytes: 1_000_000 }
  })
  t.after(async () => {
    await ai.close()
    await mock.close()
  })
  // Each request is a new session holding its whole conversation (~100 000 characters).
  const context = 'lorem ipsum '.repeat(8_000)
  const sessions: string[] = []
  for (let i = 0; i < 30; i++) {
    const answer = await ai.request({ messages: [{ role: 'system', content: context }, { role: 'user', content: `question ${i}` }] })
    sessions.push(answer.sessionId)
  }
  // About ten fit in 1 000 000 (the last evicted one may keep a key): the oldest were evicted, the newest are whole.
  await assert.rejects(ai.getSession(sessions[0]), { code: 'AI_SESSION_NOT_FOUND' })
  const last = await ai.getSession(sessions[29])
  assert.equal(last.turns[0].input?.[0].content, context)
  let kept = 0
  for (const id of sessions) kept += await ai.getSession(id).then(() => 1, () => 0)
  assert.ok(kept >= 5 && kept <= 12, `${kept} sessions kept`)
})

test('storage.maxBytes is checked', async () => {
  await assert.rejects(createAi({ providers: { openai: { apiKey: 'k' } }, models: ['openai:a'], storage: { type: 'memory', maxBytes: 0 } }), /storage\.maxBytes/)
})
