import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildMessages, keptInput, MAX_KEPT_INLINE_BYTES, TRIMMED_HISTORY_NOTE } from '../../src/sessions/messages.ts'
import { digestOf, promptHash, readTurnInput } from '../../src/sessions/turn-input.ts'
import type { AiMessage, AiTurn } from '../../src/types.ts'

const at = '2026-01-01T00:00:00.000Z'
const call = { id: 'call_1', name: 'get_weather', arguments: '{"city":"Rome"}', providerData: { gemini: { thoughtSignature: 'sig' } } }

function toolTurn (): AiTurn {
  return { prompt: 'weather in Rome?', response: '', toolCalls: [call], result: 'TOOL_CALLS', model: 'openai:a', createdAt: at }
}

function resultTurn (): AiTurn {
  return { prompt: '', input: [{ role: 'tool', toolCallId: 'call_1', content: '{"sky":"clear"}' }], response: 'Clear in Rome.', result: 'COMPLETE', model: 'openai:a', createdAt: at }
}

test('a prompt is a conversation of one user message; records of earlier versions replay as before', function () {
  const input = readTurnInput({ prompt: 'and now?' })
  assert.deepEqual(input.messages, [{ role: 'user', content: 'and now?' }])
  assert.equal(input.plain, true)
  const old: AiTurn = { prompt: 'hi', response: 'hello', result: 'COMPLETE', createdAt: at }
  assert.deepEqual(buildMessages('be brief', [old], input), [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'hello' },
    { role: 'user', content: 'and now?' }
  ])
})

test('tool turns replay whole: the call with its provider data, then its result', function () {
  const input = readTurnInput({ prompt: 'thanks' })
  assert.deepEqual(buildMessages(undefined, [toolTurn(), resultTurn()], input), [
    { role: 'user', content: 'weather in Rome?' },
    { role: 'assistant', content: '', toolCalls: [call] },
    { role: 'tool', toolCallId: 'call_1', content: '{"sky":"clear"}' },
    { role: 'assistant', content: 'Clear in Rome.' },
    { role: 'user', content: 'thanks' }
  ])
})

test('tool results continue the last answer; one that answers no call is a 400 naming it', function () {
  const input = readTurnInput({ sessionId: 's', toolResults: [{ toolCallId: 'call_1', content: 'sunny' }] })
  assert.equal(input.plain, false)
  assert.equal(input.prompt, '')
  const messages = buildMessages(undefined, [toolTurn()], input)
  assert.deepEqual(messages.at(-1), { role: 'tool', toolCallId: 'call_1', content: 'sunny' })
  const wrong = readTurnInput({ sessionId: 's', toolResults: [{ toolCallId: 'call_2', content: 'sunny' }] })
  assert.throws(() => buildMessages(undefined, [toolTurn()], wrong), (error: Error & { code?: string, field?: string }) => {
    assert.equal(error.code, 'AI_BAD_REQUEST')
    assert.equal(error.field, 'toolResults[0].toolCallId')
    assert.match(error.message, /^toolResults\[0\]\.toolCallId "call_2" matches no tool call/)
    return true
  })
})

test('history trimmed past a call never leaves its result alone, and a call without a result is not sent', function () {
  // historyLength dropped the turn with the call: its result goes, the answer after it stays,
  // and a note stands in for the start (a user message first, as some providers require).
  const trimmed = buildMessages(undefined, [resultTurn()], readTurnInput({ prompt: 'next' }))
  assert.deepEqual(trimmed, [{ role: 'user', content: TRIMMED_HISTORY_NOTE }, { role: 'assistant', content: 'Clear in Rome.' }, { role: 'user', content: 'next' }])
  // The results' turn failed (not replayed) and the user wrote instead: the unanswered call is left out.
  const failed: AiTurn = { ...resultTurn(), result: 'FAILED', response: '' }
  const unanswered = buildMessages(undefined, [toolTurn(), failed], readTurnInput({ prompt: 'never mind' }))
  assert.deepEqual(unanswered, [{ role: 'user', content: 'weather in Rome?' }, { role: 'user', content: 'never mind' }])
  // A call answered later in the same request stays.
  const withText: AiTurn = { ...toolTurn(), response: 'Let me look.' }
  const kept = buildMessages(undefined, [withText], readTurnInput({ prompt: 'hm' }))
  assert.deepEqual(kept[1], { role: 'assistant', content: 'Let me look.' })
})

test('a session keeps inline data up to its limit; above it a note stands in', function () {
  const small = 'data:image/png;base64,' + 'A'.repeat(100)
  const large = 'data:image/png;base64,' + 'A'.repeat(MAX_KEPT_INLINE_BYTES + 1)
  const input = readTurnInput({
    messages: [{ role: 'user', content: [{ type: 'text', text: 'compare' }, { type: 'image', url: small }, { type: 'image', url: large }, { type: 'image', url: 'https://example.com/a.png' }] }]
  })
  const kept = keptInput(input)
  assert.ok(kept !== undefined)
  const parts = kept[0].content as Array<{ type: string, url?: string, text?: string }>
  assert.equal(parts[1].url, small)
  assert.equal(parts[2].type, 'text')
  assert.match(parts[2].text as string, /^\[image not kept in this session's history: image\/png, \d+ KiB\]$/)
  assert.equal(parts[3].url, 'https://example.com/a.png')
  // The request itself still carries the image.
  assert.equal((input.messages[0].content as Array<{ url?: string }>)[2].url, large)
  assert.equal(keptInput(readTurnInput({ prompt: 'plain' })), undefined)
})

test('what a request adds is checked before anything is asked', function () {
  const problems: Array<[object, string]> = [
    [{ prompt: 'a', messages: [{ role: 'user', content: 'b' }] }, 'messages'],
    [{ messages: [] }, 'messages'],
    [{ messages: [{ role: 'robot', content: 'b' }] }, 'messages[0].role'],
    [{ messages: [{ role: 'user', content: [{ type: 'audio' }] }] }, 'messages[0].content[0].type'],
    [{ messages: [{ role: 'assistant', content: '', toolCalls: [{ id: '', name: 'f', arguments: '{}' }] }] }, 'messages[0].toolCalls[0].id'],
    [{ messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].toolCallId'],
    [{ prompt: 'a', tools: [{ name: 'a b' }] }, 'tools[0].name'],
    [{ prompt: 'a', tools: [{ name: 'f' }, { name: 'f' }] }, 'tools[1].name'],
    [{ prompt: 'a', tools: [{ name: 'f', parameters: { type: 'array' } }] }, 'tools[0].parameters'],
    [{ prompt: 'a', tools: [{ name: 'f' }], toolChoice: { name: 'g' } }, 'toolChoice'],
    [{ prompt: 'a', responseFormat: { type: 'json_schema', name: '', schema: {} } }, 'responseFormat.name'],
    [{ messages: [{ role: 'user', content: [{ type: 'image', url: 'http://x/y.png' }] }] }, 'messages[0].content[0].url'],
    [{ messages: [{ role: 'user', content: [{ type: 'file', data: 'AA==', mediaType: 'application/zip' }] }] }, 'messages[0].content[0].mediaType'],
    [{ toolResults: [{ toolCallId: 'c' }] }, 'toolResults[0].content'],
    [{ prompt: 'a', toolChoice: null }, 'toolChoice'],
    [{ prompt: 'a', toolChoice: 'any' }, 'toolChoice'],
    [{ prompt: 'a', responseFormat: { type: 'xml' } }, 'responseFormat.type'],
    [{ prompt: 'a', responseFormat: null }, 'responseFormat.type'],
    [{ prompt: 'a', tools: [{ name: 'f' }], parallelToolCalls: 'yes' }, 'parallelToolCalls']
  ]
  for (const [request, field] of problems) {
    assert.throws(() => readTurnInput(request), (error: Error & { code?: string, field?: string }) => {
      assert.equal(error.code, 'AI_BAD_REQUEST', JSON.stringify(request))
      assert.equal(error.field, field, JSON.stringify(request))
      return true
    })
  }
  assert.throws(() => readTurnInput({}), { code: 'AI_BAD_REQUEST' })
})

test('the digest tells a resend from a new input', function () {
  const first = readTurnInput({ toolResults: [{ toolCallId: 'c', content: 'a' }] })
  assert.equal(digestOf(first), digestOf(readTurnInput({ toolResults: [{ toolCallId: 'c', content: 'a' }] })))
  assert.notEqual(digestOf(first), digestOf(readTurnInput({ toolResults: [{ toolCallId: 'c', content: 'b' }] })))
  // A prompt's digest is the one stream states of earlier versions hold.
  assert.equal(digestOf(readTurnInput({ prompt: 'x' })), promptHash('x'))
})

test('a tool loop longer than historyLength goes on: only the results whose calls were trimmed are left out', function () {
  const step = (n: number): AiTurn => ({
    prompt: '',
    input: [{ role: 'tool', toolCallId: `c${n - 1}`, content: 'ok' }],
    response: '',
    toolCalls: [{ id: `c${n}`, name: 'f', arguments: '{}' }],
    result: 'TOOL_CALLS',
    model: 'openai:a',
    createdAt: at
  })
  // The session keeps steps 3 to 5 of a loop whose prompt and first steps were trimmed.
  const messages = buildMessages(undefined, [step(3), step(4), step(5)], readTurnInput({ sessionId: 's', toolResults: [{ toolCallId: 'c5', content: 'done' }] }))
  assert.deepEqual(messages.map((message) => message.role === 'tool' ? `tool ${message.toolCallId}` : message.role), [
    'user', 'assistant', 'tool c3', 'assistant', 'tool c4', 'assistant', 'tool c5'
  ])
  assert.equal(messages[0].content, TRIMMED_HISTORY_NOTE)
})

test('a turn whose own input holds a call and its result replays whole', function () {
  const first: AiTurn = {
    prompt: 'And should I bring an umbrella?',
    input: [
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'weather', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'c1', content: 'clear' },
      { role: 'user', content: 'And should I bring an umbrella?' }
    ],
    response: 'No.',
    result: 'COMPLETE',
    model: 'openai:a',
    createdAt: at
  }
  const messages = buildMessages(undefined, [first], readTurnInput({ sessionId: 's', prompt: 'Tomorrow?' }))
  assert.deepEqual(messages, [...(first.input as AiMessage[]), { role: 'assistant', content: 'No.' }, { role: 'user', content: 'Tomorrow?' }])
})
