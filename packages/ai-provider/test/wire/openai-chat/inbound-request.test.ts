import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { fromOpenAiChatRequest } from '../../../src/wire/openai-chat/from-openai-chat-request.ts'

function fixture (name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/openai-chat/${name}`, import.meta.url), 'utf8'))
}

const user = { role: 'user', content: 'hi' }
const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }

function rejects (body: Record<string, unknown>, param: string, code?: string): void {
  assert.throws(() => fromOpenAiChatRequest({ model: 'm', messages: [user], ...body }), (error: { code: string, statusCode: number, param: string, openaiCode: string }) => {
    assert.equal(error.code, 'AI_BAD_REQUEST')
    assert.equal(error.statusCode, 400)
    assert.equal(error.param, param)
    if (code !== undefined) assert.equal(error.openaiCode, code)
    return true
  }, `expected a 400 naming ${param}`)
}

for (const name of ['inbound-tools', 'inbound-parts', 'inbound-json-schema']) {
  test(`${name}: the request reads as the conversation beside it`, () => {
    assert.deepEqual(fromOpenAiChatRequest(fixture(`${name}.request.json`)), fixture(`${name}.conversation.json`))
  })
}

test('a plain text request keeps the parameters the gateway honours and null counts as unset', () => {
  assert.deepEqual(fromOpenAiChatRequest({
    model: 'openai:gpt-4o-mini',
    messages: [user],
    temperature: null,
    seed: null,
    tools: [],
    tool_choice: 'none',
    parallel_tool_calls: true,
    frequency_penalty: 0,
    logprobs: false,
    response_format: {},
    store: false,
    max_completion_tokens: 20,
    safety_identifier: 'someone'
  }), { model: 'openai:gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: false, includeUsage: false, maxTokens: 20 })
})

test('a named tool choice and json_object are carried', () => {
  const input = fromOpenAiChatRequest({
    model: 'm',
    messages: [user],
    tools: [weather],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    parallel_tool_calls: false,
    response_format: { type: 'json_object' }
  })
  assert.deepEqual(input.toolChoice, { name: 'get_weather' })
  assert.equal(input.parallelToolCalls, false)
  assert.deepEqual(input.responseFormat, { type: 'json_object' })
  assert.equal(fromOpenAiChatRequest({ model: 'm', messages: [user], tools: [weather], tool_choice: 'required' }).toolChoice, 'required')
})

test('an assistant message with only a refusal is that text; a tool message may end the conversation', () => {
  const input = fromOpenAiChatRequest({
    model: 'm',
    messages: [
      user,
      { role: 'assistant', content: null, refusal: 'I cannot' },
      user,
      { role: 'assistant', content: 'calling', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'done' }
    ]
  })
  assert.deepEqual(input.messages.slice(1), [
    { role: 'assistant', content: 'I cannot' },
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'calling', toolCalls: [{ id: 'c1', name: 'f', arguments: '{' }] },
    { role: 'tool', toolCallId: 'c1', content: 'done' }
  ])
})

test('bad tools are refused naming them in OpenAI\'s terms', () => {
  rejects({ tools: [{ type: 'function', function: { name: 'get weather' } }] }, 'tools[0].function.name')
  rejects({ tools: [{ type: 'function', function: { name: 'x'.repeat(65) } }] }, 'tools[0].function.name')
  rejects({ tools: [weather, weather] }, 'tools[1].function.name')
  rejects({ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'string' } } }] }, 'tools[0].function.parameters')
  rejects({ tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] }, 'tools[0].function.parameters')
  rejects({ tools: [weather, { type: 'custom', custom: { name: 'grep' } }] }, 'tools[1].type', 'unsupported_value')
  rejects({ tools: [{ type: 'function' }] }, 'tools[0].function', 'missing_required_parameter')
  rejects({ tools: [{ type: 'function', function: { name: 'f', surprise: 1 } }] }, 'tools[0].function.surprise', 'unsupported_parameter')
  rejects({ tools: [{ type: 'function', function: { name: 'f', strict: 'yes' } }] }, 'tools[0].function.strict', 'invalid_type')
  rejects({ tools: {} }, 'tools', 'invalid_type')
})

test('a tool choice naming an unknown tool, or asking for a call without tools, is refused', () => {
  rejects({ tools: [weather], tool_choice: { type: 'function', function: { name: 'get_time' } } }, 'tool_choice.function.name')
  rejects({ tool_choice: 'required' }, 'tool_choice')
  rejects({ tools: [weather], tool_choice: 'sometimes' }, 'tool_choice')
  rejects({ tools: [weather], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } }, 'tool_choice.type', 'unsupported_value')
  rejects({ tools: [weather], parallel_tool_calls: 'yes' }, 'parallel_tool_calls', 'invalid_type')
})

test('bad response formats are refused naming the field', () => {
  rejects({ response_format: { type: 'json_schema', json_schema: { name: 'bad name', schema: { type: 'object' } } } }, 'response_format.json_schema.name')
  rejects({ response_format: { type: 'json_schema', json_schema: { name: 'ok' } } }, 'response_format.json_schema.schema', 'missing_required_parameter')
  rejects({ response_format: { type: 'json_schema' } }, 'response_format.json_schema', 'missing_required_parameter')
  rejects({ response_format: { type: 'grammar' } }, 'response_format.type', 'unsupported_value')
})

test('content parts: URLs, media types, audio and uploaded files are checked by part', () => {
  function part (value: unknown): Record<string, unknown> {
    return { messages: [{ role: 'user', content: [{ type: 'text', text: 'look' }, value] }] }
  }
  rejects(part({ type: 'image_url', image_url: { url: 'http://example.com/cat.png' } }), 'messages[0].content[1].image_url.url')
  rejects(part({ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }), 'messages[0].content[1].image_url.url')
  rejects(part({ type: 'image_url', image_url: { url: 'data:image/tiff;base64,AAAA' } }), 'messages[0].content[1].image_url.url')
  rejects(part({ type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'max' } }), 'messages[0].content[1].image_url.detail')
  rejects(part({ type: 'file', file: { file_data: 'data:application/zip;base64,UEsDBA==' } }), 'messages[0].content[1].file.file_data')
  rejects(part({ type: 'file', file: { file_data: 'JVBERi0xLjQK' } }), 'messages[0].content[1].file.file_data')
  rejects(part({ type: 'file', file: { file_id: 'file-abc123' } }), 'messages[0].content[1].file.file_id', 'unsupported_parameter')
  rejects(part({ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }), 'messages[0].content[1].type', 'unsupported_content_type')
  rejects(part({ type: 'video', video: {} }), 'messages[0].content[1].type', 'unsupported_content_type')
  rejects({ messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }, user] }, 'messages[0].content[0].type', 'unsupported_content_type')
  rejects({ messages: [{ role: 'user', content: 42 }] }, 'messages[0].content', 'invalid_type')
})

test('roles and message fields the gateway cannot carry are refused naming them', () => {
  rejects({ messages: [user, { role: 'function', name: 'f', content: 'x' }] }, 'messages[1].role', 'unsupported_value')
  rejects({ messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', 'unsupported_value')
  rejects({ messages: [{ role: 'user', content: 'x', name: 'bob' }] }, 'messages[0].name', 'unsupported_parameter')
  rejects({ messages: [user, { role: 'assistant', content: 'x', function_call: { name: 'f', arguments: '{}' } }, user] }, 'messages[1].function_call', 'unsupported_parameter')
  rejects({ messages: [user, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'custom', custom: { name: 'g', input: '' } }] }, user] }, 'messages[1].tool_calls[0].type', 'unsupported_value')
  rejects({ messages: [user, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'a b', arguments: '{}' } }] }, user] }, 'messages[1].tool_calls[0].function.name')
  rejects({ messages: [user, { role: 'assistant', content: null }, user] }, 'messages[1].content', 'missing_required_parameter')
  rejects({ messages: [user, { role: 'tool', content: 'x' }] }, 'messages[1].tool_call_id', 'invalid_type')
})

test('the conversation must end with something to answer', () => {
  rejects({ messages: [] }, 'messages')
  rejects({ messages: undefined }, 'messages', 'missing_required_parameter')
  rejects({ messages: [{ role: 'system', content: 'S' }] }, 'messages')
  rejects({ messages: [user, { role: 'assistant', content: 'A' }] }, 'messages')
  rejects({ messages: [{ role: 'user', content: '  ' }] }, 'messages')
})

test('the parameter table: honoured, harmless at its value, or refused naming it', () => {
  rejects({ n: 2 }, 'n', 'unsupported_parameter')
  rejects({ logprobs: true }, 'logprobs', 'unsupported_parameter')
  rejects({ presence_penalty: 0.5 }, 'presence_penalty', 'unsupported_parameter')
  rejects({ functions: [{ name: 'f' }] }, 'functions', 'unsupported_parameter')
  rejects({ function_call: { name: 'f' } }, 'function_call', 'unsupported_parameter')
  rejects({ seed: 4 }, 'seed', 'unsupported_parameter')
  rejects({ surprise: true }, 'surprise', 'unknown_parameter')
  rejects({ stream_options: { include_usage: true } }, 'stream_options')
  rejects({ model: undefined }, 'model', 'missing_required_parameter')
  rejects({ temperature: 3 }, 'temperature')
  rejects({ temperature: 'hot' }, 'temperature', 'invalid_type')
  rejects({ top_p: 1.5 }, 'top_p')
  rejects({ max_tokens: 0 }, 'max_tokens')
  rejects({ max_tokens: 10, max_completion_tokens: 20 }, 'max_tokens')
  rejects({ stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop')
  rejects({ stream: 'yes' }, 'stream', 'invalid_type')
  rejects({ user: 42 }, 'user', 'invalid_type')
  assert.throws(() => fromOpenAiChatRequest([user]), { param: 'body', openaiCode: 'invalid_type' })
})
