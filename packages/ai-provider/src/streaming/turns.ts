// Layer streaming/ (a stream's life: turns, producer, follower, channel, event log). May import
// chain/, transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// The streamed turns of one Ai instance: a new turn goes through the fallback chain to its
// first event, is stored as running and handed to a producer; a request for an answer being
// generated (or replayed) gets a follower. Owns what runs: one generation per session, turn
// switches of a session in arrival order, and the shutdown of both.

import type { AiChatMessage, AiStreamRequest, AiStreamResponse } from '../types.ts'
import type { ProviderClient, ProviderStreamEvent } from '../provider.ts'
import type { NormalizedAiOptions, NormalizedModel } from '../options.ts'
import type { ChainContext } from '../chain/fallback-chain.ts'
import type { OpenSession, Sessions } from '../sessions/sessions.ts'
import type { Producer } from './producer.ts'
import type { Follower } from './follower.ts'
import type { StreamState } from './event-log.ts'
import { randomUUID } from 'node:crypto'
import { AiAbortedError, AiProviderEmptyResponseError, AiSessionNotFoundError, AiShuttingDownError, AiStreamSupersededError } from '../errors.ts'
import { sessionExists, sessionKeys } from '../sessions/sessions.ts'
import { walkChain } from '../chain/fallback-chain.ts'
import { buildMessages, buildProviderInput } from '../sessions/messages.ts'
import { appendStreamEvent, holdsLease, promptHash, writeStreamState } from './event-log.ts'
import { startProducer } from './producer.ts'
import { followStream } from './follower.ts'

/** Extra silence a follower allows beyond the producer's own timeout, so the producer's error wins. */
const FOLLOW_GRACE_MS = 1000
/** Longest wait for in-flight streams to store their end during close(). */
const SHUTDOWN_WAIT_MS = 5000

interface OpenedStream {
  iterator: AsyncIterator<ProviderStreamEvent>
  first: ProviderStreamEvent
}

/** What the streamed turns need from the Ai instance. */
export interface StreamTurnsOptions {
  /** The Ai instance's validated options (limits, models). */
  config: NormalizedAiOptions
  /** Store, clock and logger, as the fallback chain takes them. */
  context: ChainContext
  /** The instance's sessions (meta, turns, failed turns). */
  sessions: Sessions
  /** The client of a model's provider. */
  client (model: NormalizedModel): ProviderClient
}

/** The streamed turns of one Ai instance (see the top of this file). */
export interface StreamTurns {
  /** A new turn: the chain to its first event, then a producer (a request without `sessionId`: its session is not stored yet). */
  start (request: AiStreamRequest, session: OpenSession, candidates: readonly NormalizedModel[]): Promise<AiStreamResponse>
  /**
   * Follow (or replay) the session's stored answer after `afterId`, when it is still the answer
   * to `request.prompt`; undefined when there is none (the request is then a new turn).
   */
  resume (request: AiStreamRequest, afterId: number | undefined): Promise<AiStreamResponse | undefined>
  /** Store the end of every generation (waits at most SHUTDOWN_WAIT_MS), then end every follower. */
  shutdown (): Promise<void>
}

/** Build the streamed turns of one Ai instance; nothing runs until a turn starts. */
export function createStreamTurns (options: StreamTurnsOptions): StreamTurns {
  const { config, context, sessions, client } = options
  const store = context.store
  const ttlMs = config.limits.historyExpiration
  const leaseMs = config.limits.streamLease
  const producers = new Set<Producer>()
  /** The generation of each session on this instance: one at a time per session. */
  const generating = new Map<string, Producer>()
  /** The latest turn switch of each known session, while it runs: the next one waits for it. */
  const switching = new Map<string, Promise<unknown>>()
  const followers = new Set<Follower>()

  async function openStream (model: NormalizedModel, messages: AiChatMessage[], request: AiStreamRequest, signal: AbortSignal | undefined): Promise<OpenedStream> {
    const events = client(model).stream(model.model, buildProviderInput(request, messages, model), { signal, timeout: model.limits.requestTimeout })
    const iterator = events[Symbol.asyncIterator]()
    const first = await iterator.next()
    if (first.done === true) throw new AiProviderEmptyResponseError(model.name)
    return { iterator, first: first.value }
  }

  async function start (request: AiStreamRequest, session: OpenSession, candidates: readonly NormalizedModel[]): Promise<AiStreamResponse> {
    const isNew = request.sessionId === undefined
    const messages = buildMessages(session.context, session.turns, request.prompt)
    // The generation owns its upstream call: the caller's signal only counts until fallback is over.
    const controller = new AbortController()
    function abortChain (): void { controller.abort() }
    request.signal?.addEventListener('abort', abortChain)
    let opened: { model: NormalizedModel, value: OpenedStream }
    const triedAt = context.clock.now()
    try {
      opened = await walkChain(context, candidates, function streamFrom (model, signal) {
        return openStream(model, messages, request, signal)
      }, controller.signal)
    } catch (error) {
      if (!isNew) await sessions.saveFailedTurn(session, request.prompt, error, triedAt)
      throw error
    } finally {
      request.signal?.removeEventListener('abort', abortChain)
    }
    const { model, value } = opened
    if (isNew) return beginGeneration(request, session, model, value, controller, true, triedAt)
    return oneAtATime(session.id, function switchTurn () {
      return beginGeneration(request, session, model, value, controller, false, triedAt)
    })
  }

  /**
   * Run a turn switch of a known session once the earlier ones of that session are done, in
   * arrival order: two new turns sent together never both start on the same log (the later wins).
   */
  function oneAtATime<T> (sessionId: string, begin: () => Promise<T>): Promise<T> {
    const previous = switching.get(sessionId)
    const current = previous === undefined ? begin() : previous.then(begin, begin)
    switching.set(sessionId, current)
    function forgetSwitch (): void {
      if (switching.get(sessionId) === current) switching.delete(sessionId)
    }
    current.then(forgetSwitch, forgetSwitch)
    return current
  }

  /**
   * Store the new turn's start and hand its stream to a producer. A known session's turn that
   * does not get that far is stored as failed, as one no model answered is.
   */
  async function beginGeneration (request: AiStreamRequest, session: OpenSession, model: NormalizedModel, opened: OpenedStream, controller: AbortController, isNew: boolean, triedAt: number): Promise<AiStreamResponse> {
    const keys = sessionKeys(session.id)
    const generation = randomUUID()
    let startedAt = 0
    let stored: Promise<unknown> = Promise.resolve()
    try {
      // A caller that left while this switch waited behind another one ends nothing.
      if (callerLeft(request)) throw new AiAbortedError()
      // The session's generation still running here ends first, stored as INTERRUPTED: two
      // generations would write into one event log.
      if (!isNew) await generating.get(session.id)?.supersede()
      // The caller may have left while it ended.
      if (callerLeft(request)) throw new AiAbortedError()
      startedAt = context.clock.now()
      const state: StreamState = { status: 'running', startedAt, model: model.name, generation, promptHash: promptHash(request.prompt) }
      if (isNew) {
        // Nobody knows the session yet: it is created with its lease and state, in the same
        // round trip as the first events (the producer waits for both).
        stored = Promise.all([
          sessions.saveMeta(session),
          store.set(keys.generation, generation, leaseMs),
          writeStreamState(store, session.id, state, ttlMs)
        ])
      } else {
        // One round trip, run by the store in this order: take the lease (while the session
        // exists), end whatever wrote the log before (its followers read the error now, on
        // any instance), then meta, state and a fresh log (ids keep growing). Every write after
        // the first is under the new lease, so a turn that lost it to a later one meanwhile
        // changes nothing; the state is written before the log is cleared (follower.ts relies
        // on it).
        const lease = holdsLease(session.id, generation)
        const superseded = new AiStreamSupersededError()
        stored = Promise.all([
          store.replace(keys.generation, generation, leaseMs, sessionExists(session.id)),
          appendStreamEvent(store, session.id, { type: 'error', code: superseded.code, message: superseded.message }, ttlMs, lease),
          sessions.saveMeta(session),
          writeStreamState(store, session.id, state, ttlMs, lease),
          store.clearEvents(keys.events, lease)
        ]).then(function sessionStillThere ([taken, , metaSaved]) {
          if (!taken.applied || !metaSaved) throw new AiSessionNotFoundError(session.id)
        })
      }
      // Awaited below, once the producer issued its first write.
      stored.catch(function awaitedBelow () {})
    } catch (error) {
      controller.abort()
      opened.iterator.return?.().catch(function ignore () {})
      if (!isNew) await sessions.saveFailedTurn(session, request.prompt, error, triedAt)
      throw error
    }
    const producer = startProducer({
      context,
      sessions,
      session,
      prompt: request.prompt,
      model,
      iterator: opened.iterator,
      first: opened.first,
      controller,
      startedAt,
      ttlMs,
      detachTimeout: config.limits.detachTimeout,
      generation,
      leaseMs,
      stored
    })
    producers.add(producer)
    generating.set(session.id, producer)
    const signal = request.signal
    signal?.addEventListener('abort', producer.detach)
    producer.finished.finally(function forgetProducer () {
      producers.delete(producer)
      if (generating.get(session.id) === producer) generating.delete(session.id)
      signal?.removeEventListener('abort', producer.detach)
    })
    // The turn is answered once its start is stored (with the first events, one round trip),
    // and the next turn switch of the session waits until then too. A start that cannot be
    // stored is the request's error; the producer fails on it as well and stores the turn.
    try {
      await stored
    } catch (error) {
      producer.detach()
      throw error
    }
    return { sessionId: session.id, model: model.name, events: producer.events }
  }

  function silenceTimeout (modelName: string): number {
    const model = config.modelsByName.get(modelName)
    const timeout = model?.limits.requestTimeout ?? Math.max(...config.models.map(function timeoutOf (each) { return each.limits.requestTimeout }))
    return timeout + FOLLOW_GRACE_MS
  }

  async function resume (request: AiStreamRequest, afterId: number | undefined): Promise<AiStreamResponse | undefined> {
    const follower = await followStream({ context, sessionId: request.sessionId as string, afterId, promptHash: promptHash(request.prompt), ttlMs, leaseMs, silenceTimeout })
    if (follower === undefined) return undefined
    followers.add(follower)
    const signal = request.signal
    function leave (): void {
      const iterator = follower?.response.events[Symbol.asyncIterator]()
      iterator?.return?.()
    }
    signal?.addEventListener('abort', leave)
    follower.finished.finally(function forgetFollower () {
      followers.delete(follower)
      signal?.removeEventListener('abort', leave)
    })
    return follower.response
  }

  async function shutdown (): Promise<void> {
    const shutdowns = [...producers].map(function shutdownProducer (producer) { return producer.shutdown() })
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.allSettled(shutdowns),
      new Promise(function waitAtMost (resolve) { timer = setTimeout(resolve, SHUTDOWN_WAIT_MS) })
    ])
    clearTimeout(timer)
    const message = new AiShuttingDownError().message
    for (const follower of followers) follower.end('AI_SHUTTING_DOWN', message)
  }

  return { start, resume, shutdown }
}

function callerLeft (request: AiStreamRequest): boolean {
  return request.signal?.aborted === true
}
