// The Responses API over real HTTP with the openai package: a gateway on the mock provider, answered
// by an OpenAI chat-format model, a Gemini-format model, and an OpenAI model reached through the
// Responses API itself (`api: "responses"`: the pass-through of the same format).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import OpenAI from 'openai'
import { GEMINI_MODEL, OPENAI_MODEL, RESPONSES_MODEL, startOpenAiGateway } from '../openai/openai-gateway.ts'

const WEATHER_TOOL = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false
}

for (const model of [OPENAI_MODEL, GEMINI_MODEL, RESPONSES_MODEL]) {
  const bare = model.slice(model.indexOf(':') + 1)

  test(`responses.create answers text (${model})`, async (t) => {
    const { client, mock } = await startOpenAiGateway(t, { withResponsesApi: true })
    mock.setBehaviour(bare, { text: 'Hello there', usage: { promptTokens: 7, completionTokens: 2, cachedTokens: 3, reasoningTokens: 1 } })
    const response = await client.responses.create({ model, input: 'Say hello', instructions: 'Be brief', metadata: { run: 'a' } })
    assert.equal(response.object, 'response')
    assert.match(response.id, /^resp_/)
    assert.equal(response.status, 'completed')
    assert.equal(response.output_text, 'Hello there')
    assert.equal(response.model, model)
    assert.equal(response.instructions, 'Be brief')
    assert.deepEqual(response.metadata, { run: 'a' })
    assert.equal(response.usage?.input_tokens, 7)
    // Gemini counts thoughts apart from the candidates; both are output tokens.
    assert.equal(response.usage?.output_tokens, model === GEMINI_MODEL ? 3 : 2)
    assert.equal(response.usage?.input_tokens_details.cached_tokens, 3)
    assert.equal(response.usage?.output_tokens_details.reasoning_tokens, 1)
    assert.equal(response.output[0].type, 'message')

    const again = await client.responses.retrieve(response.id)
    assert.deepEqual(again.output, response.output)
    assert.equal(again.status, 'completed')
  })

  test(`responses.create with tools: a function_call_output round trip (${model})`, async (t) => {
    const { client, mock } = await startOpenAiGateway(t, { withResponsesApi: true })
    mock.enqueue(bare, { toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }] }, { text: 'Sunny in Paris' })
    const first = await client.responses.create({ model, input: 'Weather in Paris?', tools: [WEATHER_TOOL] })
    const call = first.output.find((item) => item.type === 'function_call')
    assert.ok(call !== undefined && call.type === 'function_call')
    assert.equal(call.name, 'get_weather')
    assert.equal(call.arguments, '{"city":"Paris"}')
    assert.equal(first.status, 'completed')

    const second = await client.responses.create({
      model,
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"sky":"clear"}' }],
      tools: [WEATHER_TOOL]
    })
    assert.equal(second.output_text, 'Sunny in Paris')
    assert.equal(second.previous_response_id, first.id)
    // The stored conversation reached the model: the call and its result.
    const sent = JSON.stringify(mock.requests.at(-1)?.body)
    assert.ok(sent.includes('Weather in Paris?'))
    assert.ok(sent.includes('clear'))
  })

  test(`responses.create with a json_schema text format (${model})`, async (t) => {
    const { client, mock } = await startOpenAiGateway(t, { withResponsesApi: true })
    mock.setBehaviour(bare, { text: '{"name":"Ada"}' })
    const response = await client.responses.create({
      model,
      input: 'Who?',
      text: { format: { type: 'json_schema', name: 'person', schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }, strict: true } }
    })
    assert.deepEqual(JSON.parse(response.output_text), { name: 'Ada' })
    assert.equal(response.text?.format?.type, 'json_schema')
    const body = JSON.stringify(mock.requests[0].body)
    assert.ok(body.includes('person') || body.includes('application/json'), 'the schema reached the provider')
  })

  test(`responses.stream gives the typed events in order (${model})`, async (t) => {
    const { client, mock } = await startOpenAiGateway(t, { withResponsesApi: true })
    mock.setBehaviour(bare, { deltas: ['Hel', 'lo ', 'world'] })
    const stream = client.responses.stream({ model, input: 'Greet' })
    const types: string[] = []
    const sequence: number[] = []
    for await (const event of stream) {
      types.push(event.type)
      sequence.push(event.sequence_number)
    }
    const final = await stream.finalResponse()
    assert.equal(final.output_text, 'Hello world')
    assert.equal(final.status, 'completed')
    assert.deepEqual(sequence, sequence.map((_, index) => index))
    assert.equal(types[0], 'response.created')
    assert.equal(types[1], 'response.in_progress')
    assert.equal(types.at(-1), 'response.completed')
    for (const type of ['response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done']) {
      assert.ok(types.includes(type), type)
    }
  })

  test(`responses.stream with a tool call (${model})`, async (t) => {
    const { client, mock } = await startOpenAiGateway(t, { withResponsesApi: true })
    mock.setBehaviour(bare, { toolCalls: [{ id: 'call_s1', name: 'get_weather', arguments: '{"city":"Rome"}' }] })
    const stream = client.responses.stream({ model, input: 'Weather in Rome?', tools: [WEATHER_TOOL] })
    const types: string[] = []
    for await (const event of stream) types.push(event.type)
    const final = await stream.finalResponse()
    const call = final.output.find((item) => item.type === 'function_call')
    assert.ok(call !== undefined && call.type === 'function_call')
    assert.equal(call.arguments, '{"city":"Rome"}')
    assert.ok(types.includes('response.function_call_arguments.delta'))
    assert.ok(types.includes('response.function_call_arguments.done'))
  })
}

test('max_output_tokens reached: status incomplete with its reason', async (t) => {
  const { client, mock } = await startOpenAiGateway(t, { withResponsesApi: true })
  mock.setBehaviour('gpt-4o-mini', { text: 'cut', finishReason: 'length' })
  const response = await client.responses.create({ model: OPENAI_MODEL, input: 'Long story', max_output_tokens: 16 })
  assert.equal(response.status, 'incomplete')
  assert.equal(response.incomplete_details?.reason, 'max_output_tokens')
})

test('store: false keeps nothing; DELETE forgets; cancel is refused', async (t) => {
  const { client, app } = await startOpenAiGateway(t)
  const ephemeral = await client.responses.create({ model: OPENAI_MODEL, input: 'Forget me', store: false })
  assert.equal((ephemeral as unknown as { store: boolean }).store, false)
  await assert.rejects(client.responses.retrieve(ephemeral.id), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 404)

  const kept = await client.responses.create({ model: OPENAI_MODEL, input: 'Keep me' })
  await assert.rejects(client.responses.cancel(kept.id), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 400)
  const deleted = await app.inject({ method: 'DELETE', url: `/v1/responses/${kept.id}` })
  assert.equal(deleted.statusCode, 200)
  assert.equal(deleted.json().deleted, true)
  await assert.rejects(client.responses.retrieve(kept.id), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 404 && (error.error as { code?: string }).code === 'AI_RESPONSE_NOT_FOUND')
})

test('previous_response_id of a response that is not the latest is refused', async (t) => {
  const { client } = await startOpenAiGateway(t)
  const first = await client.responses.create({ model: OPENAI_MODEL, input: 'One' })
  await client.responses.create({ model: OPENAI_MODEL, input: 'Two', previous_response_id: first.id })
  await assert.rejects(
    client.responses.create({ model: OPENAI_MODEL, input: 'Branch', previous_response_id: first.id }),
    (error: InstanceType<typeof OpenAI.APIError>) => error.status === 400 && error.param === 'previous_response_id'
  )
})
