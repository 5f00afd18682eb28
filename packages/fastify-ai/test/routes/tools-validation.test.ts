// Conversations the gateway refuses over HTTP (issue 19, "Bad input"): every one is a 400
// AI_BAD_REQUEST whose details.field names the field at fault, on both native routes, before
// any provider is asked; and the capability checks (AI_UNSUPPORTED_FEATURE, AI_MODEL_UNSUPPORTED).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { postJson, startGateway } from '../helpers/gateway.ts'

interface Case {
  name: string
  body: Record<string, unknown>
  field: string
}

const weather = { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } }
const PNG = 'data:image/png;base64,iVBORw0KGgo='

const cases: Case[] = [
  { name: 'a tool name with a space', body: { prompt: 'hi', tools: [{ name: 'get weather' }] }, field: 'tools[0].name' },
  { name: 'a tool name of 65 characters', body: { prompt: 'hi', tools: [{ name: 'a'.repeat(65) }] }, field: 'tools[0].name' },
  { name: 'an empty tool name', body: { prompt: 'hi', tools: [weather, { name: '' }] }, field: 'tools[1].name' },
  { name: 'a tool name with a dot', body: { prompt: 'hi', tools: [{ name: 'weather.get' }] }, field: 'tools[0].name' },
  { name: 'two tools of one name', body: { prompt: 'hi', tools: [weather, { ...weather, description: 'again' }] }, field: 'tools[1].name' },
  { name: 'parameters of type string', body: { prompt: 'hi', tools: [{ name: 'f', parameters: { type: 'string' } }] }, field: 'tools[0].parameters' },
  { name: 'parameters an array', body: { prompt: 'hi', tools: [{ name: 'f', parameters: [] }] }, field: 'tools[0].parameters' },
  { name: 'parameters without a type', body: { prompt: 'hi', tools: [{ name: 'f', parameters: { properties: {} } }] }, field: 'tools[0].parameters' },
  { name: 'a tool with an unknown field', body: { prompt: 'hi', tools: [{ ...weather, type: 'function' }] }, field: 'tools[0].type' },
  { name: 'toolChoice naming an unknown tool', body: { prompt: 'hi', tools: [weather], toolChoice: { name: 'get_time' } }, field: 'toolChoice' },
  { name: 'toolChoice required without tools', body: { prompt: 'hi', toolChoice: 'required' }, field: 'toolChoice' },
  { name: 'toolChoice of no known kind', body: { prompt: 'hi', tools: [weather], toolChoice: 'sometimes' }, field: 'toolChoice' },
  { name: 'a tool message answering no call', body: { messages: [{ role: 'user', content: 'hi' }, { role: 'tool', toolCallId: 'call_x', content: '{}' }] }, field: 'messages[1].toolCallId' },
  { name: 'an image by http:', body: { messages: [{ role: 'user', content: [{ type: 'text', text: 'what is it?' }, { type: 'image', url: 'http://example.com/cat.png' }] }] }, field: 'messages[0].content[1].url' },
  { name: 'an image by file:', body: { messages: [{ role: 'user', content: [{ type: 'image', url: 'file:///etc/passwd' }] }] }, field: 'messages[0].content[0].url' },
  { name: 'an image as a data: URL of text', body: { messages: [{ role: 'user', content: [{ type: 'image', url: 'data:text/plain;base64,aGk=' }] }] }, field: 'messages[0].content[0].url' },
  { name: 'an image of type image/bmp', body: { messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/a.bmp', mediaType: 'image/bmp' }] }] }, field: 'messages[0].content[0].mediaType' },
  { name: 'a file of type application/zip', body: { messages: [{ role: 'user', content: [{ type: 'file', data: 'UEsDBA==', mediaType: 'application/zip' }] }] }, field: 'messages[0].content[0].mediaType' },
  { name: 'a part of no known type', body: { messages: [{ role: 'user', content: [{ type: 'audio', data: 'AAAA' }] }] }, field: 'messages[0].content' },
  { name: 'a message of no known role', body: { messages: [{ role: 'robot', content: 'beep' }] }, field: 'messages[0].role' },
  { name: 'an assistant message with parts', body: { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'text', text: 'x' }] }, { role: 'user', content: 'again' }] }, field: 'messages[1].content' },
  { name: 'a tool message without toolCallId', body: { messages: [{ role: 'user', content: 'hi' }, { role: 'tool', content: '{}' }] }, field: 'messages[1].toolCallId' },
  { name: 'empty messages', body: { messages: [] }, field: 'messages' },
  { name: 'prompt and messages together', body: { prompt: 'hi', messages: [{ role: 'user', content: 'hi' }] }, field: 'messages' },
  { name: 'a tool result with an unknown field', body: { toolResults: [{ toolCallId: 'call_1', content: '{}', name: 'f' }], sessionId: 'x' }, field: 'toolResults[0].name' },
  { name: 'a tool result whose content is not text', body: { toolResults: [{ toolCallId: 'call_1', content: { ok: true } }], sessionId: 'x' }, field: 'toolResults[0].content' },
  { name: 'a response format of no known type', body: { prompt: 'hi', responseFormat: { type: 'xml' } }, field: 'responseFormat' },
  { name: 'a JSON schema format with a bad name', body: { prompt: 'hi', responseFormat: { type: 'json_schema', name: 'my schema', schema: { type: 'object' } } }, field: 'responseFormat.name' },
  { name: 'a JSON schema format whose schema is not an object', body: { prompt: 'hi', responseFormat: { type: 'json_schema', name: 'answer', schema: 'object' } }, field: 'responseFormat.schema' },
  { name: 'parallelToolCalls not a boolean', body: { prompt: 'hi', tools: [weather], parallelToolCalls: 'yes' }, field: 'parallelToolCalls' }
]

test('bad conversations answer 400 AI_BAD_REQUEST naming the field, on both routes, before any provider', async (t) => {
  const { url, mock } = await startGateway(t)
  for (const route of ['/api/v1/prompt', '/api/v1/stream']) {
    for (const { name, body, field } of cases) {
      const response = await postJson(`${url}${route}`, body)
      const answer = await response.json()
      assert.equal(response.status, 400, `${route} ${name}: ${JSON.stringify(answer)}`)
      assert.equal(answer.code, 'AI_BAD_REQUEST', `${route} ${name}`)
      assert.equal(answer.details?.field, field, `${route} ${name}: ${answer.message}`)
      assert.ok(answer.message.includes(field), `${route} ${name}: the message names the field: ${answer.message}`)
    }
  }
  assert.equal(mock.requests.length, 0, 'no bad conversation reached a provider')
})

test('an image within limits passes the checks (the same body with an http: URL does not)', async (t) => {
  const { url, mock } = await startGateway(t)
  const content = [{ type: 'text', text: 'what is it?' }, { type: 'image', url: PNG }]
  const response = await postJson(`${url}/api/v1/prompt`, { messages: [{ role: 'user', content }] })
  assert.equal(response.status, 200, JSON.stringify(await response.clone().json()))
  assert.equal(mock.requests.length, 1)
})

test('a tool result whose id matches no call of its session is 400 naming it', async (t) => {
  const { url, mock } = await startGateway(t)
  const first = await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })
  const { sessionId } = await first.json()
  const response = await postJson(`${url}/api/v1/prompt`, { sessionId, toolResults: [{ toolCallId: 'call_unknown', content: '{"temperature": 21}' }] })
  const answer = await response.json()
  assert.equal(response.status, 400, JSON.stringify(answer))
  assert.equal(answer.code, 'AI_BAD_REQUEST')
  assert.equal(answer.details.field, 'toolResults[0].toolCallId', answer.message)
  assert.equal(mock.requests.length, 1, 'only the first turn reached the provider')
})

/** A gateway whose chain starts with a text-only local model (openai-compatible), then `tail`. */
async function localFirst (t: import('node:test').TestContext, tail: string[]) {
  const gateway = await startGateway(t, {
    plugin: {
      providers: {
        local: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1' },
        deepseek: { apiKey: 'test-key', baseUrl: 'http://127.0.0.1:1' },
        openai: { apiKey: 'test-key', baseUrl: 'http://127.0.0.1:1' }
      },
      models: ['local:llama', ...tail]
    }
  })
  return gateway
}

test('no candidate serves a feature: 400 AI_UNSUPPORTED_FEATURE naming it, before any upstream call', async (t) => {
  const { url, mock } = await localFirst(t, ['deepseek:deepseek-chat'])
  const refused: Array<[Record<string, unknown>, string]> = [
    [{ prompt: 'weather?', tools: [weather], models: ['local:llama'] }, 'tools'],
    [{ messages: [{ role: 'user', content: [{ type: 'image', url: PNG }] }] }, 'vision'],
    [{ messages: [{ role: 'user', content: [{ type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf' }] }] }, 'files'],
    [{ prompt: 'hi', responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' } } }, 'jsonSchema']
  ]
  for (const route of ['/api/v1/prompt', '/api/v1/stream']) {
    for (const [body, feature] of refused) {
      const response = await postJson(`${url}${route}`, body)
      const answer = await response.json()
      assert.equal(response.status, 400, `${route} ${feature}: ${JSON.stringify(answer)}`)
      assert.equal(answer.code, 'AI_UNSUPPORTED_FEATURE', `${route} ${feature}`)
      assert.match(answer.message, new RegExp(`serve ${feature} `), `${route}: ${answer.message}`)
    }
  }
  assert.equal(mock.requests.length, 0)
})

test('the chain skips a model lacking a capability (AI_MODEL_UNSUPPORTED) and the next one answers', async (t) => {
  const { mock } = await startGateway(t)
  const options = {
    providers: {
      local: { type: 'openai-compatible' as const, baseUrl: mock.url + '/v1', apiKey: 'local-key' },
      openai: { apiKey: 'test-key', baseUrl: mock.url }
    },
    models: ['local:llama', 'openai:gpt-4o-mini']
  }
  const { url, app } = await startGateway(t, { mock, plugin: options })
  const models = await (await fetch(`${url}/api/v1/models`)).json()
  assert.deepEqual(models.models.map((model: { name: string, capabilities: { tools: boolean } }) => [model.name, model.capabilities.tools]), [['local:llama', false], ['openai:gpt-4o-mini', true]])

  // Plain text still goes to the local model first.
  const plain = await postJson(`${url}/api/v1/prompt`, { prompt: 'hi' })
  assert.equal((await plain.json()).model, 'local:llama')

  const fallbacks: string[] = []
  const stop = app.ai.observe({ fallback (fallback) { fallbacks.push(`${fallback.from.name} -> ${fallback.to.name}: ${fallback.reason}`) } })
  t.after(stop)
  const answered = await postJson(`${url}/api/v1/prompt`, { prompt: 'weather in Paris?', tools: [weather] })
  const answer = await answered.json()
  assert.equal(answered.status, 200, JSON.stringify(answer))
  assert.equal(answer.model, 'openai:gpt-4o-mini')
  assert.deepEqual(fallbacks, ['local:llama -> openai:gpt-4o-mini: AI_MODEL_UNSUPPORTED'])
  assert.deepEqual(mock.requests.map((request) => request.model), ['llama', 'gpt-4o-mini'], 'the local model was never asked the tool request')

  // When the model after it fails too, the attempts say why each was passed over.
  mock.setBehaviour('gpt-4o-mini', { status: 500 })
  const failed = await postJson(`${url}/api/v1/prompt`, { prompt: 'weather in Paris?', tools: [weather] })
  const failure = await failed.json()
  assert.equal(failure.code, 'AI_NO_MODELS_AVAILABLE')
  assert.deepEqual(failure.details.attempts.map((attempt: { model: string, code: string }) => [attempt.model, attempt.code]), [['local:llama', 'AI_MODEL_UNSUPPORTED'], ['openai:gpt-4o-mini', 'AI_PROVIDER_RESPONSE_ERROR']])
})

test('a capability override in the configuration opens a model to what it serves', async (t) => {
  const { mock } = await startGateway(t)
  const { url } = await startGateway(t, {
    mock,
    plugin: {
      providers: { local: { type: 'openai-compatible', baseUrl: mock.url + '/v1', apiKey: 'local-key' } },
      models: [{ provider: 'local', model: 'llama', capabilities: { tools: true } }]
    }
  })
  const models = await (await fetch(`${url}/api/v1/models`)).json()
  assert.deepEqual(models.models[0].capabilities, { tools: true, streamingTools: false, vision: false, files: false, jsonSchema: false, jsonObject: false })
  const answered = await postJson(`${url}/api/v1/prompt`, { prompt: 'weather?', tools: [weather] })
  assert.equal(answered.status, 200)
  const streamed = await postJson(`${url}/api/v1/stream`, { prompt: 'weather?', tools: [weather] })
  const refusal = await streamed.json()
  assert.equal(refusal.code, 'AI_UNSUPPORTED_FEATURE', 'streaming tools is a capability of its own')
  assert.match(refusal.message, /streamingTools/)
})
