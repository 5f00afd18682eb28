// Per-caller request budget of the AI routes (SPEC §7): per user id when authenticated, else per
// IP, counted with the core's store so every instance on the same Valkey shares one count.

import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AiStore } from '@platformatic/ai-provider'
import { AiCallerRateLimitedError } from '@platformatic/ai-provider'
import { timeWindowToMs } from './time-window.ts'

/** The `callerRateLimit` section of the configuration. */
export interface CallerRateLimitOptions {
  /** Requests per window and caller. */
  max: number
  /** Window length: milliseconds or `<n>ms|s|m|h|d`. */
  timeWindow: number | string
}

/**
 * Who a request comes from: `user:<id>` when authenticated, else `ip:<address>`. The caller rate
 * limit counts by it, and usage and caller budgets (fastify-ai's `getCaller`) are kept by it.
 */
export function callerOf (request: FastifyRequest, ownerOf: (request: FastifyRequest) => string | undefined): string {
  const owner = ownerOf(request)
  return owner === undefined ? `ip:${request.ip}` : `user:${owner}`
}

/** Build the onRequest hook that takes one unit of the caller's budget or answers 429. */
export function createCallerRateLimit (
  options: CallerRateLimitOptions,
  getStore: () => AiStore,
  ownerOf: (request: FastifyRequest) => string | undefined
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const windowMs = timeWindowToMs(options.timeWindow)

  return async function limitCaller (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const result = await getStore().consume(`caller:${callerOf(request, ownerOf)}`, options.max, windowMs)
    if (result.allowed) return
    const retryAfter = Math.max(1, Math.ceil(result.resetInMs / 1000))
    reply.header('retry-after', String(retryAfter))
    const error = new AiCallerRateLimitedError(retryAfter)
    Object.assign(error, { retryAfter })
    throw error
  }
}
