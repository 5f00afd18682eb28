// Layer embeddings/ (the embeddings routes: native and OpenAI's). May import sse/ and the base
// files; see docs/architecture.md.

import type { FastifyReply } from 'fastify'

/**
 * A signal that fires when the client goes away before its answer was sent, so the core aborts
 * the upstream call instead of paying for vectors nobody reads; `release()` stops listening.
 */
export function abortWhenClientGoes (reply: FastifyReply): { signal: AbortSignal, release: () => void } {
  const controller = new AbortController()
  function onClose (): void {
    if (!reply.raw.writableFinished) controller.abort()
  }
  reply.raw.once('close', onClose)
  return {
    signal: controller.signal,
    release: function release () { reply.raw.removeListener('close', onClose) }
  }
}
