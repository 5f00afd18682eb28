// The tests every provider type passes over real HTTP against the mock provider: the happy
// paths, and every fault of the mock turned into the right outcome. Each provider test file
// calls `providerSuite` with its own settings, then adds its wire-format specifics.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { MockProvider, MockRequest } from '@platformatic/ai-mock-provider'
import { createProviderClient } from '../../src/transport/provider-client.ts'
import type { NormalizedProviderOptions, ProviderClient, ProviderInput, ProviderStreamEvent } from '../../src/provider.ts'
import type { Logger, OpenAiApi, ProviderType } from '../../src/types.ts'

/** How one provider type is tested. */
export interface ProviderSuiteSettings {
  type: ProviderType
  /** The base URL to configure, from the mock's origin. */
  baseUrl (mockUrl: string): string
  /** The path the mock must see for a complete call of `model`. */
  completePath (model: string): string
  /** The path the mock must see for a stream call of `model`. */
  streamPath (model: string): string
  /** The provider's finish reason for "ran out of tokens". */
  maxTokensReason: string
  /** The status the mock answers a missing key with (401, or 403 for Gemini). */
  missingKeyStatus: number
  /** The OpenAI API the provider is reached through (default `chat`). */
  api?: OpenAiApi
}

export const silentLogger: Logger = {
  debug () {},
  info () {},
  warn () {},
  error () {}
}

export const input: ProviderInput = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'hello there' }
  ],
  temperature: 0.5,
  maxTokens: 100
}

/** Options as options.ts would normalize them. */
export function providerOptions (type: ProviderType, baseUrl: string, overrides: Partial<NormalizedProviderOptions> = {}): NormalizedProviderOptions {
  return { name: 'test-' + type, type, apiKey: 'sk-test', baseUrl, headers: {}, pipelining: 1, connectTimeout: 1000, streamUsage: true, api: 'chat', ...overrides }
}

export async function collect (events: AsyncIterable<ProviderStreamEvent>): Promise<ProviderStreamEvent[]> {
  const result: ProviderStreamEvent[] = []
  for await (const event of events) result.push(event)
  return result
}

function texts (events: ProviderStreamEvent[]): string[] {
  return events.flatMap((event) => event.type === 'delta' ? [event.text] : [])
}

function lastRequest (mock: MockProvider): MockRequest {
  const request = mock.requests.at(-1)
  assert.ok(request, 'the mock received a request')
  return request
}

/** Registers the shared tests of one provider type. */
export function providerSuite (settings: ProviderSuiteSettings): void {
  let mock: MockProvider
  let client: ProviderClient
  const timeout = { timeout: 5000 }
  const model = 'model-a'
  const name = settings.api === 'responses' ? `${settings.type} (responses)` : settings.type

  test.before(async function startMock () {
    mock = await createMockProvider()
    client = createProviderClient(providerOptions(settings.type, settings.baseUrl(mock.url), { api: settings.api ?? 'chat' }), { logger: silentLogger })
  })
  test.after(async function stopMock () {
    await client.close()
    await mock.close()
  })
  test.beforeEach(function resetMock () {
    mock.reset()
  })

  test(`${name}: complete returns text, result and usage, at the provider's path`, async function () {
    mock.enqueue(model, { text: 'Bonjour ☀️ !', usage: { promptTokens: 11, completionTokens: 4 } })
    const answer = await client.complete(model, input, timeout)
    assert.deepEqual(answer, { text: 'Bonjour ☀️ !', result: 'COMPLETE', usage: { promptTokens: 11, completionTokens: 4, totalTokens: 15 } })
    const request = lastRequest(mock)
    assert.equal(request.model, model)
    assert.equal(request.stream, false)
    assert.equal(request.path, settings.completePath(model))
  })

  test(`${name}: complete maps the max-tokens finish reason`, async function () {
    mock.enqueue(model, { text: 'cut sho', finishReason: settings.maxTokensReason })
    const answer = await client.complete(model, input, timeout)
    assert.equal(answer.result, 'INCOMPLETE_MAX_TOKENS')
    assert.equal(answer.text, 'cut sho')
  })

  test(`${name}: complete without usage has no usage`, async function () {
    mock.enqueue(model, { text: 'ok', usage: false })
    assert.deepEqual(await client.complete(model, input, timeout), { text: 'ok', result: 'COMPLETE' })
  })

  test(`${name}: stream yields the deltas, then one end with result and usage`, async function () {
    mock.enqueue(model, { deltas: ['Hel', 'lo ', 'world'], usage: { promptTokens: 3, completionTokens: 3 } })
    const events = await collect(client.stream(model, input, timeout))
    assert.deepEqual(events, [
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo ' },
      { type: 'delta', text: 'world' },
      { type: 'end', result: 'COMPLETE', usage: { promptTokens: 3, completionTokens: 3, totalTokens: 6 } }
    ])
    const request = lastRequest(mock)
    assert.equal(request.stream, true)
    assert.equal(request.path, settings.streamPath(model))
    assert.equal(await request.closed, false)
  })

  test(`${name}: split frames keep multi-byte UTF-8 intact, with CRLF and with LF`, async function () {
    const deltas = ['héllo ', 'wörld 👋', ' 日本語', 'ok']
    for (const crlf of [true, false]) {
      mock.enqueue(model, { deltas, splitFrames: true, crlf })
      const events = await collect(client.stream(model, input, timeout))
      assert.deepEqual(texts(events), deltas, 'crlf: ' + crlf)
      assert.equal(events.at(-1)?.type, 'end')
    }
  })

  test(`${name}: keep-alive chunks without choices are ignored`, async function () {
    mock.enqueue(model, { deltas: ['a', 'b'], emptyChoicesChunk: true })
    const events = await collect(client.stream(model, input, timeout))
    assert.deepEqual(texts(events), ['a', 'b'])
    assert.equal(events.at(-1)?.type, 'end')
  })

  test(`${name}: stream without usage ends without usage; max tokens is reported`, async function () {
    mock.enqueue(model, { deltas: ['a'], usage: false, finishReason: settings.maxTokensReason })
    const events = await collect(client.stream(model, input, timeout))
    assert.deepEqual(events.at(-1), { type: 'end', result: 'INCOMPLETE_MAX_TOKENS' })
  })

  test(`${name}: an in-band error object fails the stream with AI_PROVIDER_STREAM_ERROR after the deltas before it`, async function () {
    mock.enqueue(model, { deltas: ['one ', 'two'], inBandErrorAfter: 1 })
    const seen: ProviderStreamEvent[] = []
    await assert.rejects(async function read () {
      for await (const event of client.stream(model, input, timeout)) seen.push(event)
    }, { code: 'AI_PROVIDER_STREAM_ERROR' })
    assert.deepEqual(seen, [{ type: 'delta', text: 'one ' }])
  })

  test(`${name}: a frame that is not JSON fails with AI_PROVIDER_MALFORMED_RESPONSE`, async function () {
    mock.enqueue(model, { deltas: ['one ', 'two'], malformedAfter: 1 })
    await assert.rejects(collect(client.stream(model, input, timeout)), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
  })

  test(`${name}: a stream cut before its end is AI_PROVIDER_NETWORK_ERROR, not a success`, async function () {
    mock.enqueue(model, { deltas: ['one ', 'two'], cutAfter: 1 })
    await assert.rejects(collect(client.stream(model, input, timeout)), { code: 'AI_PROVIDER_NETWORK_ERROR' })
  })

  test(`${name}: a stream with no content is AI_PROVIDER_EMPTY_RESPONSE`, async function () {
    mock.enqueue(model, { emptyAnswer: true })
    await assert.rejects(collect(client.stream(model, input, timeout)), { code: 'AI_PROVIDER_EMPTY_RESPONSE' })
  })

  test(`${name}: a stalled stream times out and the upstream socket is closed`, async function () {
    mock.enqueue(model, { deltas: ['one ', 'two'], stallAfter: 1 })
    const seen: ProviderStreamEvent[] = []
    const error = await readError(async function read () {
      for await (const event of client.stream(model, input, { timeout: 150 })) seen.push(event)
    })
    assert.equal(error.code, 'AI_PROVIDER_TIMEOUT')
    assert.deepEqual(seen, [{ type: 'delta', text: 'one ' }])
    assert.equal(await lastRequest(mock).closed, true)
  })

  test(`${name}: headers later than the timeout time out, and the upstream socket is closed`, async function () {
    mock.enqueue(model, { headersDelayMs: 3000 }, { headersDelayMs: 3000 })
    await assert.rejects(client.complete(model, input, { timeout: 100 }), { code: 'AI_PROVIDER_TIMEOUT' })
    assert.equal(await lastRequest(mock).closed, true)
    await assert.rejects(collect(client.stream(model, input, { timeout: 100 })), { code: 'AI_PROVIDER_TIMEOUT' })
    assert.equal(await lastRequest(mock).closed, true)
  })

  test(`${name}: a slow stream within the timeout between chunks succeeds`, async function () {
    mock.enqueue(model, { deltas: ['a', 'b', 'c', 'd'], deltaDelayMs: 60 })
    const events = await collect(client.stream(model, input, { timeout: 150 }))
    assert.deepEqual(texts(events), ['a', 'b', 'c', 'd'])
  })

  test(`${name}: a consumer that stops iterating closes the upstream socket`, async function () {
    mock.enqueue(model, { deltas: ['a', 'b', 'c', 'd'], deltaDelayMs: 50 })
    const seen: ProviderStreamEvent[] = []
    for await (const event of client.stream(model, input, timeout)) {
      seen.push(event)
      if (seen.length === 1) break
    }
    assert.deepEqual(seen, [{ type: 'delta', text: 'a' }])
    assert.equal(await lastRequest(mock).closed, true)
  })

  test(`${name}: the caller's signal aborts with AI_ABORTED and closes the upstream socket`, async function () {
    mock.enqueue(model, { deltas: ['a', 'b', 'c', 'd'], deltaDelayMs: 50 }, { headersDelayMs: 3000 })
    const controller = new AbortController()
    const seen: ProviderStreamEvent[] = []
    await assert.rejects(async function read () {
      for await (const event of client.stream(model, input, { timeout: 5000, signal: controller.signal })) {
        seen.push(event)
        controller.abort()
      }
    }, { code: 'AI_ABORTED' })
    assert.equal(seen.length, 1)
    assert.equal(await lastRequest(mock).closed, true)

    const second = new AbortController()
    const pending = client.complete(model, input, { timeout: 5000, signal: second.signal })
    await mock.waitForRequests(2)
    second.abort()
    await assert.rejects(pending, { code: 'AI_ABORTED' })
    assert.equal(await lastRequest(mock).closed, true)
  })

  test(`${name}: an already aborted signal fails at once without a request`, async function () {
    await assert.rejects(client.complete(model, input, { timeout: 5000, signal: AbortSignal.abort() }), { code: 'AI_ABORTED' })
    await assert.rejects(collect(client.stream(model, input, { timeout: 5000, signal: AbortSignal.abort() })), { code: 'AI_ABORTED' })
    assert.equal(mock.requestCount, 0)
  })

  test(`${name}: 429 with Retry-After is AI_PROVIDER_EXCEEDED with retryAfterMs`, async function () {
    mock.enqueue(model, { status: 429, retryAfter: '7' }, { status: 429, retryAfter: '2' })
    await assert.rejects(client.complete(model, input, timeout), { code: 'AI_PROVIDER_EXCEEDED', retryAfterMs: 7000 })
    await assert.rejects(collect(client.stream(model, input, timeout)), { code: 'AI_PROVIDER_EXCEEDED', retryAfterMs: 2000 })
  })

  test(`${name}: error statuses map to their AI_* codes, for complete and stream`, async function () {
    const cases: Array<[number, string]> = [
      [500, 'AI_PROVIDER_RESPONSE_ERROR'],
      [503, 'AI_PROVIDER_RESPONSE_ERROR'],
      [401, 'AI_PROVIDER_AUTH_ERROR'],
      [403, 'AI_PROVIDER_AUTH_ERROR'],
      [400, 'AI_PROVIDER_REQUEST_REJECTED'],
      [404, 'AI_PROVIDER_REQUEST_REJECTED'],
      [402, 'AI_PROVIDER_EXCEEDED']
    ]
    for (const [status, code] of cases) {
      mock.enqueue(model, { status }, { status })
      const error = await readError(() => client.complete(model, input, timeout))
      assert.equal(error.code, code, 'complete, status ' + status)
      assert.equal(error.retryAfterMs, undefined)
      await assert.rejects(collect(client.stream(model, input, timeout)), { code }, 'stream, status ' + status)
    }
  })

  test(`${name}: complete faults: not JSON, cut body, stall, empty answer`, async function () {
    mock.enqueue(model, { malformedAfter: 0 }, { cutAfter: 0 }, { stallAfter: 0 }, { emptyAnswer: true })
    await assert.rejects(client.complete(model, input, timeout), { code: 'AI_PROVIDER_MALFORMED_RESPONSE' })
    await assert.rejects(client.complete(model, input, timeout), { code: 'AI_PROVIDER_NETWORK_ERROR' })
    await assert.rejects(client.complete(model, input, { timeout: 150 }), { code: 'AI_PROVIDER_TIMEOUT' })
    assert.equal(await lastRequest(mock).closed, true)
    await assert.rejects(client.complete(model, input, timeout), { code: 'AI_PROVIDER_EMPTY_RESPONSE' })
  })

  test(`${name}: a missing API key is AI_PROVIDER_AUTH_ERROR`, async function (t) {
    const anonymous = createProviderClient(providerOptions(settings.type, settings.baseUrl(mock.url), { apiKey: undefined, api: settings.api ?? 'chat' }), { logger: silentLogger })
    t.after(() => anonymous.close())
    await assert.rejects(anonymous.complete(model, input, timeout), { code: 'AI_PROVIDER_AUTH_ERROR', message: new RegExp(`\\(${settings.missingKeyStatus}\\)`) })
  })

  test(`${name}: errors name provider and model and keep their cause`, async function () {
    mock.enqueue(model, { deltas: ['a', 'b'], cutAfter: 1 })
    const error = await readError(() => collect(client.stream(model, input, timeout)))
    assert.match(error.message, new RegExp(`test-${settings.type}:${model}`))
    assert.ok(error.cause instanceof Error)
  })
}

interface CaughtError extends Error {
  code?: string
  retryAfterMs?: number
}

export async function readError (run: () => Promise<unknown>): Promise<CaughtError> {
  try {
    await run()
  } catch (error) {
    return error as CaughtError
  }
  assert.fail('expected a failure')
}
