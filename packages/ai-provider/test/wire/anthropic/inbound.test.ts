// The client-direction translators of the Anthropic wire folder: the request reader, the answer
// and stream writers, the error table and the tool-use id codec.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AiResult, AiStreamEvent } from '../../../src/types.ts'
import { fromAnthropicCountTokensRequest, fromAnthropicRequest } from '../../../src/wire/anthropic/from-anthropic-request.ts'
import { TO_ANTHROPIC_STOP_REASONS, toAnthropicAnswer, toAnthropicUsage } from '../../../src/wire/anthropic/to-anthropic-answer.ts'
import { createAnthropicStreamWriter } from '../../../src/wire/anthropic/to-anthropic-stream.ts'
import { toAnthropicError } from '../../../src/wire/anthropic/to-anthropic-error.ts'
import { decodeToolUseId, encodeToolUseId } from '../../../src/wire/anthropic/anthropic-tool-use-id.ts'
import { ANTHROPIC_STOP_REASONS } from '../../../src/wire/anthropic/anthropic-stop-reasons.ts'
import { AiBadRequestError, AiModelNotConfiguredError, AiNoModelsAvailableError } from '../../../src/errors.ts'

const SIGNATURE = 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds'

test('a request with system blocks, every block type, tools and thinking is read into the conversation', () => {
  const input = fromAnthropicRequest({
    model: 'claude-sonnet-4-5',
    max_tokens: 4096,
    stream: true,
    system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
    thinking: { type: 'enabled', budget_tokens: 2048 },
    metadata: { user_id: 'u-1' },
    tools: [{ name: 'weather', description: 'Weather', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
    tool_choice: { type: 'any', disable_parallel_tool_use: true },
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' }
        ]
      },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'Call it.', signature: SIGNATURE },
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Rome' } }
        ]
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'clear' }], is_error: true }, { type: 'text', text: 'And?' }] }
    ]
  })
  assert.deepEqual(input, {
    model: 'claude-sonnet-4-5',
    stream: true,
    maxTokens: 4096,
    thinking: { budgetTokens: 2048 },
    userId: 'u-1',
    tools: [{ name: 'weather', description: 'Weather', parameters: { type: 'object' }, providerData: { anthropic: { cacheControl: { type: 'ephemeral' } } } }],
    toolChoice: 'required',
    parallelToolCalls: false,
    messages: [
      { role: 'system', content: 'Be brief.', providerData: { anthropic: { cacheControl: { type: 'ephemeral' } } } },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=', mediaType: 'image/png' },
          { type: 'file', data: 'JVBERi0=', mediaType: 'application/pdf', filename: 'a.pdf' }
        ]
      },
      {
        role: 'assistant',
        content: 'Checking.',
        toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Rome"}' }],
        reasoning: [
          { text: 'Call it.', providerData: { anthropic: { signature: SIGNATURE } } },
          { text: '', providerData: { anthropic: { redactedData: 'opaque' } } }
        ]
      },
      { role: 'tool', toolCallId: 'toolu_1', content: 'clear', providerData: { anthropic: { isError: true } } },
      { role: 'user', content: 'And?' }
    ]
  })
})

test('every refused field is a 400 naming it in Anthropic\'s terms', () => {
  const base = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...base, max_tokens: undefined }, 'max_tokens'],
    [{ ...base, model: '' }, 'model'],
    [{ ...base, top_k: 3 }, 'top_k'],
    [{ ...base, service_tier: 'priority' }, 'service_tier'],
    [{ ...base, mcp_servers: [{}] }, 'mcp_servers'],
    [{ ...base, thinking: { type: 'adaptive' } }, 'thinking.type'],
    [{ ...base, thinking: { type: 'enabled', budget_tokens: 100 } }, 'thinking.budget_tokens'],
    [{ ...base, metadata: { tenant: 'x' } }, 'metadata.tenant'],
    [{ ...base, output_config: { effort: 'high' } }, 'output_config.effort'],
    [{ ...base, tools: [{ name: 'a', input_schema: { type: 'object' } }, { name: 'a', input_schema: { type: 'object' } }] }, 'tools.1.name'],
    [{ ...base, tool_choice: { type: 'any' } }, 'tool_choice'],
    [{ ...base, tool_choice: { type: 'maybe' } }, 'tool_choice.type'],
    [{ ...base, messages: [{ role: 'system', content: 'x' }] }, 'messages.0.role'],
    [{ ...base, messages: [{ role: 'user', content: 'x', name: 'n' }] }, 'messages.0.name'],
    [{ ...base, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'b', input: {} }] }] }, 'messages.0.content.0.type'],
    [{ ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'x', citations: [{}] }] }] }, 'messages.0.content.0.citations'],
    [{ ...base, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://x/a.pdf' } }] }] }, 'messages.0.content.0.source.type'],
    [{ ...base, messages: [{ role: 'user', content: [] }] }, 'messages.0.content'],
    [{ ...base, system: [{ type: 'image' }] }, 'system.0.type']
  ]
  for (const [body, param] of cases) {
    assert.throws(() => fromAnthropicRequest(body), (error: Error & { param?: string, code?: string, statusCode?: number }) => {
      assert.equal(error.param, param, JSON.stringify(body))
      assert.equal(error.code, 'AI_BAD_REQUEST')
      assert.equal(error.statusCode, 400)
      assert.ok(error.message.startsWith(`${param}: `), error.message)
      return true
    })
  }
})

test('output_format is a JSON schema response format; count_tokens needs no max_tokens', () => {
  const schema = { type: 'object', properties: { a: { type: 'string' } } }
  assert.deepEqual(fromAnthropicRequest({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }], output_format: { type: 'json_schema', schema } }).responseFormat, { type: 'json_schema', name: 'response', schema })
  const counted = fromAnthropicCountTokensRequest({ model: 'm', system: 'S', messages: [{ role: 'user', content: 'x' }] })
  assert.deepEqual(counted.messages, [{ role: 'system', content: 'S' }, { role: 'user', content: 'x' }])
  assert.throws(() => fromAnthropicCountTokensRequest({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), /max_tokens: Extra inputs/)
})

test('every result has a stop reason, and Anthropic\'s own stop reasons read back to the same result', () => {
  for (const [result, stopReason] of Object.entries(TO_ANTHROPIC_STOP_REASONS)) {
    assert.equal(ANTHROPIC_STOP_REASONS[stopReason], result)
  }
  assert.deepEqual(Object.keys(TO_ANTHROPIC_STOP_REASONS).sort(), ['COMPLETE', 'INCOMPLETE_MAX_TOKENS', 'INCOMPLETE_UNKNOWN', 'TOOL_CALLS'] satisfies AiResult[])
})

test('an answer has thinking, text and tool_use blocks in that order, and usage without the cached tokens', () => {
  const message = toAnthropicAnswer({
    text: 'Checking.',
    result: 'TOOL_CALLS',
    sessionId: 's',
    model: 'gemini:g',
    reasoning: [{ text: 'Hmm.', providerData: { anthropic: { signature: SIGNATURE } } }, { text: '', providerData: { anthropic: { redactedData: 'opaque' } } }],
    toolCalls: [{ id: 'c1', name: 'weather', arguments: '{"city":"Rome"}', providerData: { gemini: { thoughtSignature: 'sig' } } }, { id: 'c2', name: 'noop', arguments: 'not json' }],
    usage: { promptTokens: 130, completionTokens: 5, totalTokens: 135, cachedPromptTokens: 100, cacheCreationTokens: 20 }
  }, { id: 'msg_1', model: 'gemini:g' })
  assert.deepEqual(message.content.map((block) => block.type), ['thinking', 'redacted_thinking', 'text', 'tool_use', 'tool_use'])
  const call = message.content[3] as { id: string, input: unknown }
  assert.deepEqual(decodeToolUseId(call.id), { id: 'c1', providerData: { gemini: { thoughtSignature: 'sig' } } })
  assert.deepEqual((message.content[4] as { input: unknown }).input, {})
  assert.equal(message.stop_reason, 'tool_use')
  assert.deepEqual(message.usage, { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 20, cache_read_input_tokens: 100 })
  assert.deepEqual(toAnthropicUsage(undefined), { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 })
})

test('the stream writer gives the exact event sequence, a call never twice, nothing after the end', () => {
  const writer = createAnthropicStreamWriter({ id: 'msg_1', model: 'm' }, { inputTokens: 7 })
  const events: AiStreamEvent[] = [
    { type: 'content', id: '1', text: 'Hi' },
    { type: 'content', id: '2', text: '' },
    { type: 'content', id: '3', text: ' there' },
    { type: 'tool_call', id: '4', index: 0, toolCall: { id: 'c1', name: 'a', arguments: '{"x":1}' } },
    { type: 'end', id: '5', result: 'TOOL_CALLS', sessionId: 's', model: 'm', toolCalls: [{ id: 'c1', name: 'a', arguments: '{"x":1}' }, { id: 'c2', name: 'b', arguments: '{}' }], reasoning: [{ text: 'T', providerData: { anthropic: { signature: SIGNATURE } } }] },
    { type: 'content', id: '6', text: 'late' }
  ]
  const written = [...writer.start(), ...events.flatMap((event) => writer.write(event))]
  assert.deepEqual(written.map((event) => event.type + ('index' in event ? `:${event.index}` : '') + ('delta' in event && 'type' in event.delta ? `:${event.delta.type}` : '')), [
    'message_start',
    'content_block_start:0', 'content_block_delta:0:text_delta', 'content_block_delta:0:text_delta', 'content_block_stop:0',
    'content_block_start:1', 'content_block_delta:1:input_json_delta', 'content_block_stop:1',
    'content_block_start:2', 'content_block_delta:2:input_json_delta', 'content_block_stop:2',
    'content_block_start:3', 'content_block_delta:3:thinking_delta', 'content_block_delta:3:signature_delta', 'content_block_stop:3',
    'message_delta', 'message_stop'
  ])
  assert.deepEqual(written[0], { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 7, output_tokens: 0 } } })
  assert.deepEqual(written.at(-2), { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } })

  const failing = createAnthropicStreamWriter({ id: 'msg_2', model: 'm' })
  assert.deepEqual(failing.write({ type: 'error', id: '1', code: 'AI_PROVIDER_STREAM_ERROR', message: 'boom' }), [{ type: 'error', error: { type: 'api_error', message: 'boom' } }])
  assert.deepEqual(failing.write({ type: 'content', id: '2', text: 'x' }), [])
})

test('errors take Anthropic\'s status and type; unknown failures say nothing more', () => {
  const rows: Array<[unknown, number, string]> = [
    [new AiBadRequestError('x'), 400, 'invalid_request_error'],
    [new AiModelNotConfiguredError('m'), 404, 'not_found_error'],
    [new AiNoModelsAvailableError('all failed'), 529, 'overloaded_error'],
    [{ code: 'AI_UNAUTHORIZED', statusCode: 401, message: 'no' }, 401, 'authentication_error'],
    [{ code: 'AI_FORBIDDEN', statusCode: 403, message: 'no' }, 403, 'permission_error'],
    [{ code: 'AI_BODY_TOO_LARGE', statusCode: 413, message: 'big' }, 413, 'request_too_large'],
    [{ code: 'AI_CALLER_RATE_LIMITED', statusCode: 429, message: 'slow', retryAfter: 2.5 }, 429, 'rate_limit_error'],
    [{ code: 'AI_PROVIDER_TIMEOUT', statusCode: 504, message: 'late' }, 504, 'timeout_error'],
    [{ code: 'AI_REQUEST_TIMEOUT', statusCode: 408, message: 'slow body' }, 408, 'invalid_request_error'],
    [new Error('secret detail'), 500, 'api_error']
  ]
  for (const [error, statusCode, type] of rows) {
    const answer = toAnthropicError(error, 'req_1')
    assert.equal(answer.statusCode, statusCode, type)
    assert.equal(answer.body.error.type, type)
    assert.equal(answer.body.request_id, 'req_1')
  }
  assert.equal(toAnthropicError(new Error('secret detail')).body.error.message, 'Internal server error')
  assert.equal(toAnthropicError({ code: 'AI_CALLER_RATE_LIMITED', statusCode: 429, message: 'slow', retryAfter: 2.5 }).retryAfter, 3)
})

test('the tool-use id codec: ids with provider data round-trip in Anthropic\'s alphabet, others pass through', () => {
  const providerData = { gemini: { thoughtSignature: 'a/b+c==' } }
  const encoded = encodeToolUseId('call__aiw1__x', providerData)
  assert.match(encoded, /^[a-zA-Z0-9_-]+$/)
  assert.deepEqual(decodeToolUseId(encoded), { id: 'call__aiw1__x', providerData })
  assert.equal(encodeToolUseId('toolu_1', undefined), 'toolu_1')
  assert.equal(encodeToolUseId('toolu_1', {}), 'toolu_1')
  for (const id of ['toolu_1', 'a__aiw1__', 'a__aiw1__bm90IGpzb24', 'a__aiw1__' + Buffer.from('[1]').toString('base64url')]) {
    assert.deepEqual(decodeToolUseId(id), { id })
  }
})
