// The native tool loop over real HTTP (issue 19): ask with tools, get the model's calls, send
// their results with the session id, get the answer; streamed with tool_call events, resumed
// with Last-Event-ID without losing or repeating a call. A Gemini model on the mock answers the
// calls (with thought signatures, which must come back to it on the next turn).
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import { startGateway, postJson } from '../helpers/gateway.ts'
import type { Gateway } from '../helpers/gateway.ts'
import type { SseFrame } from '../helpers/sse.ts'
import { collectFrames, eventsOf, sseFrames, textOf } from '../helpers/sse.ts'

const MODEL = 'gemini-2.5-flash'
const tools = [{ name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }]

/** A gateway whose one model is a Gemini model on a fresh mock. */
async function geminiGateway (t: TestContext): Promise<Gateway> {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  return await startGateway(t, { mock, plugin: { providers: { gemini: { apiKey: 'test-key', baseUrl: mock.url } }, models: [`gemini:${MODEL}`] } })
}

/** The model parts of a Gemini request's contents (what it was sent of its own earlier calls). */
function functionCallParts (body: { contents: Array<{ role: string, parts: Array<Record<string, unknown>> }> }): Array<Record<string, unknown>> {
  return body.contents.filter((content) => content.role === 'model').flatMap((content) => content.parts).filter((part) => part.functionCall !== undefined)
}

test('prompt: tools -> toolCalls (TOOL_CALLS) -> toolResults with the session id -> the answer', async (t) => {
  const { url, mock } = await geminiGateway(t)
  mock.enqueue(MODEL, { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}', thoughtSignature: 'signature-1' }] })

  const first = await postJson(`${url}/api/v1/prompt`, { prompt: 'What is the weather in Paris?', tools })
  const asked = await first.json()
  assert.equal(first.status, 200, JSON.stringify(asked))
  assert.equal(asked.result, 'TOOL_CALLS')
  assert.equal(asked.text, '')
  assert.equal(asked.toolCalls.length, 1)
  const [call] = asked.toolCalls
  assert.equal(call.name, 'get_weather')
  assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' })
  assert.ok(call.id.length > 0)
  assert.deepEqual(call.providerData, { gemini: { thoughtSignature: 'signature-1' } })
  assert.equal(first.headers.get('x-session-id'), asked.sessionId)

  // The caller runs the tool and sends only its result: the session has the rest.
  const second = await postJson(`${url}/api/v1/prompt`, { sessionId: asked.sessionId, tools, toolResults: [{ toolCallId: call.id, content: '{"temperature":21}' }] })
  const answered = await second.json()
  assert.equal(second.status, 200, JSON.stringify(answered))
  assert.equal(answered.result, 'COMPLETE')
  assert.equal(answered.text, 'Echo: {"temperature":21}')
  assert.equal(answered.toolCalls, undefined)

  // The model got its call back with its signature, then the result under the call's name.
  const sent = mock.requests[1].body
  assert.deepEqual(functionCallParts(sent), [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'signature-1' }])
  assert.deepEqual(sent.contents.at(-1).parts, [{ functionResponse: { name: 'get_weather', response: { temperature: 21 } } }])

  const session = await (await fetch(`${url}/api/v1/sessions/${asked.sessionId}`)).json()
  assert.deepEqual(session.turns.map((turn: { result: string }) => turn.result), ['TOOL_CALLS', 'COMPLETE'])
  assert.deepEqual(session.turns[0].toolCalls, asked.toolCalls)
  assert.deepEqual(session.turns[1].input, [{ role: 'tool', toolCallId: call.id, content: '{"temperature":21}' }])
})

test('prompt: a whole conversation in messages, with an assistant call and its result, needs no session', async (t) => {
  const { url, mock } = await geminiGateway(t)
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Weather in Rome?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_rome', name: 'get_weather', arguments: '{"city":"Rome"}' }] },
    { role: 'tool', toolCallId: 'call_rome', content: '{"temperature":25}' }
  ]
  const response = await postJson(`${url}/api/v1/prompt`, { messages, tools })
  const answer = await response.json()
  assert.equal(response.status, 200, JSON.stringify(answer))
  assert.equal(answer.text, 'Echo: {"temperature":25}')
  const sent = mock.requests[0].body
  assert.deepEqual(sent.systemInstruction, { parts: [{ text: 'Be brief.' }] })
  // A call Gemini did not make carries the dummy signature Gemini documents for such calls.
  assert.deepEqual(functionCallParts(sent), [{ functionCall: { name: 'get_weather', args: { city: 'Rome' }, id: 'call_rome' }, thoughtSignature: 'skip_thought_signature_validator' }])
  assert.deepEqual(sent.contents.at(-1).parts, [{ functionResponse: { name: 'get_weather', response: { temperature: 25 }, id: 'call_rome' } }])
})

test('stream: tool_call events, end.toolCalls, then the results on the stream route', async (t) => {
  const { url, mock } = await geminiGateway(t)
  mock.enqueue(MODEL, { deltas: ['Let me ', 'check.'], toolCalls: [{ name: 'get_weather', arguments: '{"city":"Oslo"}', thoughtSignature: 'signature-2' }] })

  const first = await postJson(`${url}/api/v1/stream`, { prompt: 'Weather in Oslo?', tools })
  assert.equal(first.status, 200)
  const events = eventsOf(await collectFrames(first))
  assert.deepEqual(events.map((frame) => frame.event), ['content', 'content', 'tool_call', 'end'])
  assert.equal(textOf(events), 'Let me check.')
  const toolCall = events[2]
  assert.ok(toolCall.id !== undefined && Number(toolCall.id) > Number(events[1].id), 'the tool_call event has the next event id')
  assert.equal(toolCall.data.index, 0)
  assert.equal(toolCall.data.name, 'get_weather')
  assert.equal(toolCall.data.arguments, '{"city":"Oslo"}')
  assert.deepEqual(toolCall.data.providerData, { gemini: { thoughtSignature: 'signature-2' } })
  const end = events[3].data
  assert.equal(end.response, 'TOOL_CALLS')
  const { index, ...call } = toolCall.data
  assert.deepEqual(end.toolCalls, [call])

  const second = await postJson(`${url}/api/v1/stream`, { sessionId: end.sessionId, tools, toolResults: [{ toolCallId: call.id, content: 'sunny' }] })
  const rest = eventsOf(await collectFrames(second))
  assert.equal(textOf(rest), 'Echo: sunny')
  assert.equal(rest.at(-1)?.event, 'end')
  assert.equal(rest.at(-1)?.data.response, 'COMPLETE')
  assert.equal(rest.at(-1)?.data.toolCalls, undefined)
  assert.deepEqual(functionCallParts(mock.requests[1].body), [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'signature-2' }])
})

/** Read a stream until `count` events arrived, then drop the connection. */
async function readEvents (url: string, body: unknown, count: number): Promise<{ seen: SseFrame[], sessionId: string }> {
  const controller = new AbortController()
  const response = await postJson(`${url}/api/v1/stream`, body, { signal: controller.signal })
  const sessionId = response.headers.get('x-session-id') ?? ''
  const seen: SseFrame[] = []
  assert.ok(response.body)
  for await (const frame of sseFrames(response.body)) {
    if (frame.event !== undefined) seen.push(frame)
    if (seen.length === count) break
  }
  controller.abort()
  return { seen, sessionId }
}

for (const cutAfter of [1, 2, 3]) {
  test(`resume: a tool-call stream dropped after ${cutAfter} events gives each call exactly once`, async (t) => {
    const { url, mock } = await geminiGateway(t)
    mock.enqueue(MODEL, {
      deltas: ['One ', 'moment, ', 'checking.'],
      deltaDelayMs: 30,
      toolCalls: [{ name: 'get_weather', arguments: '{"city":"Lima"}', thoughtSignature: 'signature-3' }]
    })
    const body = { prompt: 'Weather in Lima?', tools }
    const { seen, sessionId } = await readEvents(url, body, cutAfter)
    const resumed = await postJson(`${url}/api/v1/stream`, { ...body, sessionId }, { headers: { 'last-event-id': seen.at(-1)?.id ?? '' } })
    assert.equal(resumed.status, 200)
    const rest = eventsOf(await collectFrames(resumed))
    const all = [...seen, ...rest]
    assert.equal(new Set(all.map((frame) => frame.id)).size, all.length, 'no event twice')
    assert.deepEqual(all.map((frame) => frame.event), ['content', 'content', 'content', 'tool_call', 'end'])
    assert.equal(textOf(all), 'One moment, checking.')
    const calls = all.filter((frame) => frame.event === 'tool_call')
    assert.equal(calls.length, 1)
    assert.deepEqual(all.at(-1)?.data.toolCalls.map((call: { id: string }) => call.id), [calls[0].data.id])
    assert.equal(mock.requests.length, 1, 'the resume started no second generation')

    // A replay from the start, once the answer is over, gives the call once more and only once.
    const replay = eventsOf(await collectFrames(await postJson(`${url}/api/v1/stream`, { ...body, sessionId }, { headers: { 'last-event-id': '0' } })))
    assert.deepEqual(replay.map((frame) => frame.id), all.map((frame) => frame.id))
    assert.deepEqual(replay.filter((frame) => frame.event === 'tool_call').map((frame) => frame.data), calls.map((frame) => frame.data))
  })
}
