// Layer: base (shared by every route folder); see docs/architecture.md.
//
// One answer to "the client went away before its answer was written": the core's request is
// aborted, so it stops the upstream call (or, for a stream, lets its generation go on or stop
// as its onDisconnect says) instead of working for nobody.

import type { FastifyReply } from 'fastify'

/** The watch of one request's client. */
export interface ClientWatch {
  /** Fires when the client closed the connection before the answer was written. */
  readonly signal: AbortSignal
  /** Fire it now (the server is closing the stream itself). */
  abort (): void
  /** Stop watching (the answer is written). */
  release (): void
}

/** Watch `reply`'s client: the signal to give the core's request. */
export function abortWhenClientLeaves (reply: FastifyReply): ClientWatch {
  const controller = new AbortController()
  function onClose (): void {
    if (!reply.raw.writableEnded) controller.abort()
  }
  reply.raw.once('close', onClose)
  return {
    signal: controller.signal,
    abort: function abort () { controller.abort() },
    release: function release () { reply.raw.off('close', onClose) }
  }
}
