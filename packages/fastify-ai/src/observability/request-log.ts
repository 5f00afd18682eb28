// Layer observability/ (metrics, spans and the request log line). May import the base files only;
// see docs/architecture.md.
//
// The one log line of a request to a gateway route (SPEC §12): what an operator asks of it, and
// nothing secret. No header is logged (so no `authorization`, no `x-api-key`), no prompt and no
// answer; the caller is a user id or an address.

import type { FastifyBaseLogger } from 'fastify'
import type { AiUsage, ObservedMiss } from '@platformatic/ai-provider'

/** What the line says. */
export interface RequestLine {
  method: string
  /** The route path (`/api/v1/prompt`, `/v1/chat/completions`, `/api/v1/sessions/*`). */
  route: string
  statusCode: number
  /** Who asked, as usage and budgets count it (`getCaller`; by default `user:<owner>`, else `ip:<address>`). */
  caller: string
  sessionId?: string
  /** The models tried, in order, with the AI_* code each did not answer with; the answering one last with `OK`. */
  models?: readonly ObservedMiss[]
  /** The model that answered. */
  model?: string
  /** Tokens of the answer. */
  tokens?: { input: number, output: number }
  /** What the answer cost, when its model has a `price` (in that price's currency). */
  cost?: number
  /** Milliseconds from the request's arrival to its end. */
  latencyMs?: number
  /** A stream: milliseconds to its model's first event. */
  timeToFirstTokenMs?: number
  /** A stream that followed an answer generated for an earlier request. */
  resumed?: boolean
  /** The AI_* code when the request failed (a stream: also after its headers were sent). */
  code?: string
}

/** A failure as the error handler answered it. */
export interface RequestFailure {
  code: string
  message: string
  statusCode: number
  /** What was thrown, logged with its stack only for AI_INTERNAL_ERROR (a bug). */
  original?: unknown
}

/** Tokens as the line says them. */
export function tokensOf (usage: AiUsage | undefined): RequestLine['tokens'] {
  return usage === undefined ? undefined : { input: usage.promptTokens, output: usage.completionTokens }
}

/** The level of a request's line. */
export function levelOf (failure: RequestFailure | undefined): 'info' | 'warn' | 'error' {
  if (failure === undefined) return 'info'
  if (failure.code === 'AI_INTERNAL_ERROR') return 'error'
  return failure.statusCode >= 500 ? 'warn' : 'info'
}

/**
 * Log the line. A known failure is an expected condition (a store outage, every model failing):
 * its code and message say everything, at warn for a 5xx and info for a 4xx. Only
 * AI_INTERNAL_ERROR, a bug, logs its stack, at error.
 */
export function logRequestLine (log: FastifyBaseLogger, line: RequestLine, failure: RequestFailure | undefined): void {
  const level = levelOf(failure)
  if (failure === undefined) log.info(line, line.code === undefined ? 'AI request' : `AI request ended with ${line.code}`)
  else if (level === 'error') log.error({ ...line, err: failure.original }, 'AI request failed')
  else if (level === 'warn') log.warn(line, `AI request failed: ${failure.message}`)
  else log.info(line, `AI request refused: ${failure.message}`)
}
