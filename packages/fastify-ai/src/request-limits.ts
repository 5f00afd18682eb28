// One set of request limits for every route (SPEC §14): the /api/v1 routes and the OpenAI-compatible
// one count messages and measure texts the same way and answer the same code, 413
// AI_REQUEST_TOO_LARGE. The size of the body itself is Fastify's `bodyLimit`, checked before
// parsing on every route alike (413 AI_BODY_TOO_LARGE). Tools are counted too (`maxTools`).

import { AiRequestTooLargeError } from './errors.ts'

/** The limits a request is held to, whatever route it comes by. */
export interface RequestLimits {
  /** Longest text of one message (a prompt, a context, a history turn's prompt or response, an OpenAI message), in characters. */
  readonly maxPromptLength: number
  /** Most messages in one request: on /api/v1 the prompt, the context and two per history turn; on the OpenAI route `messages`. */
  readonly maxMessages: number
  /** Most tools one request defines (OpenAI's own cap is 128). */
  readonly maxTools: number
}

/** The defaults of `maxPromptLength`, `maxMessages` and `maxTools`. */
export const DEFAULT_REQUEST_LIMITS: RequestLimits = Object.freeze({ maxPromptLength: 100000, maxMessages: 1000, maxTools: 128 })

/** One message of a request as the limits see it. */
export interface LimitedMessage {
  /** Where it is in the request, for the error: `prompt`, `history[2].response`, `messages[3].content`. */
  field: string
  /** Its text. */
  text: string
}

function tooLarge (message: string, field: string, limit: keyof RequestLimits, max: number, actual: number): Error {
  const error = new AiRequestTooLargeError(message)
  // `details` for the /api/v1 answer, `param` for the OpenAI one.
  return Object.assign(error, { details: { field, limit, max, actual }, param: field })
}

/**
 * Hold a request's messages to the limits. `countField` names what grows the count (`history`,
 * `messages`) in the error. Throws AI_REQUEST_TOO_LARGE naming the limit and the field.
 */
export function checkRequestLimits (limits: RequestLimits, messages: LimitedMessage[], countField: string, tools?: readonly unknown[]): void {
  if (tools !== undefined && tools.length > limits.maxTools) {
    throw tooLarge(`The request defines ${tools.length} tools, more than maxTools (${limits.maxTools})`, 'tools', 'maxTools', limits.maxTools, tools.length)
  }
  if (messages.length > limits.maxMessages) {
    throw tooLarge(`The request has ${messages.length} messages, more than maxMessages (${limits.maxMessages})`, countField, 'maxMessages', limits.maxMessages, messages.length)
  }
  for (const { field, text } of messages) {
    if (text.length > limits.maxPromptLength) {
      throw tooLarge(`"${field}" is ${text.length} characters long, more than maxPromptLength (${limits.maxPromptLength})`, field, 'maxPromptLength', limits.maxPromptLength, text.length)
    }
  }
}
