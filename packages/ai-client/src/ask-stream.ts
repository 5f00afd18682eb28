// A streamed answer as an async iterator of messages, with automatic resume: when the
// connection drops (a network error, or the body ends before `end`/`error`), the same request
// is sent again with the session id and `Last-Event-ID`, and the iterator goes on from there.
import {
  AiClientAbortError,
  AiClientError,
  AiClientHttpError,
  AiClientNetworkError,
  AiClientResponseError
} from './errors.ts'
import { openExchange, requestJson, toHttpError } from './exchange.ts'
import type { Exchange } from './exchange.ts'
import type { NormalizedClientOptions, NormalizedResumeOptions } from './options.ts'
import { createSseParser } from './sse-parser.ts'
import { toStreamMessage } from './stream-message.ts'
import type { AskStreamMessage, AskStreamResponse } from './types.ts'

// Statuses a reconnection may meet while a deployment or a proxy is in the way, or when the
// reconnection itself takes the caller over a rate limit: worth retrying (after Retry-After).
const retryableStatuses = new Set([429, 502, 503, 504])

/** The request of a streamed ask. */
export interface StreamRequest {
  /** The JSON body of the stream route. */
  body: Record<string, unknown>
  /** Cancels the request and the stream. */
  signal?: AbortSignal
}

/** True when event id `id` comes after `last` (decimal ids compare as numbers). */
export function isAfter (id: string, last: string): boolean {
  if (id === last) return false
  if (!/^\d+$/.test(id) || !/^\d+$/.test(last)) return true
  const a = id.replace(/^0+(?=\d)/, '')
  const b = last.replace(/^0+(?=\d)/, '')
  return a.length === b.length ? a > b : a.length > b.length
}

/** The delay before reconnection number `attempt` (1-based): exponential, capped. */
export function resumeDelay (resume: NormalizedResumeOptions, attempt: number): number {
  return Math.min(resume.initialDelay * 2 ** (attempt - 1), resume.maxDelay)
}

/**
 * The delay before reconnection number `attempt`, after `failure`: the backoff, or the server's
 * Retry-After when longer. Undefined when Retry-After is longer than `maxDelay` (give up).
 */
export function reconnectDelay (resume: NormalizedResumeOptions, attempt: number, failure: AiClientError): number | undefined {
  const backoff = resumeDelay(resume, attempt)
  if (!(failure instanceof AiClientHttpError) || failure.retryAfter === undefined) return backoff
  const retryAfter = failure.retryAfter * 1000
  return retryAfter > resume.maxDelay ? undefined : Math.max(backoff, retryAfter)
}

function sleep (ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise(function wait (resolve, reject) {
    if (signal?.aborted) {
      reject(new AiClientAbortError({ cause: signal.reason }))
      return
    }
    const timer = setTimeout(function done () {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    function onAbort (): void {
      clearTimeout(timer)
      reject(new AiClientAbortError({ cause: signal?.reason }))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

function streamHeaders (options: NormalizedClientOptions): Record<string, string> {
  return { ...options.headers, 'content-type': 'application/json', accept: 'text/event-stream' }
}

async function openStreamExchange (options: NormalizedClientOptions, body: Record<string, unknown>, headers: Record<string, string>, signal?: AbortSignal): Promise<Exchange> {
  options.logger.debug({ url: options.streamUrl, lastEventId: headers['last-event-id'] }, 'ai-client: stream request')
  const exchange = await openExchange(options, {
    url: options.streamUrl,
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal
  })
  if (!exchange.response.ok) throw await toHttpError(exchange)
  const type = exchange.response.headers.get('content-type') ?? ''
  if (type.startsWith('application/json')) {
    exchange.close()
    throw new AiClientResponseError(`Expected an event stream from ${options.streamUrl}, got ${type}`)
  }
  return exchange
}

/** Sends a streamed ask; resolves once the answer's headers arrived. */
export async function askStream (options: NormalizedClientOptions, request: StreamRequest): Promise<AskStreamResponse> {
  const headers = streamHeaders(options)
  const first = await openStreamExchange(options, request.body, headers, request.signal)
  const headerSessionId = first.response.headers.get(options.headerSessionIdName)
  const sessionId = headerSessionId ?? (typeof request.body.sessionId === 'string' ? request.body.sessionId : undefined)
  const stopCancelling = cancelOnAbort(options, request.signal, sessionId)
  return {
    stream: readMessages(options, request, first, sessionId, stopCancelling),
    headers: first.response.headers
  }
}

/**
 * While the answer is being read, an abort of `signal` is a cancel, not a lost connection: it
 * also asks the server to stop generating (`DELETE sessions/:id/stream`, best effort; the
 * server would otherwise finish the answer for a resume). Returns what stops listening.
 */
function cancelOnAbort (options: NormalizedClientOptions, signal: AbortSignal | undefined, sessionId: string | undefined): () => void {
  if (signal === undefined || sessionId === undefined) return function nothingToStop () {}
  function cancelOnServer (): void {
    const url = `${options.sessionsUrl}/${encodeURIComponent(sessionId as string)}/stream`
    requestJson(options, { url, method: 'DELETE', headers: { ...options.headers, accept: 'application/json' } }).catch(function cancelFailed (error: unknown) {
      options.logger.debug({ sessionId, err: error }, 'ai-client: could not cancel the answer on the server')
    })
  }
  signal.addEventListener('abort', cancelOnServer, { once: true })
  return function stopCancelling () { signal.removeEventListener('abort', cancelOnServer) }
}

async function * readMessages (
  options: NormalizedClientOptions,
  request: StreamRequest,
  first: Exchange,
  sessionId: string | undefined,
  stopCancelling: () => void
): AsyncGenerator<AskStreamMessage, void, undefined> {
  const { logger } = options
  let exchange = first
  let lastEventId: string | undefined
  // Reconnections in a row that brought nothing new.
  let failures = 0

  async function reconnect (failure: AiClientError): Promise<Exchange> {
    const resume = options.resume
    while (true) {
      if (resume === false || sessionId === undefined) throw failure
      failures++
      if (failures > resume.maxAttempts) {
        logger.warn({ attempts: failures - 1, sessionId, lastEventId, code: failure.code }, 'ai-client: giving up resuming the stream')
        throw failure
      }
      const delay = reconnectDelay(resume, failures, failure)
      if (delay === undefined) {
        logger.warn({ sessionId, lastEventId, code: failure.code, retryAfter: (failure as AiClientHttpError).retryAfter }, 'ai-client: the server asks to wait longer than resume.maxDelay, giving up resuming')
        throw failure
      }
      logger.warn({ attempt: failures, delay, sessionId, lastEventId, code: failure.code, reason: failure.message }, 'ai-client: stream interrupted, resuming')
      await sleep(delay, request.signal)
      // The session now holds the history: sending it again with sessionId is a 400.
      const { history, ...body } = request.body
      const headers = streamHeaders(options)
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
      try {
        return await openStreamExchange(options, { ...body, sessionId, resume: true }, headers, request.signal)
      } catch (error) {
        const retryable = error instanceof AiClientNetworkError ||
          (error instanceof AiClientError && error.statusCode !== undefined && retryableStatuses.has(error.statusCode))
        if (!retryable) throw error
        failure = error as AiClientError
      }
    }
  }

  try {
    while (true) {
      let failure: AiClientError
      try {
        const parser = createSseParser()
        for (let chunk = await exchange.read(); chunk !== undefined; chunk = await exchange.read()) {
          for (const event of parser.push(chunk)) {
            if (event.id !== undefined && event.id !== '') {
              if (lastEventId !== undefined && !isAfter(event.id, lastEventId)) {
                logger.debug({ id: event.id, lastEventId }, 'ai-client: skipping an event already received')
                continue
              }
              lastEventId = event.id
            }
            const message = toStreamMessage(event)
            if (message === undefined) {
              logger.debug({ event: event.event }, 'ai-client: skipping an unknown event')
              continue
            }
            failures = 0
            if (message.type === 'done' && message.response.sessionId === '' && sessionId !== undefined) {
              message.response.sessionId = sessionId
            }
            const last = message.type === 'done' || message.type === 'error'
            // The answer is over: aborting now cancels nothing.
            if (last) stopCancelling()
            yield message
            if (last) return
          }
        }
        failure = new AiClientNetworkError('The stream ended before its end event')
      } catch (error) {
        if (!(error instanceof AiClientNetworkError)) throw error
        failure = error
      }
      exchange.close()
      exchange = await reconnect(failure)
    }
  } finally {
    exchange.close()
  }
}
