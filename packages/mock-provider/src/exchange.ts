import type { ServerResponse } from 'node:http'
import type { MockRequest } from './types.ts'

/** One request/response in flight, with what the fault logic needs to know about its connection. */
export interface Exchange {
  /** The response being written. */
  response: ServerResponse
  /** True once the response closed, whoever closed it: stop writing. */
  over: boolean
  /** True when the mock cut the connection on purpose (not the client closing early). */
  cut: boolean
  /** The recorded request, when recording. */
  record: MockRequest | undefined
  /** Pending pause timer, cleared when the connection closes. */
  timer: NodeJS.Timeout | undefined
  /** Wakes whoever waits on a pause or a stall. */
  wake: (() => void) | undefined
}

/** Tracks the response's end: a close before the response finished, not caused by the mock, is the client leaving early. */
export function createExchange (response: ServerResponse, record: MockRequest | undefined, settle: ((early: boolean) => void) | undefined): Exchange {
  const exchange: Exchange = { response, over: false, cut: false, record, timer: undefined, wake: undefined }
  response.once('close', function onResponseClose () {
    exchange.over = true
    const early = !response.writableFinished && !exchange.cut
    if (record !== undefined) record.closedEarly = early
    if (settle !== undefined) settle(early)
    if (exchange.timer !== undefined) clearTimeout(exchange.timer)
    exchange.wake?.()
  })
  return exchange
}

/** Waits `ms`, or less if the connection closes meanwhile. */
export function pause (exchange: Exchange, ms: number): Promise<void> {
  if (exchange.over || ms <= 0) return Promise.resolve()
  return new Promise(function waitPause (resolve) {
    exchange.wake = function wakePause () {
      exchange.timer = undefined
      exchange.wake = undefined
      resolve()
    }
    exchange.timer = setTimeout(exchange.wake, ms)
  })
}

/** Keeps the exchange open, writing nothing, until the client closes the connection. */
export function untilClosed (exchange: Exchange): Promise<void> {
  if (exchange.over) return Promise.resolve()
  return new Promise(function waitClose (resolve) {
    exchange.wake = resolve
  })
}

/** Destroys the connection once what was written is flushed, with no terminator: a dropped upstream. */
export function cut (exchange: Exchange): void {
  exchange.cut = true
  const socket = exchange.response.socket
  if (socket === null) return
  socket.destroySoon()
}
