// End to end through createAi with an OpenAI model on the mock: a tool-call answer kept in the
// session and continued with the tool results; a streamed tool-call answer logged and replayed
// on resume exactly once.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AiStreamEvent } from '../../src/types.ts'
import { setup, collect } from '../helpers/ai.ts'

const tools = [{ name: 'get_weather', description: 'The weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]
const WEATHER = { id: 'call_weather', name: 'get_weather', arguments: '{"city":"Paris"}' }
const TIME = { id: 'call_time', name: 'get_time', arguments: '{"zone":"CET"}' }

async function take (events: AsyncIterable<AiStreamEvent>, count: number): Promise<AiStreamEvent[]> {
  const taken: AiStreamEvent[] = []
  for await (const event of events) {
    taken.push(event)
    if (taken.length === count) break
  }
  return taken
}

test('a tool-call answer is stored in the session and the tool results continue it', async (t) => {
  const { ai, mock } = await setup(t)
  mock.enqueue('a', { toolCalls: [WEATHER, TIME] })
  const first = await ai.request({ prompt: 'Weather and time in Paris?', tools })
  assert.equal(first.result, 'TOOL_CALLS')
  assert.equal(first.text, '')
  assert.deepEqual(first.toolCalls, [WEATHER, TIME])

  const second = await ai.request({
    sessionId: first.sessionId,
    tools,
    toolResults: [{ toolCallId: 'call_weather', content: '22C' }, { toolCallId: 'call_time', content: '10:00' }]
  })
  assert.equal(second.result, 'COMPLETE')
  assert.equal(second.text, 'Echo: 10:00')
  const messages = mock.requests[1].body.messages
  assert.deepEqual(messages.slice(-4), [
    { role: 'user', content: 'Weather and time in Paris?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_weather', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_time', type: 'function', function: { name: 'get_time', arguments: '{"zone":"CET"}' } }
      ]
    },
    { role: 'tool', tool_call_id: 'call_weather', content: '22C' },
    { role: 'tool', tool_call_id: 'call_time', content: '10:00' }
  ])
  assert.equal(mock.requests[1].body.tools[0].function.name, 'get_weather')
})

test('a streamed tool-call answer: tool_call events logged, end carries the calls, resume replays each exactly once', async (t) => {
  const { ai, mock } = await setup(t, () => ({ limits: { detachTimeout: 200 } }))
  mock.enqueue('a', { text: 'Checking now ', toolCalls: [WEATHER, TIME], awkwardToolDeltas: true, deltaDelayMs: 20 })
  const first = await ai.stream({ prompt: 'Weather and time?', tools })
  // Leave after the first text delta, while the calls are still coming.
  const seen = await take(first.events, 1)
  assert.equal(seen[0].type, 'content')
  const resumed = await ai.stream({ prompt: 'Weather and time?', sessionId: first.sessionId, lastEventId: seen[0].id })
  const rest = await collect(resumed.events)
  const all = [...seen, ...rest]
  assert.deepEqual(all.map((event) => Number(event.id)), all.map((_, index) => index + 1), 'no gap, no duplicate')
  const calls = all.filter((event) => event.type === 'tool_call')
  assert.deepEqual(calls.map((event) => event.type === 'tool_call' && [event.index, event.id !== '', event.toolCall]), [[0, true, WEATHER], [1, true, TIME]])
  const end = all.at(-1)
  assert.equal(end?.type, 'end')
  assert.equal(end?.type === 'end' && end.result, 'TOOL_CALLS')
  assert.deepEqual(end?.type === 'end' && end.toolCalls, [WEATHER, TIME])
  assert.equal(mock.requests.length, 1)

  // A later resume from the start replays the same calls once each, without a new upstream call.
  const replay = await collect((await ai.stream({ prompt: 'Weather and time?', sessionId: first.sessionId, lastEventId: '0' })).events)
  assert.deepEqual(replay, all.filter((event) => Number(event.id) > 0))
  assert.equal(mock.requests.length, 1)
  const [turn] = (await ai.getSession(first.sessionId)).turns
  assert.deepEqual(turn.toolCalls, [WEATHER, TIME])
  assert.equal(turn.result, 'TOOL_CALLS')
})
