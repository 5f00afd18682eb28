import { test } from 'node:test'
import assert from 'node:assert/strict'
import type OpenAI from 'openai'
import { GEMINI_MODEL, OPENAI_MODEL, startOpenAiGateway } from './openai-gateway.ts'

test('a non-streamed completion through the openai SDK has OpenAI\'s shape', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  const { data, response } = await client.chat.completions.create({
    model: OPENAI_MODEL,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: [{ type: 'text', text: 'second question' }] }
    ],
    temperature: 0.2,
    max_completion_tokens: 50,
    stop: ['END'],
    top_p: 0.5
  }).withResponse()

  assert.match(data.id, /^chatcmpl-[0-9a-f]{32}$/)
  assert.equal(data.object, 'chat.completion')
  assert.equal(typeof data.created, 'number')
  assert.equal(data.model, OPENAI_MODEL)
  assert.deepEqual(data.choices, [{
    index: 0,
    message: { role: 'assistant', content: 'Echo: second question', refusal: null },
    logprobs: null,
    finish_reason: 'stop'
  }])
  assert.ok(data.usage !== undefined && data.usage.total_tokens === data.usage.prompt_tokens + data.usage.completion_tokens)
  assert.match(response.headers.get('x-session-id') ?? '', /^[0-9a-f-]{36}$/)

  const upstream = mock.requests[0].body
  assert.equal(upstream.model, 'gpt-4o-mini')
  assert.equal(upstream.temperature, 0.2)
  assert.equal(upstream.top_p, 0.5)
  assert.deepEqual(upstream.stop, ['END'])
  assert.deepEqual(upstream.messages.map((message: { role: string, content: string }) => [message.role, message.content]), [
    ['system', 'Be brief.'],
    ['user', 'first question'],
    ['assistant', 'first answer'],
    ['user', 'second question']
  ])
})

test('a Gemini answer is translated to a chat.completion, with finish_reason length', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  mock.setBehaviour('gemini-2.5-flash', { text: 'cut short', finishReason: 'MAX_TOKENS' })
  const completion = await client.chat.completions.create({ model: GEMINI_MODEL, messages: [{ role: 'user', content: 'hi' }] })
  assert.equal(completion.object, 'chat.completion')
  assert.equal(completion.model, GEMINI_MODEL)
  assert.equal(completion.choices[0].message.content, 'cut short')
  assert.equal(completion.choices[0].finish_reason, 'length')
  assert.equal(mock.requests[0].provider, 'gemini')
})

test('a streamed completion sends role, content deltas, finish_reason and a usage chunk', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  mock.setBehaviour('gpt-4o-mini', { deltas: ['Hel', 'lo ', 'world'], usage: { promptTokens: 4, completionTokens: 3 } })
  const stream = await client.chat.completions.create({
    model: OPENAI_MODEL,
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true }
  })
  const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = []
  for await (const chunk of stream) chunks.push(chunk)

  assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0].id && chunk.model === OPENAI_MODEL))
  assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null })
  const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')
  assert.equal(text, 'Hello world')
  const finish = chunks.at(-2)
  assert.deepEqual(finish?.choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }])
  const usage = chunks.at(-1)
  assert.deepEqual(usage?.choices, [])
  assert.deepEqual(usage?.usage, { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 })
  assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null))
})

test('the stream is text/event-stream data frames ending with [DONE], without usage unless asked', async (t) => {
  const { baseURL, mock } = await startOpenAiGateway(t)
  mock.setBehaviour('gemini-2.5-flash', { deltas: ['a', 'b'] })
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: GEMINI_MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true })
  })
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/)
  assert.match(response.headers.get('x-session-id') ?? '', /^[0-9a-f-]{36}$/)
  const body = await response.text()
  const frames = body.split('\n\n').filter((frame) => frame !== '')
  assert.ok(frames.every((frame) => frame.startsWith('data: ')))
  assert.equal(frames.at(-1), 'data: [DONE]')
  const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice(6)))
  assert.deepEqual(chunks.map((chunk) => chunk.choices[0].delta.content ?? null), ['', 'a', 'b', null])
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop')
  assert.ok(chunks.every((chunk) => !('usage' in chunk) && chunk.model === GEMINI_MODEL))
})

test('GET /v1/models lists configured models, their bare names, aliases and default', async (t) => {
  const { client } = await startOpenAiGateway(t)
  const models = []
  for await (const model of client.models.list()) models.push(model)
  assert.deepEqual(models.map((model) => [model.id, model.object, model.owned_by]), [
    [OPENAI_MODEL, 'model', 'openai'],
    [GEMINI_MODEL, 'model', 'gemini'],
    ['gpt-4o-mini', 'model', 'openai'],
    ['gemini-2.5-flash', 'model', 'gemini'],
    ['default', 'model', 'ai-warp'],
    ['fast', 'model', 'ai-warp']
  ])
  const one = await client.models.retrieve(GEMINI_MODEL)
  assert.equal(one.id, GEMINI_MODEL)
})

test('a bare model name, as code written for OpenAI sends it, is the configured model of that name', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
  assert.equal(completion.model, OPENAI_MODEL)
  const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], stream: true })
  const chunks = []
  for await (const chunk of stream) chunks.push(chunk)
  assert.ok(chunks.length > 0 && chunks.every((chunk) => chunk.model === GEMINI_MODEL))
  assert.deepEqual(mock.requests.map((request) => [request.provider, request.model]), [['openai', 'gpt-4o-mini'], ['gemini', 'gemini-2.5-flash']])
  assert.equal((await client.models.retrieve('gpt-4o-mini')).owned_by, 'openai')
})

test('an alias tries its models in its order; default follows the configured order', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  const fast = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] })
  assert.equal(fast.model, GEMINI_MODEL)
  const fallback = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hi' }] })
  assert.equal(fallback.model, OPENAI_MODEL)
  assert.deepEqual(mock.requests.map((request) => request.provider), ['gemini', 'openai'])
})

test('when the first model fails with 500 the Gemini model answers, still OpenAI-shaped', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  mock.setBehaviour('gpt-4o-mini', { status: 500 })
  const completion = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'fall back' }] })
  assert.equal(completion.model, GEMINI_MODEL)
  assert.equal(completion.choices[0].message.content, 'Echo: fall back')
  assert.equal(completion.object, 'chat.completion')

  mock.setBehaviour('gpt-4o-mini', { status: 500 })
  const stream = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'fall back' }], stream: true })
  let text = ''
  let model = ''
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? ''
    model = chunk.model
  }
  assert.equal(text, 'Echo: fall back')
  assert.equal(model, GEMINI_MODEL)
})

test('x-session-id keeps the history on the server; only the new user message is the prompt', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  const first = await client.chat.completions.create({
    model: OPENAI_MODEL,
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'one' }]
  }).withResponse()
  const sessionId = first.response.headers.get('x-session-id') ?? ''

  const second = await client.chat.completions.create({
    model: OPENAI_MODEL,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'ignored copy of the history' },
      { role: 'assistant', content: 'ignored copy of the answer' },
      { role: 'user', content: 'two' }
    ]
  }, { headers: { 'x-session-id': sessionId } }).withResponse()
  assert.equal(second.response.headers.get('x-session-id'), sessionId)
  assert.equal(second.data.choices[0].message.content, 'Echo: two')

  const upstream = mock.requests[1].body.messages.map((message: { role: string, content: string }) => [message.role, message.content])
  assert.deepEqual(upstream, [['system', 'Be brief.'], ['user', 'one'], ['assistant', 'Echo: one'], ['user', 'two']])

  const stream = await client.chat.completions.create({
    model: OPENAI_MODEL, messages: [{ role: 'user', content: 'three' }], stream: true
  }, { headers: { 'x-session-id': sessionId } })
  for await (const chunk of stream) assert.equal(chunk.object, 'chat.completion.chunk')
  assert.equal(mock.requests[2].body.messages.at(-2).content, 'Echo: two')
})

test('a stream sent on a session whose answer is still streaming ends that one with an in-band AI_STREAM_SUPERSEDED error', async (t) => {
  const { client, mock } = await startOpenAiGateway(t)
  const first = await client.chat.completions.create({ model: OPENAI_MODEL, messages: [{ role: 'user', content: 'one' }] }).withResponse()
  const sessionId = first.response.headers.get('x-session-id') ?? ''
  // The next answer stalls after one delta: it is still streaming when the third request comes.
  mock.enqueue('gpt-4o-mini', { deltas: ['slow ', 'answer'], stallAfter: 1 })
  const slow = await client.chat.completions.create({ model: OPENAI_MODEL, messages: [{ role: 'user', content: 'two' }], stream: true }, { headers: { 'x-session-id': sessionId } })
  const slowChunks = slow[Symbol.asyncIterator]()
  assert.equal((await slowChunks.next()).value?.object, 'chat.completion.chunk')
  const fresh = await client.chat.completions.create({ model: OPENAI_MODEL, messages: [{ role: 'user', content: 'three' }], stream: true }, { headers: { 'x-session-id': sessionId } })
  let text = ''
  for await (const chunk of fresh) text += chunk.choices[0]?.delta?.content ?? ''
  assert.equal(text, 'Echo: three')
  const failure = await (async () => {
    try {
      for (let next = await slowChunks.next(); next.done !== true; next = await slowChunks.next());
    } catch (error) {
      return error as { code?: string }
    }
  })()
  assert.equal(failure?.code, 'AI_STREAM_SUPERSEDED')
})

test('the Vercel AI SDK via @ai-sdk/openai-compatible generates and streams', async (t) => {
  const { baseURL, mock } = await startOpenAiGateway(t)
  const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible')
  const { generateText, streamText } = await import('ai')
  const gateway = createOpenAICompatible({ name: 'ai-warp', baseURL, apiKey: 'unused', includeUsage: true })

  const generated = await generateText({ model: gateway(OPENAI_MODEL), system: 'Be brief.', prompt: 'hello', maxRetries: 0 })
  assert.equal(generated.text, 'Echo: hello')
  assert.equal(generated.finishReason, 'stop')
  assert.equal(typeof generated.usage.inputTokens, 'number')
  assert.equal(mock.requests[0].body.messages[0].content, 'Be brief.')

  mock.setBehaviour('gemini-2.5-flash', { deltas: ['streamed ', 'text'], usage: { promptTokens: 2, completionTokens: 2 } })
  const streamed = streamText({ model: gateway(GEMINI_MODEL), prompt: 'go', maxRetries: 0 })
  let text = ''
  for await (const delta of streamed.textStream) text += delta
  assert.equal(text, 'streamed text')
  const usage = await streamed.usage
  assert.equal(usage.outputTokens, 2)
  assert.equal(await streamed.finishReason, 'stop')
})
