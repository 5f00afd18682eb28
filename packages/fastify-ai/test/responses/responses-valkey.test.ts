// The Responses API on two gateway instances sharing one Valkey: previous_response_id continues a
// conversation stored by the other instance, and a stream cut on one is resumed on the other with
// starting_after, every event numbered as the first time; answered by a chat-format model and by
// one reached through the Responses API.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { ResponseStreamEvent } from 'openai/resources/responses/responses'
import { startValkeyServer } from '../../../ai-provider/test/helpers/valkey-server.ts'
import { OPENAI_MODEL, RESPONSES_MODEL, startOpenAiGateway } from '../openai/openai-gateway.ts'

const server = await startValkeyServer()
after(() => server.close())

for (const model of [OPENAI_MODEL, RESPONSES_MODEL]) {
  test(`previous_response_id continues on another instance over Valkey (${model})`, async (t) => {
    const mock = await createMockProvider()
    t.after(() => mock.close())
    const storage = { type: 'valkey' as const, url: server.url, keyPrefix: `responses-${Date.now()}:` }
    const providers = { openai: { apiKey: 'k', baseUrl: mock.url }, gemini: { apiKey: 'k', baseUrl: mock.url }, responses: { type: 'openai' as const, apiKey: 'k', baseUrl: mock.url, api: 'responses' as const } }
    const a = await startOpenAiGateway(t, { withResponsesApi: true, plugin: { storage, providers } })
    const b = await startOpenAiGateway(t, { withResponsesApi: true, plugin: { storage, providers } })
    const first = await a.client.responses.create({ model, input: 'My name is Ada.' })
    const second = await b.client.responses.create({ model, input: 'What is my name?', previous_response_id: first.id })
    assert.equal(second.output_text, 'Echo: What is my name?')
    const sent = JSON.stringify(mock.requests.at(-1)?.body)
    assert.ok(sent.includes('My name is Ada.'), 'the first turn, stored by A, reached the model through B')
    const retrieved = await a.client.responses.retrieve(second.id)
    assert.equal(retrieved.output_text, 'Echo: What is my name?')
  })

  test(`a stream cut after a few events resumes on another instance from starting_after (${model})`, async (t) => {
    const mock = await createMockProvider()
    t.after(() => mock.close())
    const storage = { type: 'valkey' as const, url: server.url, keyPrefix: `responses-resume-${Date.now()}:` }
    const providers = { openai: { apiKey: 'k', baseUrl: mock.url }, gemini: { apiKey: 'k', baseUrl: mock.url }, responses: { type: 'openai' as const, apiKey: 'k', baseUrl: mock.url, api: 'responses' as const } }
    const a = await startOpenAiGateway(t, { withResponsesApi: true, plugin: { storage, providers } })
    const b = await startOpenAiGateway(t, { withResponsesApi: true, plugin: { storage, providers } })
    const deltas = ['alpha ', 'beta ', 'gamma ', 'delta ', 'epsilon']
    mock.setBehaviour(model.slice(model.indexOf(':') + 1), { deltas, deltaDelayMs: 30 })

    const seen: ResponseStreamEvent[] = []
    const cut = a.client.responses.stream({ model, input: 'greek' })
    for await (const event of cut) {
      seen.push(event)
      if (event.type === 'response.output_text.delta') break
    }
    const created = seen[0]
    assert.equal(created.type, 'response.created')
    const id = created.type === 'response.created' ? created.response.id : ''
    const last = seen.at(-1)?.sequence_number ?? -1

    const rest: ResponseStreamEvent[] = []
    const resumed = b.client.responses.stream({ response_id: id, starting_after: last })
    for await (const event of resumed) rest.push(event)
    const all = [...seen, ...rest]
    assert.deepEqual(all.map((event) => event.sequence_number), all.map((_, index) => index), 'no event lost or repeated')
    const text = all.map((event) => event.type === 'response.output_text.delta' ? event.delta : '').join('')
    assert.equal(text, deltas.join(''))
    assert.equal(rest.at(-1)?.type, 'response.completed')
    assert.equal(mock.requests.length, 1, 'the resume started no second generation')

    // From the start, the replay numbers every event as the first time.
    const replay: ResponseStreamEvent[] = []
    for await (const event of a.client.responses.stream({ response_id: id })) replay.push(event)
    assert.deepEqual(replay.slice(0, seen.length), seen)
  })
}
