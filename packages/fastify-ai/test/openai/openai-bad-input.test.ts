// Every bad input of a tool, structured-output or image request on /v1/chat/completions is a 400
// in OpenAI's shape naming the parameter in OpenAI's terms, before any provider is called.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OPENAI_MODEL, startOpenAiGateway } from './openai-gateway.ts'

const user = { role: 'user', content: 'hi' }
const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }
const askedWithCall = [
  user,
  { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] }
]

function image (url: string): Record<string, unknown> {
  return { messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url } }] }] }
}

const cases: Array<[string, Record<string, unknown>, string]> = [
  ['a tool name with a space', { tools: [{ type: 'function', function: { name: 'get weather' } }] }, 'tools[0].function.name'],
  ['a tool name of 65 characters', { tools: [{ type: 'function', function: { name: 'f'.repeat(65) } }] }, 'tools[0].function.name'],
  ['two tools of one name', { tools: [weather, weather] }, 'tools[1].function.name'],
  ['parameters that are not an object schema', { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'array' } } }] }, 'tools[0].function.parameters'],
  ['a tool that is not a function', { tools: [{ type: 'custom', custom: { name: 'grep' } }] }, 'tools[0].type'],
  ['tool_choice naming an unknown tool', { tools: [weather], tool_choice: { type: 'function', function: { name: 'get_time' } } }, 'tool_choice.function.name'],
  ['tool_choice required without tools', { tool_choice: 'required' }, 'tool_choice'],
  ['a tool result whose id matches no call', { messages: [...askedWithCall, { role: 'tool', tool_call_id: 'call_2', content: 'x' }], tools: [weather] }, 'messages[2].tool_call_id'],
  ['an http image URL', image('http://example.com/cat.png'), 'messages[0].content[1].image_url.url'],
  ['a file: image URL', image('file:///etc/passwd'), 'messages[0].content[1].image_url.url'],
  ['an image of an unsupported media type', image('data:image/tiff;base64,SUkqAA=='), 'messages[0].content[1].image_url.url'],
  ['a file of an unsupported media type', { messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/zip;base64,UEsDBA==' } }] }] }, 'messages[0].content[0].file.file_data'],
  ['an uploaded file id', { messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-abc' } }] }] }, 'messages[0].content[0].file.file_id'],
  ['n > 1', { n: 2 }, 'n'],
  ['a bad json_schema name', { response_format: { type: 'json_schema', json_schema: { name: 'a b', schema: { type: 'object' } } } }, 'response_format.json_schema.name'],
  ['a function message', { messages: [user, { role: 'function', name: 'f', content: 'x' }] }, 'messages[1].role']
]

test('bad tool, image and format inputs are 400s naming the param, and no provider is called', async (t) => {
  const { baseURL, mock } = await startOpenAiGateway(t)
  for (const [what, fields, param] of cases) {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: OPENAI_MODEL, messages: [user], ...fields })
    })
    assert.equal(response.status, 400, what)
    const body = await response.json()
    assert.equal(body.error.type, 'invalid_request_error', what)
    assert.equal(body.error.param, param, what)
    assert.equal(typeof body.error.message, 'string', what)
  }
  assert.equal(mock.requests.length, 0)
})

test('with the session header, a tool result matching no call of the session names its place in the request', async (t) => {
  const { client, baseURL, mock } = await startOpenAiGateway(t)
  mock.enqueue('gpt-4o-mini', { toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }] })
  const { response } = await client.chat.completions.create({ model: OPENAI_MODEL, messages: [{ role: 'user', content: 'hi' }], tools: [weather as never] }).withResponse()
  const sessionId = response.headers.get('x-session-id') ?? ''
  const answer = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-session-id': sessionId },
    body: JSON.stringify({ model: OPENAI_MODEL, messages: [...askedWithCall, { role: 'tool', tool_call_id: 'call_1', content: 'ok' }, { role: 'tool', tool_call_id: 'call_9', content: 'x' }], tools: [weather] })
  })
  assert.equal(answer.status, 400)
  const body = await answer.json()
  assert.equal(body.error.param, 'messages[3].tool_call_id')
  assert.equal(body.error.code, 'AI_BAD_REQUEST')
  assert.equal(mock.requests.length, 1)
})

test('a streamed request with a bad tool result fails before the stream starts, as JSON', async (t) => {
  const { baseURL, mock } = await startOpenAiGateway(t)
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: OPENAI_MODEL, stream: true, messages: [user, { role: 'tool', tool_call_id: 'nope', content: 'x' }] })
  })
  assert.equal(response.status, 400)
  assert.match(response.headers.get('content-type') ?? '', /application\/json/)
  assert.equal((await response.json()).error.param, 'messages[1].tool_call_id')
  assert.equal(mock.requests.length, 0)
})
