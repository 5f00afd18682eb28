import type { Logger } from './types.ts'

function ignore (): void {}

/** A logger that drops everything: the default when no logger is injected. */
export const silentLogger: Logger = Object.freeze({
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore
})

/**
 * A store write that failed on a path where the request already has its own error. The store
 * being down (AI_STORAGE_UNAVAILABLE) is said once per request by the route and once per outage
 * by the connection: here one line at debug, without the stack. Anything else is unexpected
 * and keeps its stack.
 */
export function logStoreFailure (logger: Logger, error: unknown, sessionId: string, message: string): void {
  const code = (error as { code?: unknown } | null | undefined)?.code
  if (code === 'AI_STORAGE_UNAVAILABLE') logger.debug({ code, sessionId }, message)
  else logger.error({ err: error, sessionId }, message)
}
