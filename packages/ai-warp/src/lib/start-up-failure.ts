// A configuration error stops start-up once, with its message and exit code 1.
//
// Watt runs an application in a worker thread and, when the worker fails before it is
// initialized, starts a new one, five times in all (MAX_BOOTSTRAP_ATTEMPTS in
// @platformatic/runtime lib/runtime.js, #setupWorker), whatever the error: a misspelt key printed
// its error and stack five times before Watt gave up. Retrying cannot fix a configuration, and a
// worker cannot end the process (process.exit in a worker ends the thread). So the worker hands
// the message to the main thread, where Watt has imported this module to read the application's
// type, and the main thread prints it and exits. Without that listener (another host), the
// error is thrown as before, after a short wait.

import { BroadcastChannel, isMainThread } from 'node:worker_threads'
import { setTimeout as sleep } from 'node:timers/promises'

const CHANNEL = '@platformatic/ai-warp:start-up-failure'
const LISTENING = Symbol.for('@platformatic/ai-warp:start-up-failure-listener')

// How long a worker waits for the main thread to end the process before it throws instead.
const WAIT_FOR_EXIT_MS = 2000

/** Codes of the errors that no retry can fix: the configuration is wrong. */
const CONFIGURATION_CODES = new Set([
  'AI_OPTIONS_INVALID',
  'PLT_CONFIGURATION_DOES_NOT_VALIDATE_AGAINST_SCHEMA',
  'PLT_CANNOT_PARSE_CONFIG_FILE',
  'PLT_MISSING_ENV_VARIABLES'
])

/** True for an error that a new attempt would meet again: the configuration itself is wrong. */
export function isConfigurationError (error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && CONFIGURATION_CODES.has(code)
}

/**
 * In the main thread, once per process: print a worker's start-up failure and exit with code 1.
 * The channel does not keep the process alive.
 */
export function listenForStartUpFailures (): void {
  const state = globalThis as Record<symbol, unknown>
  if (!isMainThread || state[LISTENING] === true) return
  state[LISTENING] = true
  const channel = new BroadcastChannel(CHANNEL)
  channel.unref()
  channel.onmessage = function stopStartUp (event) {
    const message = (event.data as { message?: unknown } | undefined)?.message
    process.stderr.write(`${typeof message === 'string' ? message : 'AI Warp cannot start'}\n`)
    process.exit(1)
  }
}

/**
 * A configuration error raised while a worker starts: have the main thread stop the process
 * with its message, then (if it did not) give the error back to be thrown. Any other error, or
 * any error in the main thread, is given back at once.
 */
export async function stopStartUp (error: Error): Promise<Error> {
  if (isMainThread || !isConfigurationError(error)) return error
  const channel = new BroadcastChannel(CHANNEL)
  channel.postMessage({ message: error.message })
  await sleep(WAIT_FOR_EXIT_MS)
  channel.close()
  return error
}
