import assert from 'node:assert/strict'
import { test } from 'node:test'
import { requestMedia } from '../src/index.ts'
import { OPENAI_AUTH, post, startMock } from './helper.ts'

// The Responses API's answers (POST /v1/responses) and refusals, over real HTTP. The stream and
// its faults are in responses-stream.test.ts.

const RESPONSES = '/v1/responses'
const WEATHER = { name: 'get_weather', arguments: '{"city":"Paris"}' }
const WEATHER_TOOL = { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true }

function body (extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: 'm', instructions: 'be brief', input: 'hello there', ...extra })
}

async function create (mock: Awaited<ReturnType<typeof startMock>>, extra: Record<string, unknown> = {}): Promise<any> {
  const response = await post(mock, RESPONSES, body(extra), OPENAI_AUTH)
  assert.equal(response.status, 200)
  return response.json()
}

async function refusal (mock: Awaited<ReturnType<typeof startMock>>, extra: Record<string, unknown>): Promise<any> {
  const response = await post(mock, RESPONSES, body(extra), OPENAI_AUTH)
  assert.equal(response.status, 400)
  const { error } = await response.json()
  assert.equal(error.type, 'invalid_request_error')
  return error
}

test('Responses answer: the Response object echoing the settings with OpenAI defaults, the text as a message item, usage; recorded as openai-responses', async (t) => {
  const mock = await startMock(t)
  const answer = await create(mock)
  assert.match(answer.id, /^resp_mock/)
  assert.equal(answer.object, 'response')
  assert.equal(typeof answer.created_at, 'number')
  assert.deepEqual({ ...answer, id: undefined, created_at: undefined, output: undefined }, {
    id: undefined,
    object: 'response',
    created_at: undefined,
    status: 'completed',
    error: null,
    incomplete_details: null,
    instructions: 'be brief',
    max_output_tokens: null,
    model: 'm',
    output: undefined,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: { input_tokens: 4, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 7 },
    user: null,
    metadata: {}
  })
  assert.equal(answer.output.length, 1)
  const [message] = answer.output
  assert.match(message.id, /^msg_/)
  assert.deepEqual({ ...message, id: undefined }, {
    type: 'message',
    id: undefined,
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text: 'Echo: hello there', annotations: [], logprobs: [] }]
  })

  const [recorded] = mock.requests
  assert.equal(recorded.provider, 'openai-responses')
  assert.equal(recorded.path, RESPONSES)
  assert.equal(recorded.model, 'm')
  assert.equal(recorded.stream, false)
  assert.equal(recorded.body.input, 'hello there')
})

test('Responses settings are echoed: temperature, top_p, store, tool_choice, tools, text format, max_output_tokens, reasoning, metadata', async (t) => {
  const mock = await startMock(t)
  const settings = {
    temperature: 0.2,
    top_p: 0.5,
    store: false,
    tool_choice: 'required',
    parallel_tool_calls: false,
    tools: [WEATHER_TOOL],
    max_output_tokens: 64,
    reasoning: { effort: 'low', summary: 'auto' },
    metadata: { run: '1' },
    user: 'u1',
    truncation: 'auto'
  }
  const answer = await create(mock, settings)
  for (const [name, value] of Object.entries(settings)) assert.deepEqual(answer[name], value, name)
})

test('Responses input items: developer and assistant messages with parts, function call and its output; the answer echoes the last user text or tool output', async (t) => {
  const mock = await startMock(t)
  const userParts = [{ role: 'developer', content: 'be brief' }, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'look at ' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' }, { type: 'input_text', text: 'this' }] }]
  assert.equal((await create(mock, { instructions: undefined, input: userParts })).output[0].content[0].text, 'Echo: look at this')

  const loop = [
    { role: 'user', content: 'weather?' },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me check.' }] },
    { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', id: 'fc_1' },
    { type: 'function_call_output', call_id: 'call_1', output: '22C' }
  ]
  assert.equal((await create(mock, { input: loop })).output[0].content[0].text, 'Echo: 22C')
  const parts = [...loop.slice(0, 3), { type: 'function_call_output', call_id: 'call_1', output: [{ type: 'input_text', text: 'sunny' }] }]
  assert.equal((await create(mock, { input: parts })).output[0].content[0].text, 'Echo: sunny')

  const media = requestMedia(mock.requests[0])
  assert.deepEqual(media, [{ kind: 'image', message: 1, url: 'data:image/png;base64,AAAA', mediaType: 'image/png', detail: 'low' }])
})

test('Responses tool calls: function_call items after the message, call ids given or call_…; no message item for calls alone', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { toolCalls: [WEATHER, { id: 'call_given', name: 'get_time', arguments: '{}' }] }, { text: 'Let me check.', toolCalls: [WEATHER] })
  const calls = await create(mock, { tools: [WEATHER_TOOL] })
  assert.equal(calls.status, 'completed')
  assert.deepEqual(calls.output.map((item: any) => item.type), ['function_call', 'function_call'])
  const [weather, time] = calls.output
  assert.match(weather.id, /^fc_/)
  assert.match(weather.call_id, /^call_/)
  assert.deepEqual({ ...weather, id: undefined, call_id: undefined }, { type: 'function_call', id: undefined, call_id: undefined, name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' })
  assert.equal(time.call_id, 'call_given')
  assert.notEqual(weather.id, time.id)

  const withText = await create(mock, { tools: [WEATHER_TOOL] })
  assert.deepEqual(withText.output.map((item: any) => item.type), ['message', 'function_call'])
  assert.equal(withText.output[0].content[0].text, 'Let me check.')
})

test('Responses JSON: text.format json_schema or json_object answers {"echo": …}', async (t) => {
  const mock = await startMock(t)
  const schema = { type: 'json_schema', name: 'echo', schema: { type: 'object', properties: { echo: { type: 'string' } } }, strict: true }
  const structured = await create(mock, { text: { format: schema } })
  assert.deepEqual(JSON.parse(structured.output[0].content[0].text), { echo: 'hello there' })
  assert.deepEqual(structured.text, { format: schema })
  const object = await create(mock, { text: { format: { type: 'json_object' } } })
  assert.deepEqual(JSON.parse(object.output[0].content[0].text), { echo: 'hello there' })
})

test('Responses reasoning: a reasoning item first, with encrypted content the mock accepts back from its model only; forged, id-only (store: false) and trailing reasoning are refused; reset forgets it', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { reasoning: 'The user wants weather.', toolCalls: [WEATHER], usage: { promptTokens: 10, completionTokens: 30, reasoningTokens: 20, cachedTokens: 4 } })
  const first = await create(mock, { tools: [WEATHER_TOOL], store: false, include: ['reasoning.encrypted_content'], reasoning: { summary: 'auto' } })
  const [reasoning, call] = first.output
  assert.match(reasoning.id, /^rs_/)
  assert.equal(reasoning.type, 'reasoning')
  assert.deepEqual(reasoning.summary, [{ type: 'summary_text', text: 'The user wants weather.' }])
  assert.equal(typeof reasoning.encrypted_content, 'string')
  assert.equal(call.type, 'function_call')
  assert.deepEqual(first.usage, { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 20 }, total_tokens: 40 })

  const loop = (item: unknown): Record<string, unknown> => ({ input: [{ role: 'user', content: 'weather?' }, item, call, { type: 'function_call_output', call_id: call.call_id, output: '22C' }] })
  const back = await create(mock, loop(reasoning))
  assert.equal(back.output[0].content[0].text, 'Echo: 22C')

  const forged = await refusal(mock, loop({ ...reasoning, encrypted_content: 'gAAAAABforged' }))
  assert.deepEqual(forged, { message: `The encrypted content for item ${reasoning.id} could not be verified.`, type: 'invalid_request_error', param: null, code: 'invalid_encrypted_content' })
  // Another model cannot read it.
  assert.equal((await refusal(mock, { ...loop(reasoning), model: 'other' })).code, 'invalid_encrypted_content')
  // By id alone it names a stored item: none with store: false.
  const idOnly = { type: 'reasoning', id: reasoning.id, summary: [] }
  assert.equal((await create(mock, loop(idOnly))).status, 'completed')
  assert.match((await refusal(mock, { ...loop(idOnly), store: false })).message, /Items are not persisted when `store` is set to false/)
  // Reasoning must come before the output it led to.
  const trailing = await refusal(mock, { input: [{ role: 'user', content: 'weather?' }, reasoning, { role: 'user', content: 'and?' }] })
  assert.equal(trailing.message, `Item '${reasoning.id}' of type 'reasoning' was provided without its required following item.`)

  mock.reset()
  assert.equal((await refusal(mock, loop(reasoning))).code, 'invalid_encrypted_content')
})

test('Responses incomplete: finishReason length gives status incomplete (max_output_tokens), content_filter its own reason; other reasons complete', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { finishReason: 'length' }, { finishReason: 'content_filter' }, { finishReason: 'stop' })
  const length = await create(mock)
  assert.equal(length.status, 'incomplete')
  assert.deepEqual(length.incomplete_details, { reason: 'max_output_tokens' })
  assert.equal(length.output[0].status, 'incomplete')
  const filtered = await create(mock)
  assert.deepEqual([filtered.status, filtered.incomplete_details], ['incomplete', { reason: 'content_filter' }])
  const stopped = await create(mock)
  assert.deepEqual([stopped.status, stopped.incomplete_details], ['completed', null])
})

test('Responses emptyAnswer: no output item at all; usage: false gives usage null', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { emptyAnswer: true }, { usage: false })
  const empty = await create(mock)
  assert.deepEqual(empty.output, [])
  assert.equal(empty.status, 'completed')
  assert.equal(empty.usage.output_tokens, 0)
  assert.equal((await create(mock)).usage, null)
})

test('Responses errors: 401 without a Bearer token, status behaviours with the OpenAI error bodies and Retry-After', async (t) => {
  const mock = await startMock(t)
  const anonymous = await post(mock, RESPONSES, body(), { 'content-type': 'application/json' })
  assert.equal(anonymous.status, 401)
  assert.equal((await anonymous.json()).error.code, 'invalid_api_key')

  mock.enqueue('m', { status: 429, retryAfter: '3' }, { status: 500 }, { status: 503, errorBody: { custom: true } })
  const limited = await post(mock, RESPONSES, body(), OPENAI_AUTH)
  assert.equal(limited.status, 429)
  assert.equal(limited.headers.get('retry-after'), '3')
  assert.equal((await limited.json()).error.code, 'rate_limit_exceeded')
  const failed = await post(mock, RESPONSES, body(), OPENAI_AUTH)
  assert.equal((await failed.json()).error.type, 'server_error')
  assert.deepEqual(await (await post(mock, RESPONSES, body(), OPENAI_AUTH)).json(), { custom: true })
})

test('Responses refusals: unknown parameters (chat fields), previous_response_id, an output without its call, unknown or nameless tools, max_output_tokens below 16', async (t) => {
  const mock = await startMock(t)
  mock.enqueue('m', { text: 'kept for the first accepted request' })
  for (const name of ['messages', 'max_tokens', 'response_format', 'stop']) {
    assert.deepEqual(await refusal(mock, { [name]: 1 }), { message: `Unknown parameter: '${name}'.`, type: 'invalid_request_error', param: name, code: 'unknown_parameter' })
  }
  assert.deepEqual(await refusal(mock, { previous_response_id: 'resp_123' }), {
    message: "Previous response with id 'resp_123' not found.", type: 'invalid_request_error', param: 'previous_response_id', code: 'previous_response_not_found'
  })
  const orphan = { input: [{ role: 'user', content: 'x' }, { type: 'function_call_output', call_id: 'call_9', output: '1' }] }
  assert.deepEqual(await refusal(mock, orphan), { message: 'No tool call found for function call output with call_id call_9.', type: 'invalid_request_error', param: 'input', code: null })
  // The call must come before its output.
  const late = { input: [{ type: 'function_call_output', call_id: 'call_9', output: '1' }, { type: 'function_call', call_id: 'call_9', name: 'f', arguments: '{}' }] }
  assert.equal((await refusal(mock, late)).param, 'input')
  const hosted = await refusal(mock, { tools: [WEATHER_TOOL, { type: 'web_search' }] })
  assert.deepEqual([hosted.param, hosted.code], ['tools[1].type', 'invalid_value'])
  const chatShaped = await refusal(mock, { tools: [{ type: 'function', function: { name: 'get_weather' } }] })
  assert.deepEqual(chatShaped, { message: "Missing required parameter: 'tools[0].name'.", type: 'invalid_request_error', param: 'tools[0].name', code: 'missing_required_parameter' })
  assert.deepEqual(await refusal(mock, { max_output_tokens: 8 }), {
    message: "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 8 instead.",
    type: 'invalid_request_error',
    param: 'max_output_tokens',
    code: 'integer_below_min_value'
  })
  // Refusals come before behaviours and do not consume them.
  const accepted = await create(mock, { max_output_tokens: 16 })
  assert.equal(accepted.output[0].content[0].text, 'kept for the first accepted request')
  assert.equal(mock.requests.length, 11)
})
