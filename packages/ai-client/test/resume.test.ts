// Automatic resume against a scripted server that keeps an event log, replays after
// Last-Event-ID and cuts the connection where each test says.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ServerResponse } from 'node:http'
import { buildClient, AiClientHttpError, AiClientNetworkError } from '../src/index.ts'
import { isAfter, reconnectDelay, resumeDelay } from '../src/ask-stream.ts'
import type { AskStreamMessage } from '../src/index.ts'
import { collect, frame, startScriptedServer, startSse } from './helpers/scripted-server.ts'
import type { ScriptedRequest } from './helpers/scripted-server.ts'

const words = ['The ', 'quick ', 'brown ', 'fox ', 'jumps ', 'over ', 'the ', 'lazy ', 'dog.']
const answer = words.join('')
const log = [
  ...words.map((word, index) => frame(index + 1, 'content', { response: word })),
  frame(words.length + 1, 'end', { response: 'COMPLETE', sessionId: 'session-1', model: 'openai:m' })
].join('')

/** The log after `lastEventId` (the whole log without it), as the real server replays it. */
function replay (request: ScriptedRequest, overlap = 0): string {
  const header = request.headers['last-event-id']
  const last = typeof header === 'string' ? Number(header) - overlap : 0
  return log.split(/(?<=\n\n)/).filter((text) => Number(/^id: (\d+)/.exec(text)?.[1]) > last).join('')
}

/** Writes `text` and, when `cutAt` is given, destroys the socket after that many bytes. */
function writeAndCut (response: ServerResponse, text: string, cutAt?: number): void {
  startSse(response)
  if (cutAt === undefined) {
    response.end(text)
    return
  }
  response.write(Buffer.from(text).subarray(0, cutAt), () => response.destroy())
}

function textOf (messages: AskStreamMessage[]): string {
  return messages.map((message) => message.type === 'content' ? message.content : '').join('')
}

test('resumes after cuts at several points and yields exactly the whole answer once', async (t) => {
  // Byte offsets of the remaining stream where each connection is cut: before any byte,
  // inside a frame, right after a frame, inside a multi-byte position near the end.
  const cuts = [0, 25, frame(1, 'content', { response: 'The ' }).length, 60, 41]
  const server = await startScriptedServer(t, (request, response, index) => {
    writeAndCut(response, replay(request), cuts[index])
  })
  const logged: Array<[string, Record<string, unknown>, string | undefined]> = []
  function record (level: string) {
    return function log (object: Record<string, unknown>, message?: string) { logged.push([level, object, message]) }
  }
  const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') }
  const client = buildClient({ url: server.url, resume: { initialDelay: 1 }, logger })
  const { stream } = await client.ask({ prompt: 'Hi', history: [{ prompt: 'p', response: 'r' }] })
  const messages = await collect(stream)
  assert.equal(textOf(messages), answer)
  assert.deepEqual(messages.at(-1), { type: 'done', response: { result: 'COMPLETE', sessionId: 'session-1', model: 'openai:m' } })
  assert.equal(messages.filter((message) => message.type === 'done').length, 1)
  assert.equal(server.requests.length, cuts.length + 1)
  assert.deepEqual(server.requests[0].body, { prompt: 'Hi', history: [{ prompt: 'p', response: 'r' }] })
  for (const request of server.requests.slice(1)) {
    // Same body, with the session and without the history the session now holds.
    assert.deepEqual(request.body, { prompt: 'Hi', sessionId: 'session-1', resume: true })
  }
  const lastIds = server.requests.map((request) => request.headers['last-event-id'])
  assert.equal(lastIds[0], undefined)
  assert.equal(lastIds[1], undefined, 'nothing was received before the first cut')
  assert.deepEqual(lastIds.slice(2).map(Number), lastIds.slice(2).map(Number).toSorted((a, b) => a - b))
  // pino's argument order: the object first, then the message.
  const resumes = logged.filter(([level]) => level === 'warn')
  assert.equal(resumes.length, cuts.length)
  assert.equal(resumes[0][2], 'ai-client: stream interrupted, resuming')
  assert.equal(resumes[0][1].sessionId, 'session-1')
  assert.equal(resumes[0][1].attempt, 1)
})

test('a body that ends without end is resumed like a cut', async (t) => {
  const server = await startScriptedServer(t, (request, response, index) => {
    startSse(response)
    const text = replay(request)
    response.end(index === 0 ? text.slice(0, text.indexOf('id: 4')) : text)
  })
  const client = buildClient({ url: server.url, resume: { initialDelay: 1 } })
  const { stream } = await client.ask({ prompt: 'Hi' })
  assert.equal(textOf(await collect(stream)), answer)
  assert.equal(server.requests[1].headers['last-event-id'], '3')
})

test('events already received are skipped when a server replays too much', async (t) => {
  const server = await startScriptedServer(t, (request, response, index) => {
    writeAndCut(response, replay(request, 2), index === 0 ? 100 : undefined)
  })
  const client = buildClient({ url: server.url, resume: { initialDelay: 1 } })
  const { stream } = await client.ask({ prompt: 'Hi' })
  assert.equal(textOf(await collect(stream)), answer)
  assert.equal(server.requests.length, 2)
})

test('gives up after maxAttempts reconnections without progress, with the network error', async (t) => {
  const server = await startScriptedServer(t, (request, response, index) => {
    writeAndCut(response, replay(request), index === 0 ? 60 : 0)
  })
  const client = buildClient({ url: server.url, resume: { maxAttempts: 3, initialDelay: 1 } })
  const { stream } = await client.ask({ prompt: 'Hi' })
  const seen: AskStreamMessage[] = []
  await assert.rejects(async () => {
    for await (const message of stream) seen.push(message)
  }, AiClientNetworkError)
  assert.equal(textOf(seen), 'The ')
  assert.equal(server.requests.length, 4)
})

test('resume: false throws the network error at the first cut', async (t) => {
  const server = await startScriptedServer(t, (request, response) => writeAndCut(response, replay(request), 60))
  const client = buildClient({ url: server.url, resume: false })
  const { stream } = await client.ask({ prompt: 'Hi' })
  await assert.rejects(collect(stream), (error: unknown) => error instanceof AiClientNetworkError && error.code === 'AI_CLIENT_NETWORK_ERROR')
  assert.equal(server.requests.length, 1)
})

test('no session id known: the cut is not resumed', async (t) => {
  const server = await startScriptedServer(t, (request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    response.write(replay(request).slice(0, 60), () => response.destroy())
  })
  const client = buildClient({ url: server.url, resume: { initialDelay: 1 } })
  const { stream } = await client.ask({ prompt: 'Hi' })
  await assert.rejects(collect(stream), AiClientNetworkError)
  assert.equal(server.requests.length, 1)
})

test('a server with a custom session header: the stream is resumed with headerSessionIdName', async (t) => {
  const server = await startScriptedServer(t, (request, response, index) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'x-conversation-id': 'session-1' })
    const text = replay(request)
    if (index === 0) {
      response.write(text.slice(0, 60), () => response.destroy())
      return
    }
    response.end(text)
  })
  const client = buildClient({ url: server.url, headerSessionIdName: 'X-Conversation-Id', resume: { initialDelay: 1 } })
  const { stream } = await client.ask({ prompt: 'Hi' })
  assert.equal(textOf(await collect(stream)), answer)
  assert.equal(server.requests.length, 2)
  assert.equal(server.requests[1].body.sessionId, 'session-1')
  assert.throws(() => buildClient({ url: server.url, headerSessionIdName: 'x session' }), { option: 'headerSessionIdName' })
})

test('a reconnection answered 503 is retried; one answered 404 ends the stream with that error', async (t) => {
  const server = await startScriptedServer(t, (request, response, index) => {
    if (request.body.prompt === 'retry' && index === 1) {
      response.writeHead(503, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ code: 'AI_SHUTTING_DOWN', message: 'restarting', statusCode: 503 }))
      return
    }
    if (request.body.prompt === 'gone' && request.headers['last-event-id'] !== undefined) {
      response.writeHead(404, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ code: 'AI_SESSION_NOT_FOUND', message: 'Session not found', statusCode: 404 }))
      return
    }
    writeAndCut(response, replay(request), request.headers['last-event-id'] === undefined ? 60 : undefined)
  })
  const client = buildClient({ url: server.url, resume: { initialDelay: 1 } })
  const retried = await client.ask({ prompt: 'retry' })
  assert.equal(textOf(await collect(retried.stream)), answer)
  assert.equal(server.requests.length, 3)

  const gone = await client.ask({ prompt: 'gone' })
  await assert.rejects(collect(gone.stream), (error: unknown) =>
    error instanceof AiClientHttpError && error.statusCode === 404 && error.code === 'AI_SESSION_NOT_FOUND')
})

test('a reconnection answered 429 is retried after Retry-After; one longer than maxDelay ends the stream', async (t) => {
  const server = await startScriptedServer(t, (request, response, index) => {
    const limited = request.body.prompt === 'long wait' ? request.body.resume === true : index === 1
    if (limited) {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': request.body.prompt === 'long wait' ? '60' : '0' })
      response.end(JSON.stringify({ code: 'AI_CALLER_RATE_LIMITED', message: 'Too many requests', statusCode: 429 }))
      return
    }
    writeAndCut(response, replay(request), request.headers['last-event-id'] === undefined ? 60 : undefined)
  })
  const client = buildClient({ url: server.url, resume: { initialDelay: 1 } })
  const retried = await client.ask({ prompt: 'retry' })
  assert.equal(textOf(await collect(retried.stream)), answer)
  assert.equal(server.requests.length, 3)

  const longWait = await client.ask({ prompt: 'long wait' })
  await assert.rejects(collect(longWait.stream), (error: unknown) =>
    error instanceof AiClientHttpError && error.statusCode === 429 && error.retryAfter === 60)
  assert.equal(server.requests.length, 5, 'no reconnection after a Retry-After longer than maxDelay')
})

test('reconnectDelay waits for Retry-After when longer than the backoff', () => {
  const resume = { maxAttempts: 5, initialDelay: 100, maxDelay: 5000 }
  const limited = (retryAfter?: number) => new AiClientHttpError('limited', { statusCode: 429, retryAfter })
  assert.equal(reconnectDelay(resume, 2, limited(3)), 3000)
  assert.equal(reconnectDelay(resume, 2, limited(0)), 200)
  assert.equal(reconnectDelay(resume, 2, limited()), 200)
  assert.equal(reconnectDelay(resume, 2, limited(6)), undefined)
  assert.equal(reconnectDelay(resume, 2, new AiClientNetworkError('cut')), 200)
})

test('backoff doubles from initialDelay up to maxDelay', () => {
  const resume = { maxAttempts: 10, initialDelay: 100, maxDelay: 1000 }
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((attempt) => resumeDelay(resume, attempt)), [100, 200, 400, 800, 1000, 1000])
})

test('event ids compare as numbers when they are decimal', () => {
  assert.equal(isAfter('10', '9'), true)
  assert.equal(isAfter('9', '10'), false)
  assert.equal(isAfter('10', '10'), false)
  assert.equal(isAfter('007', '7'), false)
  assert.equal(isAfter('123456789012345678901234567890', '123456789012345678901234567889'), true)
  assert.equal(isAfter('b', 'a'), true)
})
