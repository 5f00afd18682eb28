import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ProviderInput } from '../../../src/provider.ts'
import type { AiMessage } from '../../../src/types.ts'
import { GEMINI_RESPONSE_FORMATS, GEMINI_ROLES, GEMINI_TOOL_CHOICE_MODES, toGeminiRequest } from '../../../src/wire/gemini/to-gemini-request.ts'
import { DUMMY_THOUGHT_SIGNATURE } from '../../../src/wire/gemini/gemini-tool-calls.ts'
import { fixture } from './fixtures.ts'

const cases = [
  // A Gemini 3 tool loop: the call's signature goes back on its part, the generated id does not.
  'tool-loop',
  // Calls an OpenAI model made: the current step's first call gets the dummy signature, the earlier
  // turn's does not; results in call order, named from their calls, ids sent as given.
  'openai-history',
  'media',
  // Keywords outside Gemini's JSON Schema subset dropped, oneOf/const/definitions/tuple items translated.
  'json-schema'
]

for (const name of cases) {
  test(`to-gemini-request: fixture ${name}`, function () {
    assert.deepEqual(toGeminiRequest(fixture<ProviderInput>(`${name}.conversation.json`)), fixture(`${name}.request.json`))
  })
}

const user: AiMessage = { role: 'user', content: 'go' }

test('to-gemini-request: every tool choice row, and a named tool as ANY limited to it', function () {
  for (const [choice, mode] of Object.entries(GEMINI_TOOL_CHOICE_MODES)) {
    const request = toGeminiRequest({ messages: [user], tools: [{ name: 'f' }], toolChoice: choice as 'auto' })
    assert.deepEqual(request.toolConfig, { functionCallingConfig: { mode } }, choice)
  }
  assert.deepEqual(GEMINI_TOOL_CHOICE_MODES, { auto: 'AUTO', none: 'NONE', required: 'ANY' })
  assert.deepEqual(toGeminiRequest({ messages: [user], tools: [{ name: 'f' }, { name: 'g' }], toolChoice: { name: 'g' } }).toolConfig,
    { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['g'] } })
  assert.equal(toGeminiRequest({ messages: [user], tools: [{ name: 'f' }] }).toolConfig, undefined)
  assert.deepEqual(toGeminiRequest({ messages: [user], tools: [{ name: 'f' }] }).tools, [{ functionDeclarations: [{ name: 'f' }] }])
})

test('to-gemini-request: every role row; response formats text and json_object', function () {
  assert.deepEqual(GEMINI_ROLES, { user: 'user', assistant: 'model', tool: 'user' })
  assert.deepEqual(GEMINI_RESPONSE_FORMATS.text({ type: 'text' }), {})
  assert.equal(toGeminiRequest({ messages: [user], responseFormat: { type: 'text' } }).generationConfig, undefined)
  assert.deepEqual(toGeminiRequest({ messages: [user], responseFormat: { type: 'json_object' } }).generationConfig, { responseMimeType: 'application/json' })
})

test('to-gemini-request: only the first call of a current-turn step without a signature gets the dummy; a kept one wins', function () {
  const messages: AiMessage[] = [
    user,
    { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'f', arguments: '{}' }, { id: 'b', name: 'f', arguments: '{}' }] },
    { role: 'tool', toolCallId: 'a', content: '1' },
    { role: 'tool', toolCallId: 'b', content: '2' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f', arguments: '{}', providerData: { gemini: { thoughtSignature: 'sig-c' }, anthropic: { signature: 'not-ours' } } }] },
    { role: 'tool', toolCallId: 'c', content: '3' }
  ]
  const contents = toGeminiRequest({ messages }).contents
  assert.deepEqual(contents[1].parts.map((part) => part.thoughtSignature), [DUMMY_THOUGHT_SIGNATURE, undefined])
  assert.deepEqual(contents[3].parts, [{ functionCall: { id: 'c', name: 'f', args: {} }, thoughtSignature: 'sig-c' }])
  assert.equal(DUMMY_THOUGHT_SIGNATURE, 'skip_thought_signature_validator')
  // A new user message starts a new turn: the earlier steps are no longer checked, nothing is added.
  const later = toGeminiRequest({ messages: [...messages, { role: 'assistant', content: 'done' }, { role: 'user', content: 'next' }] }).contents
  assert.deepEqual(later[1].parts.map((part) => part.thoughtSignature), [undefined, undefined])
  assert.equal(later[3].parts[0].thoughtSignature, 'sig-c')
})

test('to-gemini-request: a kept text signature goes back on the text part; an empty step still has a part', function () {
  const contents = toGeminiRequest({
    messages: [
      user,
      { role: 'assistant', content: 'Hello', providerData: { gemini: { thoughtSignature: 'sig-text' } } },
      { role: 'assistant', content: '' },
      { role: 'user', content: [] }
    ]
  }).contents
  assert.deepEqual(contents[1], { role: 'model', parts: [{ text: 'Hello', thoughtSignature: 'sig-text' }] })
  assert.deepEqual(contents[2], { role: 'model', parts: [{ text: '' }] })
  assert.deepEqual(contents[3], { role: 'user', parts: [{ text: '' }] })
})

test('to-gemini-request: arguments that are not a JSON object go as { value }; results that are JSON but no object as { output }', function () {
  const contents = toGeminiRequest({
    messages: [
      user,
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'x', name: 'f', arguments: '{"city": "Par' }, { id: 'y', name: 'f', arguments: '[1,2]' }]
      },
      { role: 'tool', toolCallId: 'x', content: '42' },
      { role: 'tool', toolCallId: 'y', content: '{"ok":true}' }
    ]
  }).contents
  assert.deepEqual(contents[1].parts.map((part) => part.functionCall?.args), [{ value: '{"city": "Par' }, { value: [1, 2] }])
  assert.deepEqual(contents[2].parts.map((part) => part.functionResponse?.response), [{ output: 42 }, { ok: true }])
})

test('to-gemini-request: blank arguments (a parameterless call from vLLM, Ollama, OpenRouter) go as {}, not { value: "" }', function () {
  const contents = toGeminiRequest({
    messages: [
      user,
      { role: 'assistant', content: '', toolCalls: [{ id: 'x', name: 'now', arguments: '' }, { id: 'y', name: 'now', arguments: ' \n' }] },
      { role: 'tool', toolCallId: 'x', content: '12:00' },
      { role: 'tool', toolCallId: 'y', content: '12:00' }
    ],
    tools: [{ name: 'now', parameters: { type: 'object', properties: {} } }]
  }).contents
  assert.deepEqual(contents[1].parts.map((part) => part.functionCall?.args), [{}, {}])
})

test('to-gemini-request: a schema keeps its own anyOf over a oneOf; boolean and schema additionalProperties', function () {
  const request = toGeminiRequest({
    messages: [user],
    tools: [{
      name: 'f',
      parameters: {
        type: 'object',
        properties: { a: { anyOf: [{ type: 'string' }], oneOf: [{ type: 'number' }] } },
        additionalProperties: { type: 'string', format: 'date-time', writeOnly: true }
      }
    }]
  })
  assert.deepEqual(request.tools?.[0].functionDeclarations[0].parametersJsonSchema, {
    type: 'object',
    properties: { a: { anyOf: [{ type: 'string' }] } },
    additionalProperties: { type: 'string', format: 'date-time' }
  })
})
