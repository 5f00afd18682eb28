// One HTTP request/answer with the client's timeout rule: `timeout` bounds the wait for the
// headers and for each next body chunk, never the whole answer. Every failure is mapped to a
// typed error here, in one place: the caller's abort, a stall, or a network failure.
import {
  AiClientAbortError,
  AiClientError,
  AiClientHttpError,
  AiClientNetworkError,
  AiClientResponseError,
  AiClientTimeoutError
} from './errors.ts'
import type { NormalizedClientOptions } from './options.ts'

/** What to send. */
export interface ExchangeRequest {
  url: string
  method: 'GET' | 'POST' | 'DELETE'
  headers: Record<string, string>
  body?: string
  signal?: AbortSignal
}

/** An answer whose headers arrived; its body is read chunk by chunk. */
export interface Exchange {
  response: Response
  /** The next body chunk, or undefined at the end of the body. */
  read (): Promise<Uint8Array | undefined>
  /** Stops reading and closes the connection. */
  close (): void
}

function errorMessage (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Sends a request and waits for its headers. */
export async function openExchange (options: NormalizedClientOptions, request: ExchangeRequest): Promise<Exchange> {
  const { signal } = request
  if (signal?.aborted) throw new AiClientAbortError({ cause: signal.reason })
  const controller = new AbortController()
  let failure: AiClientError | undefined
  let closed = false
  let timer: ReturnType<typeof setTimeout> | undefined
  // Assigned once the headers arrived; `fail` may run before.
  const body: { reader?: ReadableStreamDefaultReader<Uint8Array> } = {}

  function fail (error: AiClientError): void {
    if (failure !== undefined || closed) return
    failure = error
    controller.abort(error)
    // Settles a pending read even if the fetch implementation does not error the body on abort.
    body.reader?.cancel(error).catch(noop)
  }
  function onAbort (): void {
    fail(new AiClientAbortError({ cause: signal?.reason }))
  }
  function onTimeout (): void {
    fail(new AiClientTimeoutError(options.timeout))
  }
  function arm (): void {
    timer = setTimeout(onTimeout, options.timeout)
  }
  function disarm (): void {
    clearTimeout(timer)
  }
  function cleanup (): void {
    disarm()
    signal?.removeEventListener('abort', onAbort)
  }

  signal?.addEventListener('abort', onAbort, { once: true })
  arm()
  let response: Response
  try {
    response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: controller.signal
    })
  } catch (error) {
    cleanup()
    throw failure ?? new AiClientNetworkError(`${request.method} ${request.url} failed: ${errorMessage(error)}`, { cause: error })
  } finally {
    disarm()
  }
  const reader = response.body?.getReader()
  body.reader = reader

  async function read (): Promise<Uint8Array | undefined> {
    if (failure !== undefined) throw failure
    if (closed || reader === undefined) {
      // A body-less answer (204) ends here: drop the listener on the caller's signal.
      cleanup()
      return undefined
    }
    arm()
    let chunk: ReadableStreamReadResult<Uint8Array>
    try {
      chunk = await reader.read()
    } catch (error) {
      cleanup()
      throw failure ?? new AiClientNetworkError(`Connection lost while reading ${request.url}: ${errorMessage(error)}`, { cause: error })
    } finally {
      disarm()
    }
    if (failure !== undefined) throw failure
    if (chunk.done) {
      cleanup()
      return undefined
    }
    return chunk.value
  }

  function close (): void {
    if (closed) return
    closed = true
    cleanup()
    if (failure === undefined) controller.abort()
    reader?.cancel().catch(noop)
  }

  return { response, read, close }
}

function noop (): void {}

/** Reads the whole body as text. */
export async function readText (exchange: Exchange): Promise<string> {
  const decoder = new TextDecoder()
  let text = ''
  for (let chunk = await exchange.read(); chunk !== undefined; chunk = await exchange.read()) {
    text += decoder.decode(chunk, { stream: true })
  }
  return text + decoder.decode()
}

/** Seconds of a `Retry-After` header (delta-seconds or an HTTP date). */
export function parseRetryAfter (value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined
  if (/^\s*\d+\s*$/.test(value)) return Number(value)
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, Math.ceil((date - now) / 1000))
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Reads a non-2xx answer into an AiClientHttpError (the server's `{code, message, details}`). */
export async function toHttpError (exchange: Exchange): Promise<AiClientHttpError> {
  const { response } = exchange
  let text = ''
  try {
    text = await readText(exchange)
  } catch (error) {
    if (error instanceof AiClientAbortError) throw error
    // The status is what matters; a body cut short only loses the details.
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  const options = {
    statusCode: response.status,
    retryAfter: parseRetryAfter(response.headers.get('retry-after')),
    headers: response.headers
  }
  if (isRecord(body) && typeof body.message === 'string') {
    return new AiClientHttpError(body.message, {
      ...options,
      code: typeof body.code === 'string' ? body.code : undefined,
      details: isRecord(body.details) ? body.details : undefined
    })
  }
  const excerpt = text.length > 500 ? text.slice(0, 500) + '…' : text
  return new AiClientHttpError(`HTTP ${response.status}${excerpt === '' ? '' : ': ' + excerpt}`, options)
}

/** Sends a request and reads a JSON answer; non-2xx answers throw AiClientHttpError. */
export async function requestJson (options: NormalizedClientOptions, request: ExchangeRequest): Promise<{ body: unknown, headers: Headers }> {
  const exchange = await openExchange(options, request)
  if (!exchange.response.ok) throw await toHttpError(exchange)
  const text = await readText(exchange)
  if (text === '') return { body: undefined, headers: exchange.response.headers }
  try {
    return { body: JSON.parse(text), headers: exchange.response.headers }
  } catch (error) {
    throw new AiClientResponseError(`Expected JSON from ${request.url}, got: ${text.slice(0, 200)}`, { cause: error })
  }
}
