// Every bad input of /v1/responses: a 400 in OpenAI's error shape naming the parameter (or 404 for
// an unknown response), before any provider is called.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OPENAI_MODEL, startOpenAiGateway } from '../openai/openai-gateway.ts'

const TOOL = { type: 'function', name: 'f', parameters: { type: 'object', properties: {} } }

const CASES: Array<{ name: string, body: Record<string, unknown>, param: string, code: string }> = [
  { name: 'no model', body: { input: 'hi' }, param: 'model', code: 'missing_required_parameter' },
  { name: 'no input', body: { model: OPENAI_MODEL }, param: 'input', code: 'missing_required_parameter' },
  { name: 'empty input', body: { model: OPENAI_MODEL, input: [] }, param: 'input', code: 'invalid_type' },
  { name: 'unknown item type', body: { model: OPENAI_MODEL, input: [{ type: 'reasoning', summary: [] }] }, param: 'input[0].type', code: 'AI_UNSUPPORTED_FEATURE' },
  { name: 'unknown role', body: { model: OPENAI_MODEL, input: [{ role: 'robot', content: 'x' }] }, param: 'input[0].role', code: 'invalid_value' },
  { name: 'unknown part type', body: { model: OPENAI_MODEL, input: [{ role: 'user', content: [{ type: 'input_audio' }] }] }, param: 'input[0].content[0].type', code: 'invalid_value' },
  { name: 'http image', body: { model: OPENAI_MODEL, input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'http://example.com/a.png' }] }] }, param: 'input[0].content[0].image_url', code: 'invalid_value' },
  { name: 'image by file_id', body: { model: OPENAI_MODEL, input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] }, param: 'input[0].content[0].file_id', code: 'AI_UNSUPPORTED_FEATURE' },
  { name: 'file of an unsupported type', body: { model: OPENAI_MODEL, input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'data:application/zip;base64,AAAA' }] }] }, param: 'input[0].content[0].file_data', code: 'invalid_value' },
  { name: 'function_call_output without call_id', body: { model: OPENAI_MODEL, input: [{ type: 'function_call_output', output: 'x' }] }, param: 'input[0].call_id', code: 'missing_required_parameter' },
  { name: 'hosted tool', body: { model: OPENAI_MODEL, input: 'hi', tools: [{ type: 'web_search' }] }, param: 'tools[0].type', code: 'AI_UNSUPPORTED_FEATURE' },
  { name: 'bad tool name', body: { model: OPENAI_MODEL, input: 'hi', tools: [{ ...TOOL, name: 'a b' }] }, param: 'tools[0].name', code: 'invalid_value' },
  { name: 'duplicated tool', body: { model: OPENAI_MODEL, input: 'hi', tools: [TOOL, TOOL] }, param: 'tools[1].name', code: 'invalid_value' },
  { name: 'parameters not an object schema', body: { model: OPENAI_MODEL, input: 'hi', tools: [{ ...TOOL, parameters: { type: 'string' } }] }, param: 'tools[0].parameters', code: 'invalid_value' },
  { name: 'tool_choice naming an unknown tool', body: { model: OPENAI_MODEL, input: 'hi', tools: [TOOL], tool_choice: { type: 'function', name: 'g' } }, param: 'tool_choice.name', code: 'invalid_value' },
  { name: 'hosted tool_choice', body: { model: OPENAI_MODEL, input: 'hi', tool_choice: { type: 'file_search' } }, param: 'tool_choice.type', code: 'AI_UNSUPPORTED_FEATURE' },
  { name: 'bad text.format', body: { model: OPENAI_MODEL, input: 'hi', text: { format: { type: 'xml' } } }, param: 'text.format.type', code: 'invalid_value' },
  { name: 'json_schema without schema', body: { model: OPENAI_MODEL, input: 'hi', text: { format: { type: 'json_schema', name: 'x' } } }, param: 'text.format.schema', code: 'invalid_value' },
  { name: 'max_output_tokens 0', body: { model: OPENAI_MODEL, input: 'hi', max_output_tokens: 0 }, param: 'max_output_tokens', code: 'invalid_value' },
  { name: 'temperature 3', body: { model: OPENAI_MODEL, input: 'hi', temperature: 3 }, param: 'temperature', code: 'invalid_value' },
  { name: 'top_p as a string', body: { model: OPENAI_MODEL, input: 'hi', top_p: '1' }, param: 'top_p', code: 'invalid_type' },
  { name: 'store not a boolean', body: { model: OPENAI_MODEL, input: 'hi', store: 'no' }, param: 'store', code: 'invalid_type' },
  { name: 'metadata value not a string', body: { model: OPENAI_MODEL, input: 'hi', metadata: { a: 1 } }, param: 'metadata.a', code: 'invalid_value' },
  { name: 'background', body: { model: OPENAI_MODEL, input: 'hi', background: true }, param: 'background', code: 'AI_UNSUPPORTED_FEATURE' },
  { name: 'conversation', body: { model: OPENAI_MODEL, input: 'hi', conversation: 'conv_1' }, param: 'conversation', code: 'unsupported_parameter' },
  { name: 'unknown parameter', body: { model: OPENAI_MODEL, input: 'hi', colour: 'red' }, param: 'colour', code: 'unknown_parameter' },
  { name: 'store: false with previous_response_id', body: { model: OPENAI_MODEL, input: 'hi', store: false, previous_response_id: 'resp_1' }, param: 'store', code: 'unsupported_value' }
]

test('every bad input is a 400 naming its parameter, and no provider is called', async (t) => {
  const { app, mock } = await startOpenAiGateway(t)
  for (const { name, body, param, code } of CASES) {
    const answer = await app.inject({ method: 'POST', url: '/v1/responses', payload: body })
    assert.equal(answer.statusCode, 400, name)
    const error = answer.json().error
    assert.equal(error.param, param, name)
    assert.equal(error.code, code, name)
    assert.equal(error.type, 'invalid_request_error', name)
  }
  assert.equal(mock.requests.length, 0)
})

test('unknown responses and models', async (t) => {
  const { app } = await startOpenAiGateway(t)
  for (const [method, url] of [['GET', '/v1/responses/resp_unknown'], ['DELETE', '/v1/responses/resp_unknown'], ['POST', '/v1/responses/resp_unknown/cancel'], ['GET', '/v1/responses/not-an-id']] as const) {
    const answer = await app.inject({ method, url })
    assert.equal(answer.statusCode, 404, url)
    assert.equal(answer.json().error.code, 'AI_RESPONSE_NOT_FOUND', url)
  }
  const previous = await app.inject({ method: 'POST', url: '/v1/responses', payload: { model: OPENAI_MODEL, input: 'hi', previous_response_id: 'resp_gone' } })
  assert.equal(previous.statusCode, 404)
  const model = await app.inject({ method: 'POST', url: '/v1/responses', payload: { model: 'nope', input: 'hi' } })
  assert.equal(model.statusCode, 404)
  assert.equal(model.json().error.code, 'model_not_found')
})

test('resume refuses a response that was not streamed, and a bad starting_after', async (t) => {
  const { app } = await startOpenAiGateway(t)
  const created = await app.inject({ method: 'POST', url: '/v1/responses', payload: { model: OPENAI_MODEL, input: 'hi' } })
  const id = created.json().id
  const notStreamed = await app.inject({ method: 'GET', url: `/v1/responses/${id}?stream=true` })
  assert.equal(notStreamed.statusCode, 400)
  assert.equal(notStreamed.json().error.param, 'stream')
  const bad = await app.inject({ method: 'GET', url: `/v1/responses/${id}?stream=true&starting_after=-2` })
  assert.equal(bad.statusCode, 400)
  assert.equal(bad.json().error.param, 'starting_after')
})
