// The Messages route in front of an Anthropic model (the mock's Anthropic Messages API), and of a
// chain that falls back from one.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type Anthropic from '@anthropic-ai/sdk'
import { OPENAI_MODEL, startAnthropicGateway } from './anthropic-gateway.ts'
import type { AnthropicGateway } from './anthropic-gateway.ts'

const CLAUDE_MODEL = 'anthropic:claude-sonnet-4-5'

const WEATHER_TOOL = {
  name: 'weather',
  description: 'The weather in a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] }
}

async function startClaudeGateway (t: import('node:test').TestContext): Promise<AnthropicGateway> {
  return startAnthropicGateway(t, {
    plugin: (mockUrl) => ({
      providers: {
        anthropic: { apiKey: 'test-key', baseUrl: mockUrl },
        openai: { apiKey: 'test-key', baseUrl: mockUrl }
      },
      models: [CLAUDE_MODEL, OPENAI_MODEL],
      openai: { aliases: { 'claude-sonnet': [CLAUDE_MODEL, OPENAI_MODEL] } }
    })
  })
}

test('a two-step tool loop with thinking: the thinking block and its signature go back to Claude unchanged (JSON)', async (t) => {
  const { client, mock } = await startClaudeGateway(t)
  mock.enqueue('claude-sonnet-4-5', { thinking: 'The user wants the weather: call the tool.', toolCalls: [{ id: 'toolu_1', name: 'weather', arguments: '{"city":"Rome"}' }] })
  const request = { model: 'claude-sonnet-4-5', max_tokens: 4096, thinking: { type: 'enabled' as const, budget_tokens: 2048 }, tools: [WEATHER_TOOL] }
  const first = await client.messages.create({ ...request, messages: [{ role: 'user', content: 'Weather in Rome?' }] })
  assert.equal(first.model, CLAUDE_MODEL)
  assert.equal(first.stop_reason, 'tool_use')
  assert.deepEqual(first.content.map((block) => block.type), ['thinking', 'tool_use'])
  const thinking = first.content[0] as Anthropic.ThinkingBlock
  assert.equal(thinking.thinking, 'The user wants the weather: call the tool.')
  assert.ok(thinking.signature.length > 0)
  assert.deepEqual(mock.requests[0].body.thinking, { type: 'enabled', budget_tokens: 2048 })

  // The mock refuses (400) a tool loop whose thinking block did not come back with its signature.
  const second = await client.messages.create({
    ...request,
    messages: [
      { role: 'user', content: 'Weather in Rome?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'clear', is_error: false }] }
    ]
  })
  assert.equal(second.stop_reason, 'end_turn')
  const sent = mock.requests[1].body.messages[1].content
  assert.deepEqual(sent[0], { type: 'thinking', thinking: thinking.thinking, signature: thinking.signature })
  assert.equal(sent[1].type, 'tool_use')
})

test('a streamed tool loop with thinking: thinking_delta and signature_delta reach the client, which sends them back', async (t) => {
  const { client, mock } = await startClaudeGateway(t)
  mock.enqueue('claude-sonnet-4-5', { thinking: 'Think first.', text: 'Checking.', toolCalls: [{ id: 'toolu_9', name: 'weather', arguments: '{"city":"Oslo"}' }] })
  const request = { model: 'claude-sonnet', max_tokens: 4096, thinking: { type: 'enabled' as const, budget_tokens: 1024 }, tools: [WEATHER_TOOL] }
  const stream = client.messages.stream({ ...request, messages: [{ role: 'user', content: 'Weather in Oslo?' }] })
  const deltas: string[] = []
  stream.on('streamEvent', (event) => { if (event.type === 'content_block_delta') deltas.push(event.delta.type) })
  const first = await stream.finalMessage()
  // In Claude's own order: the thinking block first, then the text and the call it led to.
  assert.deepEqual(first.content.map((block) => block.type), ['thinking', 'text', 'tool_use'])
  assert.ok(deltas.includes('thinking_delta') && deltas.includes('signature_delta') && deltas.includes('input_json_delta'))

  const next = client.messages.stream({
    ...request,
    messages: [
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9', content: 'snow' }] }
    ]
  })
  const second = await next.finalMessage()
  assert.equal(second.stop_reason, 'end_turn')
  // Claude gets its thinking block first, whatever order the client kept the blocks in.
  assert.equal(mock.requests[1].body.messages[1].content[0].type, 'thinking')
})

test('a 529 overloaded before the first byte falls back to the next model: the client never sees it', async (t) => {
  const { client, mock } = await startClaudeGateway(t)
  mock.enqueue('claude-sonnet-4-5', { status: 529 })
  const stream = client.messages.stream({ model: 'claude-sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] })
  const message = await stream.finalMessage()
  assert.deepEqual(message.content, [{ type: 'text', text: 'Echo: hello' }])
  assert.equal(message.model, OPENAI_MODEL)
  assert.deepEqual(mock.requests.map((request) => request.provider), ['anthropic', 'openai'])
})

test('a request shaped like Claude Code\'s goes through end to end', async (t) => {
  const { baseURL, mock } = await startClaudeGateway(t)
  const tools = Array.from({ length: 20 }, (_, index) => ({
    name: `Tool${index}`,
    description: `Tool number ${index}`,
    input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false, $schema: 'http://json-schema.org/draft-07/schema#' }
  }))
  Object.assign(tools[19], { cache_control: { type: 'ephemeral' } })
  const response = await fetch(`${baseURL}/v1/messages?beta=true`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer sk-ant-placeholder',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
      'x-app': 'cli',
      'user-agent': 'claude-cli/2.0.0 (external, cli)'
    },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 32000,
      stream: true,
      temperature: 1,
      metadata: { user_id: 'user_abc_account__session_123' },
      thinking: { type: 'enabled', budget_tokens: 31999 },
      system: [
        { type: 'text', text: 'You are Claude Code, Anthropic\'s official CLI for Claude.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'You are an interactive CLI tool that helps users with software engineering tasks.', cache_control: { type: 'ephemeral' } }
      ],
      tools,
      messages: [{
        role: 'user',
        content: [
          { type: 'text', text: '<system-reminder>Context.</system-reminder>' },
          { type: 'text', text: 'List the files', cache_control: { type: 'ephemeral' } }
        ]
      }]
    })
  })
  assert.equal(response.status, 200)
  const text = await response.text()
  assert.match(text, /^event: message_start\n/)
  assert.match(text, /event: message_stop\ndata: {"type":"message_stop"}\n\n$/)
  const upstream = mock.requests[0]
  assert.equal(upstream.provider, 'anthropic')
  assert.deepEqual(upstream.body.system.map((block: { cache_control?: unknown }) => block.cache_control), [{ type: 'ephemeral' }, { type: 'ephemeral' }])
  assert.equal(upstream.body.tools.length, 20)
  assert.deepEqual(upstream.body.tools[19].cache_control, { type: 'ephemeral' })
  assert.deepEqual(upstream.body.thinking, { type: 'enabled', budget_tokens: 31999 })
  assert.deepEqual(upstream.body.messages[0].content[1], { type: 'text', text: 'List the files', cache_control: { type: 'ephemeral' } })
})

test('cache tokens of a Claude answer are in the usage, input_tokens without them', async (t) => {
  const { client, mock } = await startClaudeGateway(t)
  mock.enqueue('claude-sonnet-4-5', { usage: { promptTokens: 130, completionTokens: 5, cachedTokens: 100, cacheCreationTokens: 20 } })
  const message = await client.messages.create({ model: CLAUDE_MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] })
  assert.deepEqual(message.usage, { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 20, cache_read_input_tokens: 100 })
})
