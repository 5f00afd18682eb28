import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OPENAI_AUTH, post, rawPost, readFrames, startMock } from './helper.ts'

// The Responses API's stream (POST /v1/responses with stream: true) and the faults of a stream.

const RESPONSES = '/v1/responses'
const WEATHER = { name: 'get_weather', arguments: '{"city":"Paris","note":"say \\"hi\\""}' }

function body (input = 'one two three', extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: 'm', input, stream: true, ...extra })
}

/** The events of a stream: each frame an `event:` line naming the data's `type`, then its data; LF only. */
function eventsOf (text: string): any[] {
  assert.ok(!text.includes('\r'), 'LF line endings')
  return text.split('\n\n').filter((frame) => frame !== '').map(function readFrame (frame) {
    const [eventLine, dataLine, ...rest] = frame.split('\n')
    assert.deepEqual(rest, [])
    assert.match(eventLine, /^event: /)
    assert.match(dataLine, /^data: /)
    const data = JSON.parse(dataLine.slice('data: '.length))
    assert.equal(data.type, eventLine.slice('event: '.length))
    return data
  })
}

async function streamEvents (mock: Awaited<ReturnType<typeof startMock>>, input?: string, extra?: Record<string, unknown>): Promise<any[]> {
  const response = await post(mock, RESPONSES, body(input, extra), OPENAI_AUTH)
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  return eventsOf(await response.text())
}

function assertSequence (events: any[]): void {
  assert.deepEqual(events.map((event) => event.sequence_number), events.map((_, index) => index))
}

test('Responses stream of text: created, in_progress, the message item with one delta per behaviour delta, completed with the whole Response; numbered 0, 1, 2…', async (t) => {
  const mock = await startMock(t)
  const events = await streamEvents(mock, 'one two three', { instructions: 'be brief' })
  assert.deepEqual(events.map((event) => event.type), [
    'response.created',
    'response.in_progress',
    'response.output_item.added',
    'response.content_part.added',
    'response.output_text.delta',
    'response.output_text.delta',
    'response.output_text.delta',
    'response.output_text.delta',
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
    'response.completed'
  ])
  assertSequence(events)
  for (const start of events.slice(0, 2)) {
    assert.equal(start.response.status, 'in_progress')
    assert.deepEqual(start.response.output, [])
    assert.equal(start.response.usage, null)
    assert.equal(start.response.instructions, 'be brief')
  }
  const item = events[2].item
  assert.deepEqual({ ...item, id: undefined }, { type: 'message', id: undefined, status: 'in_progress', role: 'assistant', content: [] })
  assert.deepEqual(events[3], { type: 'response.content_part.added', sequence_number: 3, item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } })
  assert.deepEqual(events[4], { type: 'response.output_text.delta', sequence_number: 4, item_id: item.id, output_index: 0, content_index: 0, delta: 'Echo: ', logprobs: [] })
  assert.equal(events.slice(4, 8).map((event) => event.delta).join(''), 'Echo: one two three')
  assert.equal(events[8].text, 'Echo: one two three')
  assert.equal(events[9].part.text, 'Echo: one two three')
  assert.equal(events[10].item.status, 'completed')

  const completed = events[11].response
  assert.equal(completed.status, 'completed')
  assert.deepEqual(completed.output, [events[10].item])
  assert.equal(completed.usage.output_tokens, 4)
  assert.equal(mock.requests[0].stream, true)
  assert.equal(mock.requests[0].provider, 'openai-responses')

  // The last event carries what the JSON answer says.
  const whole = await (await post(mock, RESPONSES, JSON.stringify({ model: 'm', input: 'one two three', instructions: 'be brief' }), OPENAI_AUTH)).json()
  const strip = (response: any): unknown => ({ ...response, id: undefined, created_at: undefined, output: response.output.map((entry: any) => ({ ...entry, id: undefined })) })
  assert.deepEqual(strip(completed), strip(whole))
})

test('Responses stream of reasoning, text and a call: summary events, then the message, then the arguments in fragments and done with the name', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { reasoning: 'The user wants weather.', text: 'Let me check.', toolCalls: [WEATHER] }, { reasoning: 'Quietly.', text: 'Hi' })
  const events = await streamEvents(mock, undefined, { reasoning: { summary: 'auto' } })
  assertSequence(events)
  // Without `reasoning.summary`, the item has no summary and no summary events.
  const quiet = await streamEvents(mock)
  assert.deepEqual(quiet.filter((event) => event.type.startsWith('response.reasoning_summary')), [])
  assert.deepEqual(quiet.find((event) => event.type === 'response.output_item.done').item.summary, [])
  const [reasoning, message, call] = events.filter((event) => event.type === 'response.output_item.done').map((event) => event.item)
  const reasoningEvents = events.filter((event) => event.item_id === reasoning.id || event.item?.id === reasoning.id)
  assert.deepEqual(reasoningEvents.map((event) => event.type), [
    'response.output_item.added',
    'response.reasoning_summary_part.added',
    'response.reasoning_summary_text.delta',
    'response.reasoning_summary_text.delta',
    'response.reasoning_summary_text.delta',
    'response.reasoning_summary_text.delta',
    'response.reasoning_summary_text.done',
    'response.reasoning_summary_part.done',
    'response.output_item.done'
  ])
  assert.deepEqual(reasoningEvents[0].item, { type: 'reasoning', id: reasoning.id, summary: [] })
  assert.deepEqual(reasoningEvents[1].part, { type: 'summary_text', text: '' })
  assert.equal(reasoningEvents.slice(2, 6).map((event) => event.delta).join(''), 'The user wants weather.')
  assert.ok(reasoningEvents.slice(1, 8).every((event) => event.summary_index === 0 && event.output_index === 0))
  assert.equal(reasoningEvents[6].text, 'The user wants weather.')
  assert.equal(typeof reasoning.encrypted_content, 'string')

  assert.equal(message.content[0].text, 'Let me check.')
  const callEvents = events.filter((event) => event.item_id === call.id || event.item?.id === call.id)
  assert.deepEqual(callEvents[0].item, { ...call, arguments: '', status: 'in_progress' })
  assert.equal(callEvents[0].output_index, 2)
  const fragments = callEvents.filter((event) => event.type === 'response.function_call_arguments.delta').map((event) => event.delta)
  assert.ok(fragments.length > 2)
  assert.equal(fragments.join(''), WEATHER.arguments)
  const argumentsDone = callEvents.find((event) => event.type === 'response.function_call_arguments.done')
  assert.deepEqual(argumentsDone, { type: 'response.function_call_arguments.done', sequence_number: argumentsDone.sequence_number, item_id: call.id, output_index: 2, name: 'get_weather', arguments: WEATHER.arguments })
  assert.deepEqual(events.at(-1).response.output, [reasoning, message, call])

  // The encrypted content of the done item is what the mock accepts back.
  const input = [{ role: 'user', content: 'weather?' }, reasoning, call, { type: 'function_call_output', call_id: call.call_id, output: '22C' }]
  const back = await post(mock, RESPONSES, JSON.stringify({ model: 'm', input }), OPENAI_AUTH)
  assert.equal(back.status, 200)
})

test('Responses stream: awkwardToolDeltas cuts the arguments after the first character and inside the first string and escape', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { toolCalls: [WEATHER], awkwardToolDeltas: true })
  const events = await streamEvents(mock)
  assert.ok(!events.some((event) => event.type === 'response.output_item.added' && event.item.type === 'message'), 'no message item for calls alone')
  const fragments = events.filter((event) => event.type === 'response.function_call_arguments.delta').map((event) => event.delta)
  assert.equal(fragments[0], '{')
  assert.ok(fragments.some((fragment) => fragment.endsWith('\\')), 'a fragment ends inside an escape')
  assert.equal(fragments.join(''), WEATHER.arguments)
})

test('Responses stream incomplete: ends with response.incomplete and its reason', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { finishReason: 'length' })
  const events = await streamEvents(mock)
  const last = events.at(-1)
  assert.equal(last.type, 'response.incomplete')
  assert.equal(last.response.status, 'incomplete')
  assert.deepEqual(last.response.incomplete_details, { reason: 'max_output_tokens' })
})

test('Responses stream emptyAnswer: created, in_progress, completed with no output', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { emptyAnswer: true })
  const events = await streamEvents(mock)
  assert.deepEqual(events.map((event) => event.type), ['response.created', 'response.in_progress', 'response.completed'])
  assert.deepEqual(events[2].response.output, [])
})

test('Responses stream inBandErrorAfter: response.failed numbered next, status failed, server_error, the items done before it; errorBody replaces the error', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { inBandErrorAfter: 1 }, { toolCalls: [WEATHER], text: 'a b', inBandErrorAfter: 3 }, { inBandErrorAfter: 0, errorBody: { code: 'rate_limit_exceeded', message: 'slow down' } })
  const events = await streamEvents(mock)
  assertSequence(events)
  assert.deepEqual(events.map((event) => event.type).slice(-2), ['response.output_text.delta', 'response.failed'])
  const failed = events.at(-1).response
  assert.equal(failed.status, 'failed')
  assert.deepEqual(failed.error, { code: 'server_error', message: 'The server had an error while processing your request. Sorry about that!' })
  assert.deepEqual(failed.output, [])
  assert.equal(failed.usage, null)

  // Two text deltas, the message done, one argument fragment: the message is in the failed output.
  const afterMessage = await streamEvents(mock)
  assertSequence(afterMessage)
  assert.deepEqual(afterMessage.at(-2).type, 'response.function_call_arguments.delta')
  assert.deepEqual(afterMessage.at(-1).response.output.map((item: any) => item.type), ['message'])

  const custom = await streamEvents(mock)
  assertSequence(custom)
  assert.deepEqual(custom.map((event) => event.type), ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added', 'response.failed'])
  assert.deepEqual(custom.at(-1).response.error, { code: 'rate_limit_exceeded', message: 'slow down' })
})

test('Responses stream stallAfter: the lifecycle events and N deltas, then silence until the client leaves', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { stallAfter: 1 })
  const controller = new AbortController()
  const response = await post(mock, RESPONSES, body(), OPENAI_AUTH, controller.signal)
  const events = eventsOf(await readFrames(response, 5))
  assert.deepEqual(events.map((event) => event.type).slice(-1), ['response.output_text.delta'])
  assert.equal(events.length, 5)
  const [recorded] = mock.requests
  assert.equal(recorded.closedEarly, false)
  controller.abort()
  assert.equal(await recorded.closed, true)
})

test('Responses stream cutAfter: the socket is destroyed after N deltas, before the item is done', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { cutAfter: 2 })
  const response = await post(mock, RESPONSES, body(), OPENAI_AUTH)
  const text = await readFrames(response, 6)
  assert.deepEqual(eventsOf(text).map((event) => event.type).slice(-2), ['response.output_text.delta', 'response.output_text.delta'])
  await assert.rejects(readFrames(response, 99).then(() => response.text()))
  assert.equal(await mock.requests[0].closed, false)
})

test('Responses stream malformedAfter: a frame that is not JSON, without event line, then the end', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { malformedAfter: 1 })
  const text = await (await post(mock, RESPONSES, body(), OPENAI_AUTH)).text()
  const frames = text.split('\n\n').filter((frame) => frame !== '')
  assert.equal(frames.length, 6)
  assert.match(frames[5], /^data: \{"id":"broken", this is not json$/)
})

test('Responses stream splitFrames and deltaDelayMs: frames in pieces, paced, the text intact; crlf switches line endings', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { splitFrames: true, text: 'héllo wörld ✓' }, { deltaDelayMs: 10 }, { crlf: true })
  const { status, chunks } = await rawPost(mock, RESPONSES, body(), OPENAI_AUTH)
  assert.equal(status, 200)
  const events = eventsOf(Buffer.concat(chunks).toString())
  assert.ok(chunks.length > events.length * 2, `${chunks.length} chunks for ${events.length} frames`)
  assert.equal(events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta).join(''), 'héllo wörld ✓')

  const start = performance.now()
  const paced = eventsOf(await (await post(mock, RESPONSES, body(), OPENAI_AUTH)).text())
  assert.ok(performance.now() - start >= (paced.length - 1) * 10 - 5)

  const crlf = await (await post(mock, RESPONSES, body(), OPENAI_AUTH)).text()
  assert.ok(crlf.endsWith('\r\n\r\n'))
  assert.equal(crlf.split('\n').length, crlf.split('\r\n').length)
})
