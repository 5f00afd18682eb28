import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createToolCallDeltas } from '../../../src/wire/openai-chat/tool-call-deltas.ts'

test('tool-call-deltas: a call completes when a higher index starts, the last one at finish', function () {
  const deltas = createToolCallDeltas()
  assert.deepEqual(deltas.read([{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '' } }]), [])
  assert.deepEqual(deltas.read([{ index: 0, function: { arguments: '{"x":' } }]), [])
  assert.deepEqual(deltas.read([{ index: 0, function: { arguments: '1}' } }]), [])
  assert.deepEqual(deltas.read([{ index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } }]), [
    { index: 0, toolCall: { id: 'a', name: 'f', arguments: '{"x":1}' } }
  ])
  assert.equal(deltas.completed, 1)
  assert.deepEqual(deltas.finish(), [{ index: 1, toolCall: { id: 'b', name: 'g', arguments: '{}' } }])
  assert.deepEqual(deltas.finish(), [])
})

test('tool-call-deltas: a name split over deltas is appended; a repeated name or id is not', function () {
  const deltas = createToolCallDeltas()
  deltas.read([{ index: 0, id: 'a', type: 'function', function: { name: 'get_w' } }])
  deltas.read([{ index: 0, function: { name: 'eather' } }])
  deltas.read([{ index: 0, id: 'a', function: { name: 'get_weather', arguments: '{"q":"\\' } }])
  deltas.read([{ index: 0, id: 'a', function: { name: 'get_weather', arguments: 'u00e9"}' } }])
  assert.deepEqual(deltas.finish(), [{ index: 0, toolCall: { id: 'a', name: 'get_weather', arguments: '{"q":"\\u00e9"}' } }])
})

test('tool-call-deltas: several calls in one delta array; nulls, non-objects and object arguments', function () {
  const deltas = createToolCallDeltas()
  const done = deltas.read([
    { index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
    null,
    'junk',
    { index: 1, id: null, type: null, function: { name: 'g', arguments: null } },
    { index: 1, function: { arguments: { deep: [1] } } }
  ])
  assert.deepEqual(done, [{ index: 0, toolCall: { id: 'a', name: 'f', arguments: '{}' } }])
  const [last] = deltas.finish()
  assert.equal(last.index, 1)
  assert.match(last.toolCall.id, /^call_[0-9a-f]{24}$/, 'a call without id gets one')
  assert.deepEqual({ name: last.toolCall.name, arguments: last.toolCall.arguments }, { name: 'g', arguments: '{"deep":[1]}' })
  assert.deepEqual(deltas.read('not an array'), [])
})

test('tool-call-deltas: without index, a delta belongs to the open call unless its id differs', function () {
  const deltas = createToolCallDeltas()
  deltas.read([{ id: 'a', function: { name: 'f', arguments: '{"a"' } }])
  deltas.read([{ function: { arguments: ':1}' } }])
  const done = deltas.read([{ id: 'b', function: { name: 'g', arguments: '{}' } }])
  assert.deepEqual(done, [{ index: 0, toolCall: { id: 'a', name: 'f', arguments: '{"a":1}' } }])
  assert.deepEqual(deltas.finish(), [{ index: 1, toolCall: { id: 'b', name: 'g', arguments: '{}' } }])
})

test('tool-call-deltas: wire indexes need not start at 0; a fragment for a completed call is dropped', function () {
  const deltas = createToolCallDeltas()
  deltas.read([{ index: 3, id: 'a', function: { name: 'f', arguments: '{' } }])
  assert.deepEqual(deltas.read([{ index: 5, id: 'b', function: { name: 'g', arguments: '{}' } }]), [
    { index: 0, toolCall: { id: 'a', name: 'f', arguments: '{' } }
  ])
  assert.deepEqual(deltas.read([{ index: 3, function: { arguments: '}' } }]), [])
  assert.deepEqual(deltas.finish(), [{ index: 1, toolCall: { id: 'b', name: 'g', arguments: '{}' } }])
})

test('tool-call-deltas: parallel calls all at index 0 with their own ids (Ollama, LiteLLM, SGLang) are not merged', function () {
  const deltas = createToolCallDeltas()
  assert.deepEqual(deltas.read([{ index: 0, id: 'call_a', type: 'function', function: { name: 'file_write', arguments: '{"filePath":"hello.py"}' } }]), [])
  assert.deepEqual(deltas.read([{ index: 0, id: 'call_b', type: 'function', function: { name: 'file_write', arguments: '{"filePath":' } }]), [
    { index: 0, toolCall: { id: 'call_a', name: 'file_write', arguments: '{"filePath":"hello.py"}' } }
  ])
  // A later fragment without id, or with the same id repeated, still belongs to the second call.
  deltas.read([{ index: 0, function: { arguments: '"world' } }])
  deltas.read([{ index: 0, id: 'call_b', function: { arguments: '.py"}' } }])
  assert.deepEqual(deltas.read([{ index: 0, id: 'call_c', type: 'function', function: { name: 'now', arguments: '{}' } }]), [
    { index: 1, toolCall: { id: 'call_b', name: 'file_write', arguments: '{"filePath":"world.py"}' } }
  ])
  assert.deepEqual(deltas.finish(), [{ index: 2, toolCall: { id: 'call_c', name: 'now', arguments: '{}' } }])
  assert.equal(deltas.completed, 3)
})

test('tool-call-deltas: a call whose first delta had no id takes the next id at its index instead of closing', function () {
  const deltas = createToolCallDeltas()
  deltas.read([{ index: 0, id: '', function: { name: 'f', arguments: '{' } }])
  assert.deepEqual(deltas.read([{ index: 0, id: 'late', function: { arguments: '}' } }]), [])
  assert.deepEqual(deltas.finish(), [{ index: 0, toolCall: { id: 'late', name: 'f', arguments: '{}' } }])
})

test('tool-call-deltas: blank arguments of a parameterless call (vLLM, Ollama, OpenRouter) are {}; malformed ones stay', function () {
  const deltas = createToolCallDeltas()
  const done = [
    ...deltas.read([{ index: 0, id: 'a', type: 'function', function: { name: 'now', arguments: '' } }]),
    ...deltas.read([{ index: 1, id: 'b', type: 'function', function: { name: 'now' } }]),
    ...deltas.read([{ index: 1, function: { arguments: ' ' } }]),
    ...deltas.read([{ index: 2, id: 'c', type: 'function', function: { name: 'f', arguments: '{"x":' } }]),
    ...deltas.finish()
  ]
  assert.deepEqual(done.map(({ toolCall }) => toolCall.arguments), ['{}', '{}', '{"x":'])
})
