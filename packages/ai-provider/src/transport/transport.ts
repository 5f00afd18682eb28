// Layer transport/ (one upstream call: pools, deadlines, retries, whole responses, SSE parsing).
// May import providers/, stores/ and the base files; see docs/architecture.md.
//
// The network side of every provider, written once: undici requests on the provider's pool
// (a complete call's answer read whole through dispatch, whole-response.ts; a stream's through
// `request()`), the call timeout, aborts, SSE framing, and turning whatever went wrong into an
// AI_* error. Adapters (./providers/) only build requests and read what comes back.
//
// Timeout: `timeout` bounds a complete call as a whole. For a stream it bounds the wait for
// the headers and then the silence between two chunks; time spent while the consumer holds an
// event (a slow client) is not counted as upstream silence.
// Every failure, timeout, abort and early exit of the consumer aborts the upstream request;
// bodies are always read to their end or destroyed, so no socket is leaked.

import type { EventEmitter } from 'node:events'
import type { Dispatcher } from 'undici'
import type { Logger } from '../types.ts'
import type { ProviderAnswer, ProviderCallOptions, ProviderInput, ProviderStreamEvent } from '../provider.ts'
import type { ProviderAdapter, ProviderBodyOptions, ProviderStreamEnd } from '../providers/adapter.ts'
import {
  AiAbortedError,
  AiProviderEmptyResponseError,
  AiProviderMalformedResponseError,
  AiProviderNetworkError,
  AiProviderStreamError,
  AiProviderTimeoutError,
  AiShuttingDownError
} from '../errors.ts'
import { errorObject, parseErrorBody, shortMessage, withCause } from '../providers/upstream-error.ts'
import { createSseParser } from './sse-parser.ts'
import type { BatchIterator } from './event-batches.ts'
import { eventBatches } from './event-batches.ts'
import { DeadlineQueues } from './deadlines.ts'
import { UpstreamCall } from './upstream-call.ts'
import { AnswerTooLargeError, requestWhole } from './whole-response.ts'
import { retryAfterMs } from './retry-after.ts'

export { retryAfterMs }

/** Most bytes of an error body read to build the error message. */
const MAX_ERROR_BODY_BYTES = 64 * 1024
/** Most bytes of one stream frame held while it is incomplete. */
const MAX_FRAME_BYTES = 16 * 1024 * 1024

/** What the transport needs to speak to one configured provider. */
export interface TransportOptions {
  /** The provider's configured name, first half of `provider:model` in messages. */
  name: string
  adapter: ProviderAdapter
  /** The provider's pool (its origin is the base URL's origin). */
  dispatcher: Dispatcher
  /**
   * Origin of the base URL. A Pool has its own; a dispatcher given instead (an Agent, a
   * ProxyAgent) routes each request by it.
   */
  origin: string
  /** Path of the base URL, without trailing slash (`''` for an origin). */
  basePath: string
  /** Request headers, built once by the adapter. */
  headers: Record<string, string>
  /** What the provider's configuration changes in request bodies. */
  body: ProviderBodyOptions
  logger: Logger
}

/** Calls of one provider; the provider client wraps it. */
export interface Transport {
  complete (model: string, input: ProviderInput, options: ProviderCallOptions): Promise<ProviderAnswer>
  /** The provider stream; its iterator can also be read a chunk's events at a time (`nextBatch`). */
  stream (model: string, input: ProviderInput, options: ProviderCallOptions): BatchIterator<ProviderStreamEvent>
  /**
   * POST `body` to `path` (built by the caller, e.g. an embeddings path) and resolve with the
   * parsed JSON of a 2xx answer; the same deadline, aborts and errors as `complete`.
   */
  postJson (model: string, path: string, body: string, options: ProviderCallOptions): Promise<unknown>
  /** Aborts every call in flight (they fail with AI_SHUTTING_DOWN) and refuses new ones. */
  shutdown (): void
}

/** Builds the transport of one provider. */
export function createTransport (options: TransportOptions): Transport {
  const { name, adapter, dispatcher, origin, basePath, headers, body: bodyOptions, logger } = options
  const inFlight = new Set<UpstreamCall>()
  const deadlines = new DeadlineQueues()
  let closing = false

  function start (model: string, callOptions: ProviderCallOptions): UpstreamCall {
    if (closing) throw new AiShuttingDownError()
    if (callOptions.signal?.aborted === true) throw withCause(new AiAbortedError(), callOptions.signal.reason)
    const call = new UpstreamCall(name + ':' + model, callOptions, deadlines.of(callOptions.timeout))
    inFlight.add(call)
    return call
  }

  function end (call: UpstreamCall): void {
    call.finish()
    inFlight.delete(call)
  }

  /** Whatever went wrong, as the AI_* error that says why. */
  function failure (call: UpstreamCall, error: unknown): Error {
    let result: Error
    if (closing && call.aborted) {
      result = withCause(new AiShuttingDownError(), error)
    } else if (call.timedOut) {
      result = withCause(new AiProviderTimeoutError(call.label, call.deadlines.timeout), error)
    } else if (call.callerSignal?.aborted === true) {
      result = withCause(new AiAbortedError(), error)
    } else if (isAiError(error)) {
      result = error
    } else if (error instanceof AnswerTooLargeError) {
      result = withCause(new AiProviderMalformedResponseError(call.label, error.message), error)
    } else {
      result = withCause(new AiProviderNetworkError(call.label, networkMessage(error)), error)
    }
    logger.debug({ provider: name, label: call.label, code: (result as { code?: string }).code, err: error }, 'provider call failed')
    return result
  }

  /** The POST of one call, to a stream or a complete path, with the call's own headers if any. */
  function post (path: string, body: string, extra: ProviderCallOptions['headers']): Dispatcher.DispatchOptions {
    return {
      origin,
      path,
      method: 'POST',
      headers: extra === undefined ? headers : { ...headers, ...extra },
      body,
      // The call's own deadline bounds the wait; undici's timers would only duplicate it.
      headersTimeout: 0,
      bodyTimeout: 0
    }
  }

  function send (call: UpstreamCall, path: string, body: string, extra: ProviderCallOptions['headers']): Promise<Dispatcher.ResponseData> {
    const options: Dispatcher.RequestOptions = post(path, body, extra)
    // An EventEmitter-shaped signal, which undici takes (see UpstreamCall).
    options.signal = call as unknown as EventEmitter
    return dispatcher.request(options)
  }

  async function complete (model: string, input: ProviderInput, callOptions: ProviderCallOptions): Promise<ProviderAnswer> {
    const call = start(model, callOptions)
    try {
      const options = post(adapter.completePath(basePath, model), adapter.buildBody(model, input, false, bodyOptions), callOptions.headers)
      const response = await requestWhole(dispatcher, options, call, MAX_ERROR_BODY_BYTES)
      if (response.statusCode < 200 || response.statusCode > 299) throw upstreamError(adapter, call, response.statusCode, response.text, response.headers)
      let json: unknown
      try {
        json = JSON.parse(response.text)
      } catch (error) {
        throw withCause(new AiProviderMalformedResponseError(call.label, 'answer is not JSON'), error)
      }
      return adapter.readAnswer(json, call.label)
    } catch (error) {
      // The exchange is over here (requestWhole settles only then); marking the call aborted
      // is what lets failure() tell a call cut by shutdown.
      call.abort()
      throw failure(call, error)
    } finally {
      end(call)
    }
  }

  async function postJson (model: string, path: string, body: string, callOptions: ProviderCallOptions): Promise<unknown> {
    const call = start(model, callOptions)
    try {
      const response = await requestWhole(dispatcher, post(path, body, callOptions.headers), call, MAX_ERROR_BODY_BYTES)
      if (response.statusCode < 200 || response.statusCode > 299) throw upstreamError(adapter, call, response.statusCode, response.text, response.headers)
      try {
        return JSON.parse(response.text)
      } catch (error) {
        throw withCause(new AiProviderMalformedResponseError(call.label, 'answer is not JSON'), error)
      }
    } catch (error) {
      call.abort()
      throw failure(call, error)
    } finally {
      end(call)
    }
  }

  /** The public contract (one event at a time), with `nextBatch()` for the stream producer. */
  function stream (model: string, input: ProviderInput, callOptions: ProviderCallOptions): BatchIterator<ProviderStreamEvent> {
    return eventBatches(streamBatches(model, input, callOptions))
  }

  // Yields all the events parsed from one network chunk together (never an empty batch).
  async function * streamBatches (model: string, input: ProviderInput, callOptions: ProviderCallOptions): AsyncGenerator<ProviderStreamEvent[], void, undefined> {
    const call = start(model, callOptions)
    let bodyComplete = false
    try {
      const response = await send(call, adapter.streamPath(basePath, model), adapter.buildBody(model, input, true, bodyOptions), callOptions.headers)
      if (response.statusCode < 200 || response.statusCode > 299) throw await readFailure(adapter, call, response)
      const contentType = response.headers['content-type']
      if (typeof contentType !== 'string' || !contentType.includes('text/event-stream')) {
        throw await readUnexpectedBody(call, response, contentType)
      }

      const state = adapter.createStreamState()
      const frames: string[] = []
      /** An `event: error` frame: the frames before it in its chunk still go out, then it ends the stream. */
      let eventError: Error | undefined
      const parser = createSseParser(function collectFrame (event) {
        if (eventError !== undefined) return
        // Some servers report a failure as `event: error`; it ends the stream like an in-band error object.
        if (event.event === 'error') {
          // `{"error":{"message"}}` (Anthropic, most servers) or the Responses API's `{"type":"error","message"}`.
          const body = parseErrorBody(event.data)
          const error = errorObject(body) ?? (body !== null && typeof body === 'object' ? body as Record<string, unknown> : undefined)
          eventError = new AiProviderStreamError(call.label, shortMessage(typeof error?.message === 'string' ? error.message : event.data))
          return
        }
        frames.push(event.data)
      })
      let sawText = false
      let ending: ProviderStreamEnd | undefined
      /** Bytes received since a frame last ended: one frame is bounded, whatever an upstream sends. */
      let sinceFrame = 0

      for await (const chunk of response.body) {
        call.touch()
        // After the terminator only the end of the body is awaited, so the socket can be reused.
        if (ending !== undefined) continue
        parser.push(chunk)
        sinceFrame = frames.length > 0 || eventError !== undefined ? 0 : sinceFrame + chunk.length
        if (sinceFrame > MAX_FRAME_BYTES) throw new AiProviderMalformedResponseError(call.label, `a stream frame is larger than ${MAX_FRAME_BYTES} bytes`)
        const batch: ProviderStreamEvent[] = []
        let failed = false
        let parseError: unknown
        try {
          for (let i = 0; i < frames.length && ending === undefined; i++) {
            const read = adapter.readStreamEvent(frames[i], state, call.label)
            if (read === undefined) continue
            if (!Array.isArray(read)) {
              if (read.type === 'end') ending = read
              else batch.push(read)
              continue
            }
            // Several events of one frame (tool calls completed together, maybe the end after them).
            for (const event of read) {
              if (event.type === 'end') {
                ending = event
                break
              }
              batch.push(event)
            }
          }
        } catch (error) {
          // The events read before the bad frame still go out, then the failure.
          failed = true
          parseError = error
        }
        frames.length = 0
        if (!failed && eventError !== undefined) {
          failed = true
          parseError = eventError
        }
        // A tool call is an answer as much as text is.
        if (batch.length > 0) sawText = true
        if (ending !== undefined && !sawText) throw new AiProviderEmptyResponseError(call.label)
        if (ending !== undefined) batch.push(ending)
        if (batch.length > 0) {
          call.paused = true
          yield batch
          call.paused = false
          // The silence window restarts once the chunk's events were taken, not after each one.
          call.touch()
        }
        if (failed) throw parseError
      }
      bodyComplete = true
      if (ending !== undefined) return

      parser.end()
      if (eventError !== undefined) throw eventError
      const rest = adapter.readStreamEnd(state, call.label)
      const last = Array.isArray(rest) ? rest.at(-1) : rest
      if (last?.type !== 'end') throw new AiProviderNetworkError(call.label, 'the stream ended before its terminator')
      const events = Array.isArray(rest) ? rest : [last]
      if (!sawText && events.length === 1) throw new AiProviderEmptyResponseError(call.label)
      yield events
    } catch (error) {
      call.abort()
      throw failure(call, error)
    } finally {
      // The consumer stopped early (return()/break) or something failed: stop upstream.
      if (!bodyComplete) call.abort()
      end(call)
    }
  }

  return {
    complete,
    stream,
    postJson,
    shutdown: function shutdown (): void {
      closing = true
      for (const call of inFlight) call.abort()
    }
  }
}

/** Reads (up to 64 KB of) a non-2xx answer and lets the adapter turn it into an AI_* error. */
async function readFailure (adapter: ProviderAdapter, call: UpstreamCall, response: Dispatcher.ResponseData): Promise<Error> {
  return upstreamError(adapter, call, response.statusCode, await readBoundedText(response.body), response.headers)
}

/** The adapter's AI_* error for a non-2xx answer (its status, up to 64 KB of its body, its Retry-After). */
function upstreamError (adapter: ProviderAdapter, call: UpstreamCall, statusCode: number, text: string, headers: Record<string, string | string[] | undefined>): Error {
  return adapter.readError(statusCode, text, call.label, retryAfterMs(headers))
}

/** A 2xx stream answer that is not an event stream: an error object, or unreadable. */
async function readUnexpectedBody (call: UpstreamCall, response: Dispatcher.ResponseData, contentType: unknown): Promise<Error> {
  const text = await readBoundedText(response.body)
  const error = errorObject(parseErrorBody(text))
  if (error !== undefined) {
    return new AiProviderStreamError(call.label, shortMessage(typeof error.message === 'string' ? error.message : text))
  }
  return new AiProviderMalformedResponseError(call.label, 'expected text/event-stream, got ' + String(contentType ?? 'no content type'))
}

async function readBoundedText (body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    chunks.push(chunk)
    size += chunk.length
    // Leaving the loop destroys the rest of the body (and its socket): enough was read.
    if (size >= MAX_ERROR_BODY_BYTES) break
  }
  return Buffer.concat(chunks, size).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8')
}

function isAiError (error: unknown): error is Error {
  if (!(error instanceof Error)) return false
  const code: unknown = (error as Error & { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('AI_')
}

function networkMessage (error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code + ' ' + error.message : error.message
}
