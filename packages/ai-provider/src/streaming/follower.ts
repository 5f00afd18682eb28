// Layer streaming/ (a stream's life: turns, producer, follower, channel, event log). May import
// chain/, transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// Resume (SPEC §5): replay a session's logged events after the client's last id, then follow
// the generation live (wherever it runs) until `end` or `error`. It subscribes BEFORE reading
// the log and dedupes by id, so nothing falls between the replay and the live part. A
// generation is live while it holds the session's lease: a follower checks the lease every
// half of it, and one that lapsed (instance or store died, session deleted) ends the follower
// with the events logged so far and an error, never a wait for an answer that cannot come.

import type { StoredEvent } from '../store.ts'
import type { AiStreamResponse } from '../types.ts'
import type { ChainContext } from '../chain/fallback-chain.ts'
import { AiProviderTimeoutError, AiSessionNotFoundError, AiStreamInterruptedError, AiStreamSupersededError } from '../errors.ts'
import { createEventChannel } from './channel.ts'
import type { StreamState } from './event-log.ts'
import { decodeEvent, isLive, isTerminal, readStreamState } from './event-log.ts'
import { sessionExists, sessionKeys } from '../sessions/sessions.ts'
import { logStoreFailure } from '../logger.ts'

export interface FollowOptions {
  context: ChainContext
  sessionId: string
  /** The last id the client saw; undefined when it sent none. */
  afterId: number | undefined
  /**
   * Digest of the request's prompt: a log that became another prompt's since the request
   * looked (a new turn started in between) is not followed.
   */
  promptHash: string
  /** TTL of the attach marker: the session's historyExpiration. */
  ttlMs: number
  /** `limits.streamLease`: a live generation renews its lease within it. */
  leaseMs: number
  /** Milliseconds of silence after which a generation is considered dead, for a model name. */
  silenceTimeout (modelName: string): number
}

export interface Follower {
  readonly response: AiStreamResponse
  /** End now with an error event (shutdown). */
  end (code: string, message: string): void
  /** Settles when the follower stopped. */
  readonly finished: Promise<void>
}

/**
 * Attach to the session's stream when there is something to resume; resolves undefined when
 * the request must be answered with a new turn instead.
 */
export async function followStream (options: FollowOptions): Promise<Follower | undefined> {
  const { store, logger } = options.context
  const keys = sessionKeys(options.sessionId)
  let lastId = options.afterId ?? 0
  let replaying = true
  let over = false
  let timer: NodeJS.Timeout | undefined
  let leaseTimer: NodeJS.Timeout | undefined
  let markFinished: () => void = function noop () {}
  const finished = new Promise<void>(function track (resolve) { markFinished = resolve })
  const early: StoredEvent[] = []
  const channel = createEventChannel(finish)

  const unfollow = await store.followEvents(keys.events, function onLiveEvent (event) {
    if (over) return
    if (replaying) early.push(event)
    else deliver(event)
  })

  let stored: StoredEvent[]
  let state: StreamState | undefined
  let lease: string | undefined
  try {
    [stored, state, lease] = await Promise.all([store.readEvents(keys.events, 0), readStreamState(store, options.sessionId), store.get(keys.generation)])
  } catch (error) {
    await unfollow()
    throw error
  }

  const last = stored.at(-1)
  const terminal = last !== undefined && isTerminal(JSON.parse(last.data))
  // Still being generated (or finishing: state written, `end` not appended yet): its
  // generation holds the lease.
  const live = !terminal && isLive(state, lease)
  const generation = state?.generation
  // A client that already saw the last event gets it again rather than a second answer to the
  // same prompt: nothing is duplicated, and the stream still ends with its terminal event.
  if (last !== undefined && terminal && last.id <= lastId) lastId = last.id - 1
  // The store runs a new turn's state write before it clears the log: a log read after the
  // clear is read with the new turn's state, so it is never taken for this prompt's.
  const sameTurn = state?.promptHash === undefined || state.promptHash === options.promptHash
  const pending = options.afterId === undefined ? live : live || (last !== undefined && last.id > lastId)
  const resumable = sameTurn && pending
  if (!resumable) {
    over = true
    await unfollow()
    return undefined
  }
  if (live) {
    try {
      // The generation's own token: a marker left by a follower of an earlier turn says nothing.
      await store.set(keys.attach, generation as string, options.ttlMs, sessionExists(options.sessionId))
    } catch (error) {
      await unfollow()
      throw error
    }
  }

  let model = state?.model ?? ''
  const silenceMs = options.silenceTimeout(model)

  function deliver (event: StoredEvent): void {
    if (over || event.id <= lastId) return
    lastId = event.id
    const decoded = decodeEvent(event)
    if (decoded.type === 'end') model = decoded.model
    channel.push(decoded)
    if (isTerminal(decoded)) finish()
    else timer?.refresh()
  }

  function finish (): void {
    if (over) return
    over = true
    clearTimeout(timer)
    clearInterval(leaseTimer)
    channel.close()
    unfollow().catch(function logUnfollow (error) {
      logStoreFailure(logger, error, options.sessionId, 'could not stop following a stream')
    }).finally(markFinished)
  }

  function end (code: string, message: string): void {
    if (over) return
    // Not in the log: the id repeats the last one the client has, so a resume loses nothing.
    channel.push({ type: 'error', id: String(lastId), code, message })
    finish()
  }

  function producerSilent (): void {
    end('AI_PROVIDER_TIMEOUT', new AiProviderTimeoutError(model, silenceMs).message)
  }

  /**
   * The generation followed is over when the lease no longer holds its token. Its last events
   * may still be on their way over pub/sub: the log is read once more, and only when it has no
   * terminal event does the follower end with why: the session was deleted, a new turn took
   * over, or the generation died.
   */
  let checking = false
  async function checkLease (): Promise<void> {
    if (checking) return
    checking = true
    try {
      const current = await store.get(keys.generation)
      if (over || current === generation) return
      // The log, then the state, in one round trip: a new turn writes its state before it
      // clears the log, so while the state read after it is still this generation's, the
      // events read are this generation's too.
      const [rest, now, meta] = await Promise.all([store.readEvents(keys.events, lastId), readStreamState(store, options.sessionId), store.get(keys.session)])
      if (now?.generation === generation) for (const event of rest) deliver(event)
      if (over) return
      const error = meta === undefined
        ? new AiSessionNotFoundError(options.sessionId)
        : current !== undefined && current !== '' ? new AiStreamSupersededError() : new AiStreamInterruptedError()
      end(error.code, error.message)
    } catch (error) {
      logger.debug({ err: error, sessionId: options.sessionId }, 'could not check the lease of a followed stream')
    } finally {
      checking = false
    }
  }

  for (const event of stored) deliver(event)
  replaying = false
  for (const event of early) deliver(event)
  early.length = 0
  if (!over && !live) {
    // What the log holds of an answer that is no longer generated, then why it stopped.
    const error = new AiStreamInterruptedError()
    end(error.code, error.message)
  }
  if (!over) {
    timer = setTimeout(producerSilent, silenceMs)
    timer.unref()
    leaseTimer = setInterval(checkLease, Math.max(1, Math.floor(options.leaseMs / 2)))
    leaseTimer.unref()
  }

  return {
    response: { sessionId: options.sessionId, model, events: channel.events },
    end,
    finished
  }
}
