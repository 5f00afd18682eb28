// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// Status-to-error mapping shared by every adapter: the adapter extracts the message and says
// whether the body names a quota/billing problem; the classes are decided here, in one place.

import {
  AiProviderAuthError,
  AiProviderExceededError,
  AiProviderMalformedResponseError,
  AiProviderRequestRejectedError,
  AiProviderResponseError
} from '../errors.ts'

const MAX_MESSAGE_LENGTH = 500

/** An AI_PROVIDER_EXCEEDED error, carrying the provider's Retry-After when it sent one. */
export interface ProviderExceededError extends Error {
  code: 'AI_PROVIDER_EXCEEDED'
  /** Milliseconds the provider asked to wait (Retry-After), when it said so. */
  retryAfterMs?: number
}

/**
 * 429, 402 or a quota/billing body -> AI_PROVIDER_EXCEEDED (with `retryAfterMs`),
 * 401/403 -> AI_PROVIDER_AUTH_ERROR, 5xx -> AI_PROVIDER_RESPONSE_ERROR,
 * other statuses -> AI_PROVIDER_REQUEST_REJECTED.
 */
export function errorFromStatus (label: string, status: number, message: string, quota: boolean, retryAfterMs: number | undefined): Error {
  if (quota || status === 429 || status === 402) {
    const error: ProviderExceededError = new AiProviderExceededError(label, status, message) as ProviderExceededError
    if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs
    return error
  }
  if (status === 401 || status === 403) return new AiProviderAuthError(label, status)
  if (status >= 500) return new AiProviderResponseError(label, status, message)
  return new AiProviderRequestRejectedError(label, status, message)
}

/** Sets `cause` on an AI_* error (their constructors' types take only the message arguments). */
export function withCause<E extends Error> (error: E, cause: unknown): E {
  error.cause = cause
  return error
}

/** A body's text made safe for an error message (bounded, one line). */
export function shortMessage (text: string): string {
  const trimmed = text.length > MAX_MESSAGE_LENGTH ? text.slice(0, MAX_MESSAGE_LENGTH) + '…' : text
  return trimmed.replace(/\s+/g, ' ').trim() || 'no details'
}

/** Parses an error body as JSON; undefined when it is not JSON. */
export function parseErrorBody (body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

/**
 * The `error` member of a `{"error": {…}}` body (or of its first item when the body is an
 * array). A string `error` (Ollama and some gateways) becomes `{ message }`.
 */
export function errorObject (json: unknown): Record<string, unknown> | undefined {
  const value = Array.isArray(json) ? json[0] : json
  if (value === null || typeof value !== 'object') return undefined
  const error = (value as { error?: unknown }).error
  if (typeof error === 'string') return { message: error }
  if (error === null || typeof error !== 'object') return undefined
  return error as Record<string, unknown>
}

/**
 * The parsed data of one stream event: a JSON object (or array, for formats that send one).
 * Throws AI_PROVIDER_MALFORMED_RESPONSE, with the parse error as cause, for anything else.
 */
export function parseStreamData (data: string, label: string): object {
  let json: unknown
  try {
    json = JSON.parse(data)
  } catch (error) {
    throw withCause(new AiProviderMalformedResponseError(label, 'stream event is not JSON'), error)
  }
  if (json === null || typeof json !== 'object') throw new AiProviderMalformedResponseError(label, 'stream event is not an object')
  return json
}
