// Vercel's AI SDK (`ai` + `@ai-sdk/openai-compatible`) through /v1/chat/completions: its tool
// loop, streamed tool calls and structured output, over real HTTP against the mock provider.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai'
import { z } from 'zod'
import { GEMINI_MODEL, OPENAI_MODEL, startOpenAiGateway } from './openai-gateway.ts'

function weatherTool (seen: string[]) {
  return tool({
    description: 'The weather in a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async function getWeather ({ city }) {
      seen.push(city)
      return { city, temperature: 21 }
    }
  })
}

for (const [model, upstream] of [[OPENAI_MODEL, 'gpt-4o-mini'], [GEMINI_MODEL, 'gemini-2.5-flash']]) {
  test(`${model}: a multi-step generateText runs the tools the model called and stops with its answer`, async (t) => {
    const { baseURL, mock } = await startOpenAiGateway(t)
    mock.enqueue(upstream, { toolCalls: [{ id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }, { id: 'call_2', name: 'weather', arguments: '{"city":"Rome"}' }] })
    const gateway = createOpenAICompatible({ name: 'ai-warp', baseURL, apiKey: 'unused' })
    const seen: string[] = []
    const result = await generateText({
      model: gateway(model),
      prompt: 'Weather in Paris and Rome?',
      tools: { weather: weatherTool(seen) },
      stopWhen: stepCountIs(4),
      maxRetries: 0
    })
    assert.deepEqual(seen, ['Paris', 'Rome'])
    assert.equal(result.steps.length, 2)
    assert.equal(result.steps[0].finishReason, 'tool-calls')
    assert.equal(result.finishReason, 'stop')
    assert.match(result.text, /^Echo: /)
    assert.equal(mock.requests.length, 2)
  })
}

test('streamText with tools streams the calls, runs them and streams the next step', async (t) => {
  const { baseURL, mock } = await startOpenAiGateway(t)
  mock.enqueue('gemini-2.5-flash', { toolCalls: [{ name: 'weather', arguments: '{"city":"Oslo"}', thoughtSignature: 'c2lnLW9zbG8' }] })
  mock.enqueue('gemini-2.5-flash', { deltas: ['Cold ', 'in ', 'Oslo.'], requireThoughtSignatures: true })
  const gateway = createOpenAICompatible({ name: 'ai-warp', baseURL, apiKey: 'unused', includeUsage: true })
  const seen: string[] = []
  const result = streamText({
    model: gateway(GEMINI_MODEL),
    prompt: 'Weather in Oslo?',
    tools: { weather: weatherTool(seen) },
    stopWhen: stepCountIs(3),
    maxRetries: 0
  })
  const calls: unknown[] = []
  let text = ''
  for await (const part of result.fullStream) {
    if (part.type === 'tool-call') calls.push([part.toolName, part.input])
    if (part.type === 'text-delta') text += part.text
    if (part.type === 'error') throw part.error
  }
  assert.deepEqual(calls, [['weather', { city: 'Oslo' }]])
  assert.deepEqual(seen, ['Oslo'])
  assert.equal(text, 'Cold in Oslo.')
  assert.equal(await result.finishReason, 'stop')
  // The SDK echoed only the id it was given: the signature rode inside it.
  const replayed = mock.requests[1].body.contents.flatMap((content: { parts: unknown[] }) => content.parts)
  assert.ok(replayed.some((part: { functionCall?: unknown, thoughtSignature?: string }) => part.functionCall !== undefined && part.thoughtSignature === 'c2lnLW9zbG8'))
})

test('generateObject with a zod schema sends a json_schema response_format and parses the answer', async (t) => {
  const { baseURL, mock } = await startOpenAiGateway(t)
  const event = { name: 'Science fair', date: 'Friday', participants: ['Alice', 'Bob'] }
  mock.enqueue('gpt-4o-mini', { text: JSON.stringify(event) })
  const gateway = createOpenAICompatible({ name: 'ai-warp', baseURL, apiKey: 'unused', supportsStructuredOutputs: true })
  const { object } = await generateObject({
    model: gateway(OPENAI_MODEL),
    schema: z.object({ name: z.string(), date: z.string(), participants: z.array(z.string()) }),
    schemaName: 'calendar_event',
    prompt: 'Alice and Bob are going to a science fair on Friday.',
    maxRetries: 0
  })
  assert.deepEqual(object, event)
  const format = mock.requests[0].body.response_format
  assert.equal(format.type, 'json_schema')
  assert.equal(format.json_schema.name, 'calendar_event')
  assert.deepEqual(Object.keys(format.json_schema.schema.properties), ['name', 'date', 'participants'])
})
