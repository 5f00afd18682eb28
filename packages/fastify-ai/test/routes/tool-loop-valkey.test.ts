// The native tool loop across instances (issue 19): the calls are made on gateway A, their
// results sent to gateway B, both on one Valkey: B has the whole turn (the question, the calls
// and their thought signatures) from the store.
import { after, test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { MockProvider } from '@platformatic/ai-mock-provider'
import { startValkeyServer } from '../../../ai-provider/test/helpers/valkey-server.ts'
import { postJson, startGateway } from '../helpers/gateway.ts'
import type { Gateway } from '../helpers/gateway.ts'
import { collectFrames, eventsOf, textOf } from '../helpers/sse.ts'

const server = await startValkeyServer()
after(() => server.close())

const MODEL = 'gemini-2.5-flash'
const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]

/** Two gateways on one Valkey (a key prefix of their own) and one mock. */
async function twoInstances (t: TestContext, name: string): Promise<{ a: Gateway, b: Gateway, mock: MockProvider }> {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const plugin = {
    providers: { gemini: { apiKey: 'test-key', baseUrl: mock.url } },
    models: [`gemini:${MODEL}`],
    storage: { type: 'valkey' as const, url: server.url, keyPrefix: `tool-loop-${name}-${Date.now()}:` }
  }
  return { a: await startGateway(t, { mock, plugin }), b: await startGateway(t, { mock, plugin }), mock }
}

test('a session tool loop started on A is continued on B', async (t) => {
  const { a, b, mock } = await twoInstances(t, 'prompt')
  mock.enqueue(MODEL, { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', thoughtSignature: 'signature-a' }, { name: 'get_weather', arguments: '{"city":"Rome"}' }] })

  const asked = await (await postJson(`${a.url}/api/v1/prompt`, { prompt: 'Weather in Paris and Rome?', tools })).json()
  assert.equal(asked.result, 'TOOL_CALLS', JSON.stringify(asked))
  assert.deepEqual(asked.toolCalls.map((call: { arguments: string }) => call.arguments), ['{"city":"Paris"}', '{"city":"Rome"}'])

  const toolResults = asked.toolCalls.map((call: { id: string }, index: number) => ({ toolCallId: call.id, content: `{"temperature":${20 + index}}` }))
  const response = await postJson(`${b.url}/api/v1/prompt`, { sessionId: asked.sessionId, tools, toolResults })
  const answered = await response.json()
  assert.equal(response.status, 200, JSON.stringify(answered))
  assert.equal(answered.result, 'COMPLETE')
  assert.equal(answered.sessionId, asked.sessionId)

  // B sent the model its own calls back, signature included, then both results in call order.
  const sent = mock.requests[1].body
  const model = sent.contents.find((content: { role: string }) => content.role === 'model')
  assert.deepEqual(model.parts, [
    { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'signature-a' },
    { functionCall: { name: 'get_weather', args: { city: 'Rome' } } }
  ])
  assert.deepEqual(sent.contents.at(-1).parts, [
    { functionResponse: { name: 'get_weather', response: { temperature: 20 } } },
    { functionResponse: { name: 'get_weather', response: { temperature: 21 } } }
  ])

  const session = await (await fetch(`${a.url}/api/v1/sessions/${asked.sessionId}`)).json()
  assert.deepEqual(session.turns.map((turn: { result: string }) => turn.result), ['TOOL_CALLS', 'COMPLETE'], 'A reads the turn B stored')
})

test('a tool-call stream from A is replayed on B, its call once, and continued there', async (t) => {
  const { a, b, mock } = await twoInstances(t, 'stream')
  mock.enqueue(MODEL, { deltas: ['Checking.'], toolCalls: [{ name: 'get_weather', arguments: '{"city":"Lima"}', thoughtSignature: 'signature-s' }] })

  const first = await postJson(`${a.url}/api/v1/stream`, { prompt: 'Weather in Lima?', tools })
  const events = eventsOf(await collectFrames(first))
  assert.deepEqual(events.map((frame) => frame.event), ['content', 'tool_call', 'end'])
  const sessionId = events[2].data.sessionId

  const replay = eventsOf(await collectFrames(await postJson(`${b.url}/api/v1/stream`, { prompt: 'Weather in Lima?', tools, sessionId }, { headers: { 'last-event-id': events[0].id ?? '' } })))
  assert.deepEqual(replay.map((frame) => [frame.id, frame.event]), events.slice(1).map((frame) => [frame.id, frame.event]))
  assert.deepEqual(replay[0].data, events[1].data)
  assert.equal(mock.requests.length, 1, 'B replayed from the store, no second generation')

  const rest = eventsOf(await collectFrames(await postJson(`${b.url}/api/v1/stream`, { sessionId, tools, toolResults: [{ toolCallId: events[1].data.id, content: 'sunny' }] })))
  assert.equal(textOf(rest), 'Echo: sunny')
  assert.equal(rest.at(-1)?.data.response, 'COMPLETE')
  assert.ok(Number(rest[0].id) > Number(events[2].id), 'the new turn goes on from the last event id')
})
