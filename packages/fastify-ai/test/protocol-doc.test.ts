// Replays every example of docs/protocol.md against a real server in front of the mock
// provider and checks each answer against the documented one (status, headers shown, JSON
// shape, SSE event sequence). See the "The examples are tested" note in the doc for the rules;
// the fences and the comparisons are those of every page (helpers/doc-examples.ts).
import { test } from 'node:test'
import type { TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import * as fastifyAiErrors from '../src/errors.ts'
import { assertShape, assertSseShape, framesOfText, readFences, where } from './helpers/doc-examples.ts'
import type { Gateway } from './helpers/gateway.ts'
import { postJson, startGateway } from './helpers/gateway.ts'
import { collectFrames, eventsOf } from './helpers/sse.ts'

const doc = await readFile(new URL('../../../docs/protocol.md', import.meta.url), 'utf8')

interface Message {
  /** `POST /api/v1/prompt` or `HTTP/1.1 200 OK` */
  start: string
  headers: Record<string, string>
  body: string
}

interface Example {
  name: string
  /** Where the request is in the page. */
  at: string
  setup: string | undefined
  request: Message
  response: Message
  sse: boolean
}

function parseMessage (text: string): Message {
  const [head, ...rest] = text.split('\n\n')
  const [start, ...headerLines] = head.split('\n')
  const headers: Record<string, string> = {}
  for (const line of headerLines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { start, headers, body: rest.join('\n\n') }
}

/** `http request <name>` fences, each with the `http response` / `sse response` of that name. */
function parseExamples (): Example[] {
  const requests = new Map<string, { at: string, setup: string | undefined, request: Message }>()
  const examples: Example[] = []
  for (const fence of readFences(doc, 'docs/protocol.md')) {
    const [role, name] = fence.words
    if ((fence.lang !== 'http' && fence.lang !== 'sse') || (role !== 'request' && role !== 'response') || name === undefined) continue
    if (role === 'request') {
      requests.set(name, { at: where(fence), setup: fence.attributes.setup, request: parseMessage(fence.body) })
      continue
    }
    const request = requests.get(name)
    assert.ok(request, `${where(fence)}: response ${name} has no request before it`)
    examples.push({ name, ...request, response: parseMessage(fence.body + '\n'), sse: fence.lang === 'sse' })
  }
  return examples
}

interface Prepared {
  gateway: Gateway
  values: Record<string, string>
}

const MODELS = ['openai:gpt-4o-mini', 'gemini:gemini-2.5-flash']
const ADMIN_TOKEN = 'protocol-doc-admin-token'

async function prepare (t: TestContext, setup: string | undefined): Promise<Prepared> {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const gateway = await startGateway(t, {
    mock,
    bodyLimit: setup === 'body-limit-64' ? 64 : undefined,
    plugin: {
      providers: { openai: { apiKey: 'test-key', baseUrl: mock.url }, gemini: { apiKey: 'test-key', baseUrl: mock.url } },
      models: setup === 'usage' ? [{ provider: 'openai', model: 'gpt-4o-mini', price: { input: 0.15, output: 0.6 } }, MODELS[1]] : MODELS,
      adminToken: ADMIN_TOKEN,
      callerBudget: setup === 'budget-spent' ? { tokens: 5, timeWindow: '1h' } : undefined
    }
  })
  mock.setBehaviour('gpt-4o-mini', { deltas: ['The sky ', 'is blue.'] })
  mock.setBehaviour('gemini-2.5-flash', { deltas: ['The sky ', 'is blue.'] })
  const values: Record<string, string> = {}
  if (setup === 'session') {
    const answer = await (await postJson(`${gateway.url}/api/v1/prompt`, { prompt: 'Why is the sky blue?', context: 'Answer in one sentence.' })).json()
    values.sessionId = answer.sessionId
  } else if (setup === 'stream') {
    const response = await postJson(`${gateway.url}/api/v1/stream`, { prompt: 'Why is the sky blue?' })
    const events = eventsOf(await collectFrames(response))
    values.sessionId = response.headers.get('x-session-id') ?? ''
    values.lastEventId = events[0].id ?? ''
  } else if (setup === 'first-model-fails') {
    mock.setBehaviour('gpt-4o-mini', { status: 500 })
    await postJson(`${gateway.url}/api/v1/prompt`, { prompt: 'warm-up' })
  } else if (setup === 'mid-stream-failure') {
    mock.setBehaviour('gpt-4o-mini', { deltas: ['The sky ', 'is blue.'], cutAfter: 1 })
  } else if (setup === 'all-models-fail') {
    mock.setBehaviour('gpt-4o-mini', { status: 500 })
    mock.setBehaviour('gemini-2.5-flash', { status: 500 })
  } else if (setup === 'usage') {
    await postJson(`${gateway.url}/api/v1/prompt`, { prompt: 'Why is the sky blue?' })
    await postJson(`${gateway.url}/api/v1/prompt`, { prompt: 'And at sunset?' })
    values.today = new Date().toISOString().slice(0, 10)
    values.adminToken = ADMIN_TOKEN
  } else if (setup === 'budget-spent') {
    await postJson(`${gateway.url}/api/v1/prompt`, { prompt: 'Why is the sky blue?' })
  } else if (setup === 'tool-call' || setup === 'tool-call-with-text' || setup === 'tool-results') {
    const call = { name: 'get_weather', arguments: '{"city":"Paris"}', thoughtSignature: 'c2lnbmF0dXJlLTE=' }
    mock.enqueue('gemini-2.5-flash', setup === 'tool-call-with-text' ? { deltas: ['Let me ', 'check.'], toolCalls: [call] } : { toolCalls: [call] })
    if (setup === 'tool-results') {
      const tools = [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }]
      const asked = await (await postJson(`${gateway.url}/api/v1/prompt`, { prompt: 'What is the weather in Paris?', models: [MODELS[1]], tools })).json()
      values.sessionId = asked.sessionId
      values.toolCallId = asked.toolCalls[0].id
      mock.enqueue('gemini-2.5-flash', { text: 'It is 21 °C and clear in Paris.' })
    }
  } else if (setup !== undefined && setup !== 'body-limit-64') {
    assert.fail(`unknown setup ${setup}`)
  }
  return { gateway, values }
}

function fill (text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, function value (match, name: string) {
    assert.ok(name in values, `no value for ${match}`)
    return values[name]
  })
}

const EXACT_HEADERS = new Set(['content-type', 'cache-control', 'x-accel-buffering', 'connection', 'access-control-expose-headers'])

const examples = parseExamples()

test('docs/protocol.md has an example for every route and error status', () => {
  const requests = examples.map((example) => example.request.start)
  for (const route of ['POST /api/v1/prompt', 'POST /api/v1/stream', 'GET /api/v1/sessions/', 'DELETE /api/v1/sessions/', 'GET /api/v1/models', 'GET /api/v1/usage']) {
    assert.ok(requests.some((start) => start.startsWith(route)), `an example of ${route}`)
  }
  const statuses = new Set(examples.map((example) => example.response.start.split(' ')[1]))
  for (const status of ['200', '204', '400', '404', '413', '503']) assert.ok(statuses.has(status), `an example answering ${status}`)
  assert.ok(examples.some((example) => example.sse && example.response.body.includes('event: error')), 'an error event example')
})

test('docs/errors.md lists the codes of fastify-ai', async () => {
  const errorsDoc = await readFile(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
  for (const ErrorClass of Object.values(fastifyAiErrors)) {
    const error = new ErrorClass()
    assert.ok(errorsDoc.includes(`| \`${error.code}\` | ${error.statusCode} |`), `${error.code} in docs/errors.md`)
  }
})

for (const example of examples) {
  test(`docs/protocol.md example "${example.name}" (${example.at}) answers as documented`, async (t) => {
    const { gateway, values } = await prepare(t, example.setup)
    const [method, path] = example.request.start.split(' ')
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(example.request.headers)) headers[name] = fill(value, values)
    const body = example.request.body === '' ? undefined : fill(example.request.body, values)
    const response = await fetch(`${gateway.url}${fill(path, values)}`, { method, headers, body })

    const expectedStatus = Number(example.response.start.split(' ')[1])
    assert.equal(response.status, expectedStatus)
    for (const [name, value] of Object.entries(example.response.headers)) {
      const actual = response.headers.get(name)
      assert.ok(actual !== null, `header ${name}`)
      if (EXACT_HEADERS.has(name)) assert.equal(actual, value, `header ${name}`)
      if (name === 'retry-after') assert.match(actual, /^[1-9][0-9]*$/)
    }

    if (example.sse) {
      const actual = eventsOf(await collectFrames(response))
      assertSseShape(actual, framesOfText(example.response.body))
      for (const frame of actual) assert.match(frame.raw, /^id: \d+\nevent: \w+\ndata: \{/)
      if (values.lastEventId !== undefined) assert.ok(Number(actual[0].id) > Number(values.lastEventId), 'resume starts after Last-Event-ID')
      return
    }
    const text = await response.text()
    if (example.response.body.trim() === '') {
      assert.equal(text, '')
      return
    }
    assertShape(JSON.parse(text), JSON.parse(example.response.body), 'body')
  })
}
