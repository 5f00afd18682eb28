import type { Logger } from './types.ts'

function ignore (): void {}

/** A logger that drops everything: the default when no logger is injected. */
export const silentLogger: Logger = Object.freeze({
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore
})
