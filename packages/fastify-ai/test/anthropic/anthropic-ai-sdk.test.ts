// Vercel's AI SDK with its Anthropic provider pointed at the gateway.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createAnthropic } from '@ai-sdk/anthropic'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import { generateText, stepCountIs, streamText, tool } from 'ai'
import { z } from 'zod'
import { OPENAI_MODEL, startAnthropicGateway } from './anthropic-gateway.ts'

test('@ai-sdk/anthropic: a multi-step generateText with a tool, and streamText, answered by an OpenAI-format model', async (t) => {
  const { baseURL, mock } = await startAnthropicGateway(t)
  const anthropic = createAnthropic({ baseURL: `${baseURL}/v1`, apiKey: 'unused' })
  mock.enqueue('gpt-4o-mini', { toolCalls: [{ id: 'call_w', name: 'weather', arguments: '{"city":"Rome"}' }] }, { text: 'Sunny in Rome.' })
  const result = await generateText({
    model: anthropic(OPENAI_MODEL),
    prompt: 'Weather in Rome?',
    tools: {
      weather: tool({
        description: 'The weather in a city',
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => ({ city, sky: 'clear' })
      })
    },
    stopWhen: stepCountIs(3)
  })
  assert.equal(result.text, 'Sunny in Rome.')
  assert.equal(result.steps.length, 2)
  assert.deepEqual(result.steps[0].toolCalls.map((call) => [call.toolName, call.input]), [['weather', { city: 'Rome' }]])
  const second = mock.requests[1].body.messages
  assert.deepEqual(second.at(-1), { role: 'tool', tool_call_id: 'call_w', content: '{"city":"Rome","sky":"clear"}' })

  mock.setBehaviour('gpt-4o-mini', { deltas: ['one ', 'two'] })
  const streamed = streamText({ model: anthropic(OPENAI_MODEL), prompt: 'count' })
  assert.equal(await streamed.text, 'one two')
  assert.equal(await streamed.finishReason, 'stop')
})

test('@ai-sdk/anthropic and the Vercel AI SDK\'s OpenAI-compatible provider, answered by a Claude model: tool loop with thinking, and a stream', async (t) => {
  const { baseURL, mock } = await startAnthropicGateway(t, {
    plugin: (mockUrl) => ({
      providers: { anthropic: { apiKey: 'sk-ant', baseUrl: mockUrl } },
      models: ['anthropic:claude-sonnet-4-5'],
      openai: { aliases: {} }
    })
  })
  const weather = tool({
    description: 'The weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, sky: 'clear' })
  })
  const anthropic = createAnthropic({ baseURL: `${baseURL}/v1`, apiKey: 'unused' })
  mock.enqueue('claude-sonnet-4-5', { thinking: 'Look it up.', toolCalls: [{ id: 'toolu_w', name: 'weather', arguments: '{"city":"Rome"}' }] }, { text: 'Sunny in Rome.' })
  const result = await generateText({ model: anthropic('claude-sonnet-4-5'), prompt: 'Weather in Rome?', tools: { weather }, stopWhen: stepCountIs(3) })
  assert.equal(result.text, 'Sunny in Rome.')
  assert.deepEqual(result.steps[0].toolCalls.map((call) => [call.toolName, call.input]), [['weather', { city: 'Rome' }]])
  // The signed thinking block went back to Claude with the tool result, as its API requires.
  const second = mock.requests[1].body.messages
  assert.equal(second[1].content[0].type, 'thinking')
  assert.deepEqual(second[2].content[0], { type: 'tool_result', tool_use_id: 'toolu_w', content: '{"city":"Rome","sky":"clear"}' })

  const openai = createOpenAICompatible({ name: 'gateway', baseURL: `${baseURL}/v1`, apiKey: 'unused' })
  mock.setBehaviour('claude-sonnet-4-5', { deltas: ['one ', 'two'] })
  const streamed = streamText({ model: openai('claude-sonnet-4-5'), prompt: 'count' })
  assert.equal(await streamed.text, 'one two')
  assert.equal(mock.requests.at(-1)?.path, '/v1/messages')
})
