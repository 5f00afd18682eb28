// Layer streaming/ (a stream's life: turns, producer, follower, channel, event log). May import
// chain/, transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// Resume (SPEC §5): replay a session's logged events after the client's last id, then follow
// the generation live (wherever it runs) until `end` or `error`. It subscribes BEFORE reading
// the log and dedupes by id, so nothing falls between the replay and the live part.

import type { StoredEvent } from '../store.ts'
import type { AiStreamResponse } from '../types.ts'
import type { ChainContext } from '../chain/fallback-chain.ts'
import { AiProviderTimeoutError } from '../errors.ts'
import { createEventChannel } from './channel.ts'
import type { StreamState } from './event-log.ts'
import { decodeEvent, isTerminal, readStreamState, writeStreamState } from './event-log.ts'
import { sessionKeys } from '../sessions/sessions.ts'

export interface FollowOptions {
  context: ChainContext
  sessionId: string
  /** The last id the client saw; undefined when it sent none. */
  afterId: number | undefined
  /** TTL of the attach marker and state: the session's historyExpiration. */
  ttlMs: number
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
  try {
    [stored, state] = await Promise.all([store.readEvents(keys.events, 0), readStreamState(store, options.sessionId)])
  } catch (error) {
    await unfollow()
    throw error
  }

  const last = stored.at(-1)
  const terminal = last !== undefined && isTerminal(JSON.parse(last.data))
  // Still being generated: running, or finishing (state written, `end` not appended yet).
  const live = !terminal && state !== undefined && (state.status === 'running' || stored.length > 0)
  // A client that already saw the last event gets it again rather than a second answer to the
  // same prompt: nothing is duplicated, and the stream still ends with its terminal event.
  if (last !== undefined && terminal && last.id <= lastId) lastId = last.id - 1
  const resumable = options.afterId === undefined
    ? state?.status === 'running'
    : live || (last !== undefined && last.id > lastId)
  if (!resumable) {
    over = true
    await unfollow()
    return undefined
  }
  if (live) {
    try {
      await store.set(keys.attach, '1', options.ttlMs)
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
    channel.close()
    unfollow().catch(function logUnfollow (error) {
      logger.warn({ err: error, sessionId: options.sessionId }, 'could not stop following a stream')
    }).finally(markFinished)
  }

  function end (code: string, message: string): void {
    if (over) return
    // Not in the log: the id repeats the last one the client has, so a resume loses nothing.
    channel.push({ type: 'error', id: String(lastId), code, message })
    finish()
  }

  function producerGone (): void {
    if (over) return
    const startedAt = state?.startedAt
    end('AI_PROVIDER_TIMEOUT', new AiProviderTimeoutError(model, silenceMs).message)
    // Let the next request start a new turn instead of attaching to a dead one.
    readStreamState(store, options.sessionId).then(function markInterrupted (current) {
      if (current?.status === 'running' && current.startedAt === startedAt) {
        return writeStreamState(store, options.sessionId, { ...current, status: 'interrupted' }, options.ttlMs)
      }
    }).catch(function logStateError (error) {
      logger.warn({ err: error, sessionId: options.sessionId }, 'could not mark a dead stream interrupted')
    })
  }

  for (const event of stored) deliver(event)
  replaying = false
  for (const event of early) deliver(event)
  early.length = 0
  if (!over) {
    timer = setTimeout(producerGone, live ? silenceMs : 0)
    timer.unref()
  }

  return {
    response: { sessionId: options.sessionId, model, events: channel.events },
    end,
    finished
  }
}
