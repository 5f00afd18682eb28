// The Responses API as a provider speaks it: the request AI Warp sends, the response object and
// the typed stream events it reads back. Pure functions; the same over HTTP is in
// test/providers/openai-responses.test.ts.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toOpenAiResponsesRequest } from '../../../src/wire/openai-responses/to-openai-responses-request.ts'
import { fromOpenAiResponsesAnswer } from '../../../src/wire/openai-responses/from-openai-responses-answer.ts'
import { createOpenAiResponsesStreamReader } from '../../../src/wire/openai-responses/from-openai-responses-stream.ts'
import type { ProviderStreamEvent } from '../../../src/provider.ts'

const label = 'openai:gpt-test'

test('request: the conversation as input items, stateless, every setting in its own field', function () {
  const body = toOpenAiResponsesRequest('gpt-test', {
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', url: 'https://example.com/a.png' }, { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf' }] },
      {
        role: 'assistant',
        content: 'Checking.',
        reasoning: [
          { text: 'mine', providerData: { openai: { id: 'rs_1', encryptedContent: 'enc1', source: 'openai:gpt-test' } } },
          { text: 'another model', providerData: { openai: { id: 'rs_2', encryptedContent: 'enc2', source: 'openai:gpt-other' } } },
          { text: 'no content: id only names nothing when nothing is stored', providerData: { openai: { id: 'rs_3', source: 'openai:gpt-test' } } },
          { text: 'claude', providerData: { anthropic: { signature: 'sig' } } }
        ],
        toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]
      },
      { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: '22C' }, { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' }] },
      { role: 'user', content: 'Thanks' }
    ],
    temperature: 0.2,
    topP: 0.9,
    maxTokens: 64,
    stop: ['END'],
    tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }, { name: 'ping', strict: true }],
    toolChoice: { name: 'get_weather' },
    parallelToolCalls: false,
    responseFormat: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true },
    thinking: { budgetTokens: 2048 }
  }, { stream: true, provider: 'openai', includeEncryptedReasoning: true })
  assert.deepEqual(body, {
    model: 'gpt-test',
    input: [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'Look' },
          { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' },
          { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'file-3.pdf' }
        ]
      },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'mine' }], encrypted_content: 'enc1' },
      { role: 'assistant', content: 'Checking.' },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      {
        type: 'function_call_output',
        call_id: 'call_1',
        output: [{ type: 'input_text', text: '22C' }, { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' }]
      },
      { role: 'user', content: 'Thanks' }
    ],
    store: false,
    include: ['reasoning.encrypted_content'],
    reasoning: { summary: 'auto' },
    stream: true,
    temperature: 0.2,
    top_p: 0.9,
    max_output_tokens: 64,
    tools: [
      { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false },
      { type: 'function', name: 'ping', parameters: { type: 'object', properties: {} }, strict: true }
    ],
    tool_choice: { type: 'function', name: 'get_weather' },
    parallel_tool_calls: false,
    text: { format: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true } }
  })
})

const plain = { stream: false, provider: 'p', includeEncryptedReasoning: false }

test('request: without tools, no tool settings; a plain prompt is one user message; a budget under 16 is raised to it', function () {
  const body = toOpenAiResponsesRequest('m', { messages: [{ role: 'user', content: 'hi' }], toolChoice: 'required', parallelToolCalls: true, responseFormat: { type: 'json_object' }, maxTokens: 5 }, plain)
  assert.deepEqual(body, { model: 'm', input: [{ role: 'user', content: 'hi' }], store: false, max_output_tokens: 16, text: { format: { type: 'json_object' } } })
})

test('request: reasoning is left out when nothing of the message follows it (the API refuses it alone)', function () {
  const reasoning = [{ text: '', providerData: { openai: { id: 'rs_1', encryptedContent: 'e', source: 'p:m' } } }]
  const body = toOpenAiResponsesRequest('m', {
    messages: [
      { role: 'user', content: 'think' },
      { role: 'assistant', content: '', reasoning },
      { role: 'user', content: 'again' },
      { role: 'assistant', content: 'ok', reasoning }
    ]
  }, plain)
  assert.deepEqual(body.input, [
    { role: 'user', content: 'think' },
    { role: 'user', content: 'again' },
    { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'e' },
    { role: 'assistant', content: 'ok' }
  ])
})

function response (fields: Record<string, unknown>): Record<string, unknown> {
  return { id: 'resp_1', object: 'response', status: 'completed', output: [], usage: null, ...fields }
}

test('answer: message text, refusal, calls, reasoning and usage, in order', function () {
  const answer = fromOpenAiResponsesAnswer(response({
    output: [
      { type: 'reasoning', id: 'rs_9', summary: [{ type: 'summary_text', text: 'First.' }, { type: 'summary_text', text: 'Then.' }], encrypted_content: 'opaque' },
      { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello ', annotations: [] }, { type: 'refusal', refusal: 'but no.' }] },
      { type: 'function_call', id: 'fc_1', call_id: 'call_a', name: 'ping', arguments: '' },
      { type: 'web_search_call', id: 'ws_1', status: 'completed' }
    ],
    usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 4 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 17 }
  }), label)
  assert.deepEqual(answer, {
    text: 'Hello but no.',
    result: 'TOOL_CALLS',
    toolCalls: [{ id: 'call_a', name: 'ping', arguments: '{}' }],
    reasoning: [{ text: 'First.\n\nThen.', providerData: { openai: { id: 'rs_9', encryptedContent: 'opaque', source: label } } }],
    usage: { promptTokens: 10, completionTokens: 7, totalTokens: 17, cachedPromptTokens: 4, reasoningTokens: 3 }
  })
})

test('answer: incomplete by its reason; failed, unfinished, empty and malformed responses are errors', function () {
  const text = [{ type: 'message', content: [{ type: 'output_text', text: 'cut' }] }]
  assert.equal(fromOpenAiResponsesAnswer(response({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: text }), label).result, 'INCOMPLETE_MAX_TOKENS')
  assert.equal(fromOpenAiResponsesAnswer(response({ status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: text }), label).result, 'INCOMPLETE_UNKNOWN')
  assert.throws(() => fromOpenAiResponsesAnswer(response({ status: 'failed', error: { code: 'server_error', message: 'boom' } }), label), { code: 'AI_PROVIDER_RESPONSE_ERROR', message: /server_error: boom/ })
  assert.throws(() => fromOpenAiResponsesAnswer(response({ status: 'queued' }), label), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => fromOpenAiResponsesAnswer(response({ output: [] }), label), { code: 'AI_PROVIDER_EMPTY_RESPONSE' })
  assert.throws(() => fromOpenAiResponsesAnswer(response({ output: [{ type: 'function_call', call_id: 'c' }] }), label), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  assert.throws(() => fromOpenAiResponsesAnswer([], label), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
})

function readAll (events: Array<Record<string, unknown>>): ProviderStreamEvent[] {
  const reader = createOpenAiResponsesStreamReader(label)
  return events.flatMap((event) => reader.read(event))
}

test('stream: text deltas at once, a call whole at its done item, reasoning in its place, the end with usage', function () {
  const events = readAll([
    { type: 'response.created', response: response({ status: 'in_progress' }) },
    { type: 'response.in_progress', response: response({ status: 'in_progress' }) },
    { type: 'response.output_item.added', output_index: 0, item: { type: 'reasoning', id: 'rs_1', summary: [] } },
    { type: 'response.reasoning_summary_text.delta', output_index: 0, item_id: 'rs_1', delta: 'Hm' },
    { type: 'response.output_item.done', output_index: 0, item: { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Hm' }], encrypted_content: 'e' } },
    { type: 'response.output_item.added', output_index: 1, item: { type: 'message', id: 'msg_1', content: [] } },
    { type: 'response.content_part.added', output_index: 1, item_id: 'msg_1', content_index: 0, part: { type: 'output_text', text: '' } },
    { type: 'response.output_text.delta', output_index: 1, item_id: 'msg_1', content_index: 0, delta: 'Hel' },
    { type: 'response.output_text.delta', output_index: 1, item_id: 'msg_1', content_index: 0, delta: 'lo' },
    { type: 'response.output_text.done', output_index: 1, item_id: 'msg_1', content_index: 0, text: 'Hello' },
    { type: 'response.output_item.done', output_index: 1, item: { type: 'message', id: 'msg_1', content: [{ type: 'output_text', text: 'Hello' }] } },
    { type: 'response.output_item.added', output_index: 2, item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather', arguments: '' } },
    { type: 'response.function_call_arguments.delta', output_index: 2, item_id: 'fc_1', delta: '{"city":' },
    { type: 'response.function_call_arguments.delta', output_index: 2, item_id: 'fc_1', delta: '"Paris"}' },
    { type: 'response.output_item.done', output_index: 2, item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'get_weather' } },
    { type: 'response.completed', response: response({ usage: { input_tokens: 5, output_tokens: 6, total_tokens: 11 } }) }
  ])
  assert.deepEqual(events, [
    { type: 'reasoning', reasoning: { text: 'Hm', providerData: { openai: { id: 'rs_1', encryptedContent: 'e', source: label } } } },
    { type: 'delta', text: 'Hel' },
    { type: 'delta', text: 'lo' },
    { type: 'tool_call', index: 0, toolCall: { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' } },
    { type: 'end', result: 'TOOL_CALLS', usage: { promptTokens: 5, completionTokens: 6, totalTokens: 11 } }
  ])
})

test('stream: text given only whole, or only in the final response, still arrives once', function () {
  assert.deepEqual(readAll([
    { type: 'response.output_item.added', output_index: 0, item: { type: 'message', content: [] } },
    { type: 'response.output_item.done', output_index: 0, item: { type: 'message', content: [{ type: 'output_text', text: 'whole' }] } },
    { type: 'response.completed', response: response({ output: [{ type: 'message', content: [{ type: 'output_text', text: 'whole' }] }] }) }
  ]), [{ type: 'delta', text: 'whole' }, { type: 'end', result: 'COMPLETE' }])
  assert.deepEqual(readAll([
    { type: 'response.incomplete', response: response({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', content: [{ type: 'output_text', text: 'only here' }] }] }) }
  ]), [{ type: 'delta', text: 'only here' }, { type: 'end', result: 'INCOMPLETE_MAX_TOKENS' }])
})

test('stream: response.failed and error events fail it with AI_PROVIDER_STREAM_ERROR', function () {
  const reader = createOpenAiResponsesStreamReader(label)
  assert.throws(() => reader.read({ type: 'response.failed', response: response({ status: 'failed', error: { code: 'server_error', message: 'overloaded' } }) }), { code: 'AI_PROVIDER_STREAM_ERROR', message: /overloaded/ })
  assert.throws(() => createOpenAiResponsesStreamReader(label).read({ type: 'error', code: 'ERR', message: 'bad things' }), { code: 'AI_PROVIDER_STREAM_ERROR', message: /bad things/ })
})

test('stream: reasoning that ran out of budget is given once, not again from the final response', function () {
  const item = { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'e' }
  const events = readAll([
    { type: 'response.output_item.added', output_index: 0, item: { ...item, encrypted_content: undefined } },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.incomplete', response: response({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [item] }) }
  ])
  assert.deepEqual(events.map((event) => event.type), ['reasoning', 'end'])
})

test('stream: two messages a blank line apart; text without its added event is not given twice; a call cut short is no call', function () {
  const events = readAll([
    { type: 'response.output_text.delta', output_index: 0, delta: 'Looking.' },
    { type: 'response.output_item.done', output_index: 0, item: { type: 'message', content: [{ type: 'output_text', text: 'Looking.' }] } },
    { type: 'response.output_item.added', output_index: 1, item: { type: 'message', content: [] } },
    { type: 'response.output_text.delta', output_index: 1, delta: 'Answer.' },
    { type: 'response.output_item.done', output_index: 1, item: { type: 'message', content: [{ type: 'output_text', text: 'Answer.' }] } },
    { type: 'response.output_item.added', output_index: 2, item: { type: 'function_call', call_id: 'c', name: 'f', arguments: '' } },
    { type: 'response.function_call_arguments.delta', output_index: 2, delta: '{"a":' },
    { type: 'response.output_item.done', output_index: 2, item: { type: 'function_call', call_id: 'c', name: 'f', arguments: '{"a":', status: 'incomplete' } },
    { type: 'response.incomplete', response: response({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }) }
  ])
  assert.deepEqual(events, [
    { type: 'delta', text: 'Looking.' },
    { type: 'delta', text: '\n\nAnswer.' },
    { type: 'end', result: 'INCOMPLETE_MAX_TOKENS' }
  ])
  const answer = fromOpenAiResponsesAnswer(response({
    status: 'incomplete',
    incomplete_details: { reason: 'max_output_tokens' },
    output: [
      { type: 'message', content: [{ type: 'output_text', text: 'Looking.' }] },
      { type: 'message', content: [{ type: 'output_text', text: 'Answer.' }] },
      { type: 'function_call', call_id: 'c', name: 'f', arguments: '{"a":', status: 'incomplete' }
    ]
  }), label)
  assert.deepEqual(answer, { text: 'Looking.\n\nAnswer.', result: 'INCOMPLETE_MAX_TOKENS' })
})
