import assert from 'node:assert/strict'
import { test } from 'node:test'
import { requestMedia } from '../src/index.ts'
import { chatBody, dataOf, GEMINI_AUTH, OPENAI_AUTH, post, rawPost, startMock } from './helper.ts'

const OPENAI = '/v1/chat/completions'
const GEMINI = '/v1beta/models/g:generateContent'
const GEMINI_STREAM = '/v1beta/models/g:streamGenerateContent?alt=sse'

const WEATHER = { name: 'get_weather', arguments: '{"city":"Paris","note":"say \\"hi\\" \\u00e9"}' }
const TIME = { name: 'get_time', arguments: '{"zone":"CET"}' }

/** Appends the tool-call deltas of OpenAI chunks by index, as the format's accumulation rule says (strings appended). */
function accumulate (chunks: any[]): Array<{ id: string, type: string, name: string, arguments: string }> {
  const calls: Array<{ id: string, type: string, name: string, arguments: string }> = []
  for (const chunk of chunks) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      const call = calls[delta.index] ??= { id: '', type: '', name: '', arguments: '' }
      if (delta.id !== undefined) call.id += delta.id
      if (delta.type !== undefined) call.type = delta.type
      call.name += delta.function?.name ?? ''
      call.arguments += delta.function?.arguments ?? ''
    }
  }
  return calls
}

async function streamChunks (response: Response): Promise<any[]> {
  const payloads = dataOf(await response.text())
  assert.equal(payloads.at(-1), '[DONE]')
  return payloads.slice(0, -1).map((payload) => JSON.parse(payload))
}

test('OpenAI tool calls: message.tool_calls with call_ ids, content null, finish_reason tool_calls', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { toolCalls: [WEATHER, { ...TIME, id: 'call_given' }] }, { toolCalls: [TIME], text: 'Let me check.' })
  const body = await (await post(mock, OPENAI, chatBody('m', 'weather?'), OPENAI_AUTH)).json()
  const [choice] = body.choices
  assert.equal(choice.finish_reason, 'tool_calls')
  assert.equal(choice.message.content, null)
  assert.equal(choice.message.tool_calls.length, 2)
  assert.match(choice.message.tool_calls[0].id, /^call_/)
  assert.deepEqual(choice.message.tool_calls[0].function, WEATHER)
  assert.equal(choice.message.tool_calls[0].type, 'function')
  assert.deepEqual(choice.message.tool_calls[1], { id: 'call_given', type: 'function', function: TIME })

  const withText = await (await post(mock, OPENAI, chatBody('m', 'time?'), OPENAI_AUTH)).json()
  assert.equal(withText.choices[0].message.content, 'Let me check.')
  assert.equal(withText.choices[0].message.tool_calls[0].function.name, 'get_time')
})

test('OpenAI stream: parallel calls one after the other, first delta with id, type and name, then argument fragments', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { toolCalls: [WEATHER, TIME] })
  const chunks = await streamChunks(await post(mock, OPENAI, chatBody('m', 'x', { stream: true }), OPENAI_AUTH))
  const first = chunks[0].choices[0].delta
  assert.equal(first.role, 'assistant')
  assert.equal(first.content, null)
  assert.deepEqual(Object.keys(first.tool_calls[0]).sort(), ['function', 'id', 'index', 'type'])
  assert.deepEqual(first.tool_calls[0].function, { name: 'get_weather', arguments: '' })
  const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
  const indexes = deltas.map((delta) => delta.index)
  assert.deepEqual(indexes, [...indexes].sort(), 'calls come one after the other')
  for (const delta of deltas.filter((delta) => delta.id === undefined)) {
    assert.deepEqual(Object.keys(delta).sort(), ['function', 'index'])
    assert.deepEqual(Object.keys(delta.function), ['arguments'])
  }
  assert.ok(deltas.filter((delta) => delta.index === 0).length > 2, 'arguments come in several fragments')
  const calls = accumulate(chunks)
  assert.deepEqual(calls.map(({ name, arguments: args }) => ({ name, arguments: args })), [WEATHER, TIME])
  assert.notEqual(calls[0].id, calls[1].id)
  assert.deepEqual(chunks.at(-1).choices[0], { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' })
})

test('OpenAI stream with awkwardToolDeltas splits a name over two deltas and arguments inside a string and an escape', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { toolCalls: [WEATHER, TIME], awkwardToolDeltas: true, text: 'ok' })
  const chunks = await streamChunks(await post(mock, OPENAI, chatBody('m', 'x', { stream: true }), OPENAI_AUTH))
  assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null })
  const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
  assert.deepEqual(deltas[0].function, { name: 'get_w' })
  assert.deepEqual(deltas[1], { index: 0, function: { name: 'eather' } })
  const fragments = deltas.filter((delta) => delta.index === 0 && delta.function.arguments !== undefined).map((delta) => delta.function.arguments)
  assert.equal(fragments[0], '{')
  assert.ok(fragments.some((fragment) => fragment.endsWith('\\')), 'a fragment ends inside an escape')
  assert.ok(fragments.some((fragment) => fragment.endsWith('"P')), 'a fragment ends inside a string')
  assert.equal(fragments.join(''), WEATHER.arguments)
  assert.deepEqual(accumulate(chunks).map((call) => call.name), ['get_weather', 'get_time'])
})

test('OpenAI stream of tool calls with splitFrames still carries every fragment', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { toolCalls: [WEATHER], splitFrames: true, awkwardToolDeltas: true })
  const { chunks } = await rawPost(mock, OPENAI, chatBody('m', 'x', { stream: true }), OPENAI_AUTH)
  assert.ok(chunks.length > 10, 'frames arrive in pieces')
  const payloads = dataOf(Buffer.concat(chunks).toString())
  const calls = accumulate(payloads.slice(0, -1).map((payload) => JSON.parse(payload)))
  assert.deepEqual(calls.map(({ name, arguments: args }) => ({ name, arguments: args })), [WEATHER])
})

test('Gemini tool calls: functionCall parts with args, id when given, thoughtSignature on the part, STOP', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('g', { toolCalls: [{ ...WEATHER, thoughtSignature: 'sig-A' }, { ...TIME, id: 'fc-2' }, { name: 'broken', arguments: '{"a":' }] })
  const body = await (await post(mock, GEMINI, JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] }), GEMINI_AUTH)).json()
  const [candidate] = body.candidates
  assert.equal(candidate.finishReason, 'STOP')
  assert.deepEqual(candidate.content.parts, [
    { functionCall: { name: 'get_weather', args: JSON.parse(WEATHER.arguments) }, thoughtSignature: 'sig-A' },
    { functionCall: { name: 'get_time', args: { zone: 'CET' }, id: 'fc-2' } },
    { functionCall: { name: 'broken', args: {} } }
  ])
})

test('Gemini stream sends text deltas, then the calls whole in the last chunk', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('g', { text: 'Checking now', toolCalls: [{ ...WEATHER, thoughtSignature: 'sig-A' }, TIME] })
  const payloads = dataOf(await (await post(mock, GEMINI_STREAM, JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }), GEMINI_AUTH)).text())
  const chunks = payloads.map((payload) => JSON.parse(payload))
  assert.deepEqual(chunks.slice(0, -1).map((chunk) => chunk.candidates[0].content.parts[0].text), ['Checking ', 'now'])
  for (const chunk of chunks.slice(0, -1)) assert.equal(chunk.candidates[0].finishReason, undefined)
  const last = chunks.at(-1).candidates[0]
  assert.equal(last.finishReason, 'STOP')
  assert.deepEqual(last.content.parts.map((part: any) => part.functionCall.name), ['get_weather', 'get_time'])
  assert.equal(last.content.parts[0].thoughtSignature, 'sig-A')
  assert.equal(chunks.at(-1).usageMetadata.candidatesTokenCount, 4)
})

function replay (signature: string | undefined, extra: any[] = []) {
  const call: any = { functionCall: { name: 'get_weather', args: { city: 'Paris' } } }
  if (signature !== undefined) call.thoughtSignature = signature
  return JSON.stringify({
    contents: [
      { role: 'user', parts: [{ text: 'weather?' }] },
      { role: 'model', parts: [call, { functionCall: { name: 'get_time', args: {} } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { result: '22C' } } }, { functionResponse: { name: 'get_time', response: { result: '10:00' } } }] },
      ...extra
    ]
  })
}

test('requireThoughtSignatures rejects a current-turn call without its signature with Gemini\'s 400', async (t) => {
  const mock = await startMock(t)
  mock.setBehaviour('g', { requireThoughtSignatures: true })
  const missing = await post(mock, GEMINI, replay(undefined), GEMINI_AUTH)
  assert.equal(missing.status, 400)
  const { error } = await missing.json()
  assert.equal(error.code, 400)
  assert.equal(error.status, 'INVALID_ARGUMENT')
  assert.match(error.message, /^Function call is missing a thought_signature in functionCall parts\..*`default_api:get_weather` , position 2\./)

  const corrupted = await post(mock, GEMINI, replay('made-up'), GEMINI_AUTH)
  assert.equal(corrupted.status, 400)
  assert.equal((await corrupted.json()).error.message, 'Corrupted thought signature.')

  for (const dummy of ['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go']) {
    const passed = await post(mock, GEMINI, replay(dummy), GEMINI_AUTH)
    assert.equal(passed.status, 200, dummy)
    assert.equal((await passed.json()).candidates[0].content.parts[0].text, 'Echo: 22C\n10:00')
  }
})

test('requireThoughtSignatures accepts the signatures the mock issued, and checks only the current turn', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('g', { toolCalls: [{ ...WEATHER, thoughtSignature: 'sig-issued' }] })
  mock.setBehaviour('g', { requireThoughtSignatures: true })
  await (await post(mock, GEMINI, JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] }), GEMINI_AUTH)).json()
  assert.equal((await post(mock, GEMINI, replay('sig-issued'), GEMINI_AUTH)).status, 200)
  // A new user message starts a new turn: the unsigned call before it is not checked any more.
  const nextTurn = await post(mock, GEMINI, replay(undefined, [{ role: 'model', parts: [{ text: 'It is 22C.' }] }, { role: 'user', parts: [{ text: 'thanks' }] }]), GEMINI_AUTH)
  assert.equal(nextTurn.status, 200)
  assert.equal((await nextTurn.json()).candidates[0].content.parts[0].text, 'Echo: thanks')
  mock.reset()
  mock.setBehaviour('g', { requireThoughtSignatures: true })
  assert.equal((await post(mock, GEMINI, replay('sig-issued'), GEMINI_AUTH)).status, 400, 'reset forgets issued signatures')
})

test('JSON mode: the default answer is a JSON text unless text is given', async (t) => {
  const mock = await startMock(t)
  for (const format of [{ type: 'json_object' }, { type: 'json_schema', json_schema: { name: 'echo', schema: { type: 'object' } } }]) {
    const body = await (await post(mock, OPENAI, chatBody('m', 'hi', { response_format: format }), OPENAI_AUTH)).json()
    assert.deepEqual(JSON.parse(body.choices[0].message.content), { echo: 'hi' })
  }
  const plain = await (await post(mock, OPENAI, chatBody('m', 'hi', { response_format: { type: 'text' } }), OPENAI_AUTH)).json()
  assert.equal(plain.choices[0].message.content, 'Echo: hi')
  mock.enqueue('m', { text: 'not json' })
  const given = await (await post(mock, OPENAI, chatBody('m', 'hi', { response_format: { type: 'json_object' } }), OPENAI_AUTH)).json()
  assert.equal(given.choices[0].message.content, 'not json')

  const gemini = await (await post(mock, GEMINI, JSON.stringify({ contents: [{ parts: [{ text: 'hey' }] }], generationConfig: { responseMimeType: 'application/json' } }), GEMINI_AUTH)).json()
  assert.deepEqual(JSON.parse(gemini.candidates[0].content.parts[0].text), { echo: 'hey' })
})

test('Echo reads content parts and tool messages; requestMedia lists images and files of both formats', async (t) => {
  const mock = await startMock(t)
  const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } }
  const file = { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } }
  const parts = await (await post(mock, OPENAI, JSON.stringify({
    model: 'm',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, image, file] }]
  }), OPENAI_AUTH)).json()
  assert.equal(parts.choices[0].message.content, 'Echo: what is this?')
  assert.deepEqual(requestMedia(mock.requests[0]), [
    { kind: 'image', message: 0, url: 'data:image/png;base64,iVBORw0KGgo=', mediaType: 'image/png', detail: 'low' },
    { kind: 'file', message: 0, url: 'data:application/pdf;base64,JVBERi0=', mediaType: 'application/pdf', filename: 'a.pdf' }
  ])

  const tool = await (await post(mock, OPENAI, JSON.stringify({
    model: 'm',
    messages: [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: WEATHER }] },
      { role: 'tool', tool_call_id: 'call_1', content: '22C' }
    ]
  }), OPENAI_AUTH)).json()
  assert.equal(tool.choices[0].message.content, 'Echo: 22C')

  await post(mock, GEMINI, JSON.stringify({
    contents: [{ role: 'user', parts: [{ text: 'see' }, { inlineData: { mimeType: 'image/jpeg', data: '/9j/' } }, { fileData: { mimeType: 'application/pdf', fileUri: 'https://example.com/a.pdf' } }] }]
  }), GEMINI_AUTH)
  assert.deepEqual(requestMedia(mock.requests[2]), [
    { kind: 'image', message: 0, url: 'data:image/jpeg;base64,/9j/', mediaType: 'image/jpeg' },
    { kind: 'file', message: 0, url: 'https://example.com/a.pdf', mediaType: 'application/pdf' }
  ])
})

test('usage reports cached and reasoning tokens in each format\'s fields', async (t) => {
  const mock = await startMock(t)
  const usage = { promptTokens: 100, completionTokens: 20, cachedTokens: 60, reasoningTokens: 12 }
  mock.setBehaviour('*', { usage })
  const openai = (await (await post(mock, OPENAI, chatBody('m', 'x'), OPENAI_AUTH)).json()).usage
  assert.equal(openai.prompt_tokens_details.cached_tokens, 60)
  assert.equal(openai.completion_tokens_details.reasoning_tokens, 12)
  const deepseek = (await (await post(mock, '/chat/completions', chatBody('m', 'x'), OPENAI_AUTH)).json()).usage
  assert.equal(deepseek.prompt_cache_hit_tokens, 60)
  assert.equal(deepseek.prompt_cache_miss_tokens, 40)
  assert.equal(deepseek.completion_tokens_details.reasoning_tokens, 12)
  const gemini = (await (await post(mock, GEMINI, JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }), GEMINI_AUTH)).json()).usageMetadata
  assert.equal(gemini.cachedContentTokenCount, 60)
  assert.equal(gemini.thoughtsTokenCount, 12)
  assert.equal(gemini.totalTokenCount, 132)
})
