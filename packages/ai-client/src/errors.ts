// The client's error tree. Every error it throws or yields is one of these classes, so callers
// can branch with `instanceof` or on the stable `code`, never on message text.
// (No @fastify/error here: the client has no runtime dependencies.)

/** Options shared by every client error. */
export interface AiClientErrorOptions {
  /** What caused this error, when it wraps another one. */
  cause?: unknown
}

/** Base class of every error of @platformatic/ai-client. */
export class AiClientError extends Error {
  /** Stable machine-readable code: the server's `AI_*` code, or an `AI_CLIENT_*` code. */
  code: string
  /** HTTP status, when the error comes from an HTTP answer. */
  statusCode?: number

  constructor (message: string, code: string, options: AiClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
  }
}

/** A client option is invalid (thrown by `buildClient` and `ask`). */
export class AiClientOptionsError extends AiClientError {
  /** Name of the bad option. */
  option: string

  constructor (option: string, message: string) {
    super(`Invalid option "${option}": ${message}`, 'AI_CLIENT_INVALID_OPTION')
    this.option = option
  }
}

/** Options of an {@link AiClientHttpError}. */
export interface AiClientHttpErrorOptions extends AiClientErrorOptions {
  /** HTTP status of the answer. */
  statusCode: number
  /** The server's `code` (`AI_*`), or `AI_CLIENT_HTTP_ERROR` when the body had none. */
  code?: string
  /** The server's `details`. */
  details?: Record<string, unknown>
  /** Seconds from the `Retry-After` header. */
  retryAfter?: number
  /** The answer's headers. */
  headers?: Headers
}

/** The server answered with a non-2xx status. */
export class AiClientHttpError extends AiClientError {
  declare statusCode: number
  /** The server's `details` (e.g. the attempts of `AI_NO_MODELS_AVAILABLE`). */
  details?: Record<string, unknown>
  /** Seconds to wait before trying again, from the `Retry-After` header. */
  retryAfter?: number
  /** The answer's headers. */
  headers?: Headers

  constructor (message: string, options: AiClientHttpErrorOptions) {
    super(message, options.code ?? 'AI_CLIENT_HTTP_ERROR', options)
    this.statusCode = options.statusCode
    this.details = options.details
    this.retryAfter = options.retryAfter
    this.headers = options.headers
  }
}

/** The server sent nothing for longer than `timeout` (before the headers or between events). */
export class AiClientTimeoutError extends AiClientError {
  /** The timeout that elapsed, in milliseconds. */
  timeout: number

  constructor (timeout: number) {
    super(`No data from the server for ${timeout} ms`, 'AI_CLIENT_TIMEOUT')
    this.timeout = timeout
  }
}

/** The connection failed or was cut (and could not be resumed). */
export class AiClientNetworkError extends AiClientError {
  constructor (message: string, options: AiClientErrorOptions = {}) {
    super(message, 'AI_CLIENT_NETWORK_ERROR', options)
  }
}

/** The server answered 2xx with a body the client cannot read. */
export class AiClientResponseError extends AiClientError {
  constructor (message: string, options: AiClientErrorOptions = {}) {
    super(message, 'AI_CLIENT_BAD_RESPONSE', options)
  }
}

/** The server ended a stream with an `error` event (yielded as a message, not thrown). */
export class AiClientStreamError extends AiClientError {}

/** The caller's `signal` aborted the request. `cause` is the signal's reason. */
export class AiClientAbortError extends AiClientError {
  constructor (options: AiClientErrorOptions = {}) {
    super('The request was aborted', 'AI_CLIENT_ABORTED', options)
  }
}
