// Loggers with pino's argument order (`logger.info(object, message)`), so a pino logger can be
// passed as it is.
import type { AiClientLogger } from './types.ts'

function noop (): void {}

/** A logger that drops everything (the default). */
export const nullLogger: AiClientLogger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop })

/** A logger writing to the console, for quick debugging without pino. */
export const consoleLogger: AiClientLogger = Object.freeze({
  debug: function debug (object: Record<string, unknown>, message?: string) { console.debug(message ?? '', object) },
  info: function info (object: Record<string, unknown>, message?: string) { console.info(message ?? '', object) },
  warn: function warn (object: Record<string, unknown>, message?: string) { console.warn(message ?? '', object) },
  error: function error (object: Record<string, unknown>, message?: string) { console.error(message ?? '', object) }
})
