// One set of request limits on every route (issue 18): the same limit gives the same status and
// code on /api/v1/prompt, /api/v1/stream and /v1/chat/completions, over real HTTP. Regression:
// a 100,001-character prompt was refused on /api/v1 but answered 200 on the OpenAI route.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { postJson, startGateway } from './helpers/gateway.ts'

const ROUTES = ['/api/v1/prompt', '/api/v1/stream', '/v1/chat/completions']

/** A request of `route` carrying these messages (the last one is the prompt). */
function bodyFor (route: string, messages: Array<{ role: 'user' | 'assistant' | 'system', content: string }>): unknown {
  if (route === '/v1/chat/completions') return { model: 'default', messages }
  const prompt = messages[messages.length - 1].content
  const history: Array<{ prompt: string, response: string }> = []
  for (let index = 0; index + 1 < messages.length - 1; index += 2) {
    history.push({ prompt: messages[index].content, response: messages[index + 1].content })
  }
  return history.length === 0 ? { prompt } : { prompt, history }
}

/** The code and the field at fault, whichever shape the route answers in. */
async function errorOf (response: Response): Promise<{ status: number, code: string, field: string | null }> {
  const body = await response.json()
  if (body.error !== undefined) return { status: response.status, code: body.error.code, field: body.error.param }
  return { status: response.status, code: body.code, field: body.details?.field ?? null }
}

test('a prompt over maxPromptLength is 413 AI_REQUEST_TOO_LARGE on every route (it was 200 on /v1/chat/completions)', async (t) => {
  const { url } = await startGateway(t, { plugin: { routes: true } })
  const long = 'x'.repeat(100001)
  for (const route of ROUTES) {
    const refused = await errorOf(await postJson(url + route, bodyFor(route, [{ role: 'user', content: long }])))
    assert.deepEqual(refused, { status: 413, code: 'AI_REQUEST_TOO_LARGE', field: route === '/v1/chat/completions' ? 'messages[0].content' : 'prompt' }, route)
    const accepted = await postJson(url + route, bodyFor(route, [{ role: 'user', content: long.slice(1) }]))
    assert.equal(accepted.status, 200, route)
    await accepted.text()
  }
})

test('an earlier message over maxPromptLength is refused alike, and so is the context', async (t) => {
  const { url } = await startGateway(t, { plugin: { routes: true, maxPromptLength: 10 } })
  for (const route of ROUTES) {
    const messages = [{ role: 'user' as const, content: 'hi' }, { role: 'assistant' as const, content: 'an answer too long' }, { role: 'user' as const, content: 'and?' }]
    const refused = await errorOf(await postJson(url + route, bodyFor(route, messages)))
    assert.deepEqual(refused, { status: 413, code: 'AI_REQUEST_TOO_LARGE', field: route === '/v1/chat/completions' ? 'messages[1].content' : 'history[0].response' }, route)
  }
  const context = await errorOf(await postJson(url + '/api/v1/prompt', { prompt: 'hi', context: 'a context too long' }))
  assert.deepEqual(context, { status: 413, code: 'AI_REQUEST_TOO_LARGE', field: 'context' })
  const system = await errorOf(await postJson(url + '/v1/chat/completions', { model: 'default', messages: [{ role: 'system', content: 'a context too long' }, { role: 'user', content: 'hi' }] }))
  assert.deepEqual(system, { status: 413, code: 'AI_REQUEST_TOO_LARGE', field: 'messages[0].content' })
})

test('more messages than maxMessages is 413 AI_REQUEST_TOO_LARGE on every route, counted alike', async (t) => {
  const { url } = await startGateway(t, { plugin: { routes: true, maxMessages: 5 } })
  const turns = (count: number) => Array.from({ length: count }, (_, index) => ({ role: index % 2 === 0 ? 'user' as const : 'assistant' as const, content: `m${index}` }))
  for (const route of ROUTES) {
    // Two history turns and the prompt: 5 messages, the limit.
    const accepted = await postJson(url + route, bodyFor(route, turns(5)))
    assert.equal(accepted.status, 200, route)
    await accepted.text()
    const refused = await errorOf(await postJson(url + route, bodyFor(route, turns(7))))
    assert.deepEqual(refused, { status: 413, code: 'AI_REQUEST_TOO_LARGE', field: route === '/v1/chat/completions' ? 'messages' : 'history' }, route)
  }
  // The context counts as a message, as a system message does.
  const withContext = await errorOf(await postJson(url + '/api/v1/prompt', { ...bodyFor('/api/v1/prompt', turns(5)) as object, context: 'Be brief.' }))
  assert.equal(withContext.code, 'AI_REQUEST_TOO_LARGE')
})

test('a body over bodyLimit is 413 AI_BODY_TOO_LARGE on every route', async (t) => {
  const { url } = await startGateway(t, { plugin: { routes: true }, bodyLimit: 1024 })
  for (const route of ROUTES) {
    const refused = await errorOf(await postJson(url + route, bodyFor(route, [{ role: 'user', content: 'x'.repeat(2000) }])))
    assert.deepEqual({ status: refused.status, code: refused.code }, { status: 413, code: 'AI_BODY_TOO_LARGE' }, route)
  }
})

test('maxMessages must be a positive integer', async (t) => {
  await assert.rejects(startGateway(t, { plugin: { maxMessages: 0 } }), /maxMessages must be a positive integer, got 0/)
})

test('maxTools holds every route, and the Responses and count_tokens routes hold their texts too', async (t) => {
  const { url, mock } = await startGateway(t, { plugin: { maxTools: 2, maxPromptLength: 20, routes: true } })
  const tool = (name: string) => ({ name, parameters: { type: 'object' } })
  const openAiTool = (name: string) => ({ type: 'function', function: tool(name) })
  const cases: Array<[string, unknown, number]> = [
    ['/api/v1/prompt', { prompt: 'hi', tools: [tool('a'), tool('b'), tool('c')] }, 413],
    ['/v1/chat/completions', { model: 'default', messages: [{ role: 'user', content: 'hi' }], tools: [openAiTool('a'), openAiTool('b'), openAiTool('c')] }, 413],
    ['/v1/responses', { model: 'default', input: 'hi', tools: [{ type: 'function', ...tool('a') }, { type: 'function', ...tool('b') }, { type: 'function', ...tool('c') }] }, 413],
    ['/v1/messages', { model: 'default', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], tools: ['a', 'b', 'c'].map((name) => ({ name, input_schema: { type: 'object' } })) }, 413],
    ['/v1/responses', { model: 'default', input: 'a question longer than twenty characters' }, 413],
    ['/v1/responses', { model: 'default', input: 'hi', instructions: 'instructions longer than twenty characters' }, 413],
    ['/v1/messages/count_tokens', { model: 'default', messages: [{ role: 'user', content: 'a question longer than twenty characters' }] }, 413]
  ]
  for (const [path, body, status] of cases) {
    const response = await postJson(`${url}${path}`, body, { headers: { 'anthropic-version': '2023-06-01' } })
    assert.equal(response.status, status, `${path}: ${await response.text()}`)
  }
  assert.equal(mock.requests.length, 0)
  const accepted = await postJson(`${url}/api/v1/prompt`, { prompt: 'hi', tools: [tool('a'), tool('b')] })
  assert.equal(accepted.status, 200)
})
