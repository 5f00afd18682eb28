import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  messagesProblem, parametersProblem, requiredCapabilities, missingCapability, responseFormatProblem, toolChoiceProblem,
  toolNameProblem, toolsProblem, imageUrlProblem, fileMediaTypeProblem
} from '../../src/conversation/index.ts'
import type { AiMessage, AiTool } from '../../src/types.ts'

const weather: AiTool = { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }

test('tool names: the pattern OpenAI and Gemini share, 1 to 64 characters', function () {
  assert.equal(toolNameProblem('get_weather-2'), undefined)
  assert.equal(toolNameProblem('a'.repeat(64)), undefined)
  assert.match(toolNameProblem('a'.repeat(65)) as string, /must match/)
  assert.match(toolNameProblem('get weather') as string, /must match/)
  assert.match(toolNameProblem('') as string, /must match/)
  assert.match(toolNameProblem(3) as string, /must be a string/)
})

test('tools: names unique, parameters an object schema; the field at fault is named', function () {
  assert.equal(toolsProblem([weather, { name: 'now' }]), undefined)
  assert.deepEqual(toolsProblem([weather, { ...weather }])?.field, 'tools[1].name')
  assert.deepEqual(toolsProblem([weather, { name: 'x y' }])?.field, 'tools[1].name')
  assert.deepEqual(toolsProblem([{ name: 'f', parameters: { type: 'string' } }])?.field, 'tools[0].parameters')
  assert.match(parametersProblem([]) as string, /JSON Schema object/)
  assert.match(parametersProblem({ properties: {} }) as string, /type "object"/)
})

test('tool choice: a named tool must be one of the request, required needs tools', function () {
  assert.equal(toolChoiceProblem('auto', undefined), undefined)
  assert.equal(toolChoiceProblem('none', undefined), undefined)
  assert.equal(toolChoiceProblem({ name: 'get_weather' }, [weather]), undefined)
  assert.equal(toolChoiceProblem({ name: 'other' }, [weather])?.field, 'toolChoice')
  assert.equal(toolChoiceProblem('required', [])?.field, 'toolChoice')
})

test('response format: a json schema needs a valid name and an object schema', function () {
  assert.equal(responseFormatProblem({ type: 'json_object' }), undefined)
  assert.equal(responseFormatProblem({ type: 'json_schema', name: 'answer', schema: { type: 'object' } }), undefined)
  assert.equal(responseFormatProblem({ type: 'json_schema', name: 'an answer', schema: {} })?.field, 'responseFormat.name')
  assert.equal(responseFormatProblem({ type: 'json_schema', name: 'a', schema: null as never })?.field, 'responseFormat.schema')
})

test('image URLs: https and base64 data URLs of an image type only', function () {
  assert.equal(imageUrlProblem('https://example.com/cat.png'), undefined)
  assert.equal(imageUrlProblem('data:image/png;base64,iVBORw0KGgo='), undefined)
  assert.match(imageUrlProblem('http://example.com/cat.png') as string, /https: or data:/)
  assert.match(imageUrlProblem('file:///etc/passwd') as string, /https: or data:/)
  assert.match(imageUrlProblem('data:image/png,rawbytes') as string, /base64/)
  assert.match(imageUrlProblem('data:image/tiff;base64,AAAA') as string, /image\/tiff/)
  assert.equal(fileMediaTypeProblem('application/pdf'), undefined)
  assert.match(fileMediaTypeProblem('application/x-msdownload') as string, /must be one of/)
})

test('tool messages must answer a call made earlier in the conversation', function () {
  const messages: AiMessage[] = [
    { role: 'user', content: 'weather?' },
    { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }] },
    { role: 'tool', toolCallId: 'call_1', content: 'sunny' },
    { role: 'tool', toolCallId: 'call_9', content: 'rain' }
  ]
  assert.equal(messagesProblem(messages, new Set())?.field, 'messages[3].toolCallId')
  assert.equal(messagesProblem(messages.slice(0, 3), new Set()), undefined)
  // Calls of the stored history count; without `known` the ids are not checked (done later).
  assert.equal(messagesProblem([{ role: 'tool', toolCallId: 'call_9', content: 'x' }], new Set(['call_9'])), undefined)
  assert.equal(messagesProblem([{ role: 'tool', toolCallId: 'call_9', content: 'x' }]), undefined)
  assert.equal(messagesProblem([{ role: 'user', content: [{ type: 'image', url: 'ftp://x' }] }])?.field, 'messages[0].content[0].url')
})

test('capabilities a request needs, and the first one a model lacks', function () {
  const text: AiMessage[] = [{ role: 'user', content: 'hi' }]
  assert.deepEqual(requiredCapabilities({ messages: text }, true), [])
  assert.deepEqual(requiredCapabilities({ messages: text, tools: [weather] }, false), ['tools'])
  assert.deepEqual(requiredCapabilities({ messages: text, tools: [weather] }, true), ['tools', 'streamingTools'])
  const image: AiMessage[] = [{ role: 'user', content: [{ type: 'text', text: 'what is it?' }, { type: 'image', url: 'https://x/y.png' }, { type: 'file', data: 'AA==', mediaType: 'application/pdf' }] }]
  assert.deepEqual(requiredCapabilities({ messages: image, responseFormat: { type: 'json_object' } }, false), ['vision', 'files', 'jsonObject'])
  const history: AiMessage[] = [{ role: 'tool', toolCallId: 'c', content: 'x' }]
  assert.deepEqual(requiredCapabilities({ messages: history }, false), ['tools'])
  const textOnly = { tools: false, streamingTools: false, vision: false, files: false, jsonSchema: false, jsonObject: true }
  assert.equal(missingCapability(textOnly, ['jsonObject']), undefined)
  assert.equal(missingCapability(textOnly, ['jsonObject', 'vision']), 'vision')
})
