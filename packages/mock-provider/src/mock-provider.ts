import { createServer } from 'node:http'
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildAnswer, promptTokensOf } from './answer.ts'
import { anthropicMessages } from './anthropic-format.ts'
import { thinkingSignatureError } from './anthropic-thinking.ts'
import { createExchange, cut, pause, untilClosed } from './exchange.ts'
import type { Exchange } from './exchange.ts'
import { embeddingAnswer } from './embeddings-format.ts'
import { encryptedReasoning, responsesRequestError } from './responses-request-errors.ts'
import { asksForJson, isAuthorized, matchRoute, promptMessages } from './route.ts'
import type { Route } from './route.ts'
import { playStream } from './stream-writer.ts'
import { thoughtSignatureError } from './thought-signatures.ts'
import type { MockBehaviour, MockProvider, MockProviderName, MockProviderOptions, MockRequest } from './types.ts'
import type { FormatContext } from './wire-format.ts'

const NO_BEHAVIOUR: MockBehaviour = Object.freeze({})

function readBody (request: IncomingMessage): Promise<string> {
  return new Promise(function collectBody (resolve, reject) {
    const chunks: Buffer[] = []
    request.on('data', function onData (chunk: Buffer) { chunks.push(chunk) })
    request.on('end', function onEnd () { resolve(Buffer.concat(chunks).toString()) })
    request.on('error', reject)
  })
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function sendJson (response: ServerResponse, status: number, contentType: string, body: unknown, extra?: OutgoingHttpHeaders): void {
  const payload = JSON.stringify(body)
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(payload), ...extra })
  response.end(payload)
}

/** Starts a mock provider speaking the OpenAI (chat completions, Responses, embeddings), DeepSeek, Gemini and Anthropic wire formats on one origin. */
export async function createMockProvider (options: MockProviderOptions = {}): Promise<MockProvider> {
  const record = options.record ?? true
  const demo = options.demo ?? false
  const defaults = new Map<string, MockBehaviour>()
  const queues = new Map<string, MockBehaviour[]>()
  const requests: MockRequest[] = []
  /** Every signature (Gemini, Anthropic) and encrypted reasoning (Responses) answered so far: the APIs accept back only what they issued. */
  const signatures = new Set<string>()
  let requestCount = 0
  let answerCount = 0
  let waiters: Array<{ n: number, resolve: () => void }> = []

  function behaviourFor (model: string): MockBehaviour {
    const queued = queues.get(model)?.shift() ?? queues.get('*')?.shift()
    return queued ?? defaults.get(model) ?? defaults.get('*') ?? NO_BEHAVIOUR
  }

  function countRequest (): void {
    requestCount++
    if (waiters.length === 0) return
    waiters = waiters.filter(function stillWaiting (waiter) {
      if (requestCount < waiter.n) return true
      waiter.resolve()
      return false
    })
  }

  async function handle (request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '/'
    const route = request.method === 'POST' ? matchRoute(url) : undefined
    if (route === undefined) {
      request.resume()
      sendJson(response, 404, 'application/json', { error: { message: `Invalid URL (${request.method} ${url})`, type: 'invalid_request_error', param: null, code: null } })
      return
    }
    const text = await readBody(request)
    const body: any = parseJson(text)
    if (route.provider !== 'gemini') {
      route.model = typeof body?.model === 'string' ? body.model : ''
      route.stream = body?.stream === true
    }

    let settle: ((early: boolean) => void) | undefined
    let recorded: MockRequest | undefined
    if (record) {
      const closed = new Promise<boolean>(function captureSettle (resolve) { settle = resolve })
      recorded = { provider: route.provider, path: url, model: route.model, stream: route.stream, headers: request.headers, body, closedEarly: false, closed }
      requests.push(recorded)
    }
    const exchange = createExchange(response, recorded, settle)
    countRequest()

    const format = route.format
    if (!isAuthorized(route, request)) {
      const status = route.provider === 'gemini' ? 403 : 401
      sendJson(response, status, format.jsonContentType, format.errorBody(status, route.model, undefined))
      return
    }
    if (body === undefined || typeof body !== 'object' || route.model === '') {
      sendJson(response, 400, format.jsonContentType, invalidRequestBody(route, body === undefined))
      return
    }
    const refusal = route.provider === 'anthropic'
      ? anthropicRequestError(request, body, route.countTokens === true)
      : route.provider === 'openai-responses' ? responsesRequestError(body, signatures) : undefined
    if (refusal !== undefined) {
      sendJson(response, 400, format.jsonContentType, refusal)
      return
    }

    const behaviour = behaviourFor(route.model)
    if (behaviour.headersDelayMs !== undefined) {
      await pause(exchange, behaviour.headersDelayMs)
      if (exchange.over) return
    }
    if (behaviour.status !== undefined) {
      const extra = { ...format.errorHeaders?.(behaviour.status, behaviour.retryAfter), ...(behaviour.retryAfter === undefined ? undefined : { 'retry-after': behaviour.retryAfter }) }
      const errorBody = behaviour.errorBody ?? format.errorBody(behaviour.status, route.model, behaviour.retryAfter)
      sendJson(response, behaviour.status, format.jsonContentType, errorBody, extra)
      return
    }

    if (route.countTokens === true) return answerJson(exchange, format.jsonContentType, JSON.stringify({ input_tokens: promptTokensOf(anthropicMessages(body)) }), behaviour)

    if (route.embedding !== undefined) {
      const reply = embeddingAnswer(route.embedding, route.model, body)
      if (reply.status !== 200) return sendJson(response, reply.status, format.jsonContentType, reply.body)
      return answerJson(exchange, format.jsonContentType, JSON.stringify(reply.body), behaviour)
    }

    if (route.provider === 'gemini' && behaviour.requireThoughtSignatures === true) {
      const rejection = thoughtSignatureError(body, signatures)
      if (rejection !== undefined) {
        sendJson(response, 400, format.jsonContentType, rejection)
        return
      }
    }

    if (route.provider === 'anthropic') {
      const rejection = thinkingSignatureError(body, signatures)
      if (rejection !== undefined) {
        sendJson(response, 400, format.jsonContentType, rejection)
        return
      }
    }

    const answer = buildAnswer(route.model, promptMessages(route, body), behaviour, { demo, json: asksForJson(route, body) })
    for (const call of answer.toolCalls) {
      if (call.thoughtSignature !== undefined) signatures.add(call.thoughtSignature)
    }
    answerCount++
    const context: FormatContext = {
      provider: route.provider,
      id: `${ID_PREFIXES[route.provider]}mock${answerCount.toString(36)}`,
      created: Math.floor(Date.now() / 1000),
      includeUsage: body.stream_options?.include_usage === true,
      emptyChoicesChunk: behaviour.emptyChoicesChunk === true
    }
    if (route.provider === 'anthropic' && behaviour.thinking !== undefined) {
      context.thinking = { text: behaviour.thinking, signature: `sig_${context.id}_${Buffer.from(behaviour.thinking).toString('base64url').slice(0, 16)}` }
      signatures.add(context.thinking.signature)
    }
    if (route.provider === 'openai-responses') {
      context.request = body
      if (behaviour.reasoning !== undefined) {
        context.reasoning = { text: behaviour.reasoning, encryptedContent: encryptedReasoning(route.model, context.id, behaviour.reasoning) }
        signatures.add(context.reasoning.encryptedContent)
      }
    }

    if (!route.stream) return answerJson(exchange, format.jsonContentType, JSON.stringify(format.completion(answer, context)), behaviour)

    response.writeHead(200, { 'content-type': format.streamContentType, 'cache-control': 'no-cache' })
    response.flushHeaders()
    const eol = (behaviour.crlf ?? format.crlf) ? '\r\n' : '\n'
    await playStream(exchange, { script: format.streamScript(answer, context), eol, inBandError: format.inBandError(), eventName: format.eventName }, behaviour)
  }

  function onRequest (request: IncomingMessage, response: ServerResponse): void {
    handle(request, response).catch(function onHandleError () {
      // The client went away while we read its body: nothing left to answer.
      response.destroy()
    })
  }

  const server = createServer({ keepAliveTimeout: 65_000 }, onRequest)
  await new Promise<void>(function listen (resolve, reject) {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', function onListening () {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    get requests () { return requests },
    get requestCount () { return requestCount },
    setBehaviour (model, behaviour) {
      defaults.set(model, behaviour)
    },
    enqueue (model, ...behaviours) {
      const queue = queues.get(model)
      if (queue === undefined) queues.set(model, [...behaviours])
      else queue.push(...behaviours)
    },
    waitForRequests (n) {
      if (requestCount >= n) return Promise.resolve()
      return new Promise<void>(function waitRequests (resolve) { waiters.push({ n, resolve }) })
    },
    reset () {
      signatures.clear()
      defaults.clear()
      queues.clear()
      requests.length = 0
      requestCount = 0
    },
    close () {
      return new Promise<void>(function closeServer (resolve, reject) {
        server.close(function onClosed (error) { error === undefined ? resolve() : reject(error) })
        server.closeAllConnections()
      })
    }
  }
}

/** Answer ids by provider: `chatcmpl-…`, Responses `resp_…`, Gemini's bare `responseId`, Anthropic's `msg_…`. */
const ID_PREFIXES: Record<MockProviderName, string> = { openai: 'chatcmpl-', 'openai-responses': 'resp_', deepseek: 'chatcmpl-', gemini: '', anthropic: 'msg_' }

/** What the Messages API refuses before anything else: no `anthropic-version` header, no `max_tokens` (but count_tokens takes none). */
function anthropicRequestError (request: IncomingMessage, body: any, countTokens: boolean): unknown {
  if (typeof request.headers['anthropic-version'] !== 'string') return { type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } }
  if (countTokens) return body.max_tokens === undefined ? undefined : { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Extra inputs are not permitted' } }
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } }
  return undefined
}

function invalidRequestBody (route: Route, notJson: boolean): unknown {
  const message = notJson ? 'We could not parse the JSON body of your request.' : 'you must provide a model parameter'
  if (route.provider === 'gemini') return { error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } }
  if (route.provider === 'anthropic') return { type: 'error', error: { type: 'invalid_request_error', message: notJson ? 'There was an issue with the format of your request: invalid JSON' : 'model: Field required' } }
  return { error: { message, type: 'invalid_request_error', param: null, code: null } }
}

/** Writes a JSON answer, or the non-stream variant of a fault. */
async function answerJson (exchange: Exchange, contentType: string, payload: string, behaviour: MockBehaviour): Promise<void> {
  const response = exchange.response
  if (behaviour.malformedAfter !== undefined) payload = payload.slice(0, -1)
  response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) })
  if (behaviour.stallAfter !== undefined) {
    response.flushHeaders()
    return untilClosed(exchange)
  }
  if (behaviour.cutAfter !== undefined) {
    response.write(payload.slice(0, payload.length >> 1))
    return cut(exchange)
  }
  response.end(payload)
}
