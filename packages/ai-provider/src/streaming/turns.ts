// Layer streaming/ (a stream's life: turns, producer, follower, channel, event log). May import
// chain/, transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// The streamed turns of one Ai instance: a new turn goes through the fallback chain to its
// first event, is stored as running and handed to a producer; a request for an answer being
// generated (or replayed) gets a follower. Owns what runs: one generation per session, turn
// switches of a session in arrival order, and the shutdown of both.

import type { AiCapability, AiMessage, AiStreamRequest, AiStreamResponse } from '../types.ts'
import type { TurnInput } from '../sessions/turn-input.ts'
import { digestOf } from '../sessions/turn-input.ts'
import type { ProviderClient, ProviderStreamEvent } from '../provider.ts'
import type { NormalizedAiOptions, NormalizedModel } from '../options.ts'
import type { ChainContext } from '../chain/fallback-chain.ts'
import type { OpenSession, Sessions } from '../sessions/sessions.ts'
import type { Producer } from './producer.ts'
import type { Follower } from './follower.ts'
import type { StreamState } from './event-log.ts'
import type { ObservedRequest } from '../observer.ts'
import type { Accounting, RequestSpend } from '../accounting/spend.ts'
import { randomUUID } from 'node:crypto'
import {
  AiAbortedError, AiProviderEmptyResponseError, AiSessionNotFoundError, AiShuttingDownError, AiStreamCancelledError, AiStreamSupersededError
} from '../errors.ts'
import { sessionExists, sessionKeys } from '../sessions/sessions.ts'
import { walkChain } from '../chain/fallback-chain.ts'
import { addConversationNeeds, requireCapableCandidate } from '../chain/capable-models.ts'
import { buildMessages, buildProviderInput } from '../sessions/messages.ts'
import { appendStreamEvent, cancelToken, holdsLease, isLive, readStreamState, writeStreamState } from './event-log.ts'
import { startProducer } from './producer.ts'
import { followStream } from './follower.ts'

/** Extra silence a follower allows beyond the producer's own timeout, so the producer's error wins. */
const FOLLOW_GRACE_MS = 1000
/** Longest wait for in-flight streams to store their end during close(). */
const SHUTDOWN_WAIT_MS = 5000

interface OpenedStream {
  iterator: AsyncIterator<ProviderStreamEvent>
  first: ProviderStreamEvent
  /** Reasoning blocks read before `first`. */
  leading: ProviderStreamEvent[] | undefined
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
  /** Usage and budgets: what a turn reserves before its call and settles at its end. */
  accounting: Accounting
}

/** A new streamed turn, as the Ai instance read and checked it. */
export interface NewTurn {
  request: AiStreamRequest
  /** What the request adds to the conversation. */
  input: TurnInput
  /** The capabilities a model needs to answer it. */
  needs: readonly AiCapability[]
  candidates: readonly NormalizedModel[]
  /** The request as its observers see it, when observed. */
  observed?: ObservedRequest
}

/** The streamed turns of one Ai instance (see the top of this file). */
export interface StreamTurns {
  /** A new turn: the chain to its first event, then a producer (a request without `sessionId`: its session is not stored yet). */
  start (turn: NewTurn, session: OpenSession): Promise<AiStreamResponse>
  /**
   * Follow (or replay) the session's stored answer after `afterId`, when it is still the answer
   * to the input of digest `digest`; undefined when there is none (the request is then a new turn).
   */
  resume (request: AiStreamRequest, digest: string, afterId: number | undefined): Promise<AiStreamResponse | undefined>
  /**
   * Cancel the session's generation in progress, on whichever instance runs it: resolves true
   * when there was one. It stops at once here, at its next event or lease renewal elsewhere;
   * its followers read `AI_STREAM_CANCELLED` at once everywhere.
   */
  cancel (sessionId: string): Promise<boolean>
  /**
   * Stop every generation (with or without its client) with AI_SHUTTING_DOWN, store the end of
   * each (waits at most SHUTDOWN_WAIT_MS), then end every follower.
   */
  shutdown (): Promise<void>
}

/** Build the streamed turns of one Ai instance; nothing runs until a turn starts. */
export function createStreamTurns (options: StreamTurnsOptions): StreamTurns {
  const { config, context, sessions, client, accounting } = options
  const store = context.store
  const ttlMs = config.limits.historyExpiration
  const leaseMs = config.limits.streamLease
  const producers = new Set<Producer>()
  /** The generation of each session on this instance: one at a time per session. */
  const generating = new Map<string, Producer>()
  /** The latest turn switch of each known session, while it runs: the next one waits for it. */
  const switching = new Map<string, Promise<unknown>>()
  const followers = new Set<Follower>()
  /** Generations going on without their client, oldest first, with their session. */
  const detached = new Map<Producer, string>()

  async function openStream (model: NormalizedModel, messages: AiMessage[], request: AiStreamRequest, signal: AbortSignal | undefined, headers: Record<string, string> | undefined): Promise<OpenedStream> {
    const events = client(model).stream(model.model, buildProviderInput(request, messages, model), { signal, timeout: model.limits.requestTimeout, headers })
    const iterator = events[Symbol.asyncIterator]()
    let first = await iterator.next()
    // A model that has only reasoned so far has not answered: its reasoning is held, and the
    // chain may still move on, until its first other event.
    let leading: ProviderStreamEvent[] | undefined
    while (first.done !== true && first.value.type === 'reasoning') {
      leading ??= []
      leading.push(first.value)
      first = await iterator.next()
    }
    if (first.done === true) throw new AiProviderEmptyResponseError(model.name)
    return { iterator, first: first.value, leading }
  }

  async function start (turn: NewTurn, session: OpenSession): Promise<AiStreamResponse> {
    const { request, input, candidates, observed } = turn
    const isNew = request.sessionId === undefined
    const messages = buildMessages(session.context, session.turns, input)
    // The session's history (its images, files, tool calls) may need more than the request itself.
    const needs = turn.needs.slice()
    addConversationNeeds(needs, request, messages, true)
    requireCapableCandidate(candidates, needs)
    const spend = accounting.begin(request, candidates)
    spend.estimate(messages)
    await spend.reserveCaller()
    // The generation owns its upstream call: the caller's signal only counts until fallback is over.
    const controller = new AbortController()
    function abortChain (): void { controller.abort() }
    request.signal?.addEventListener('abort', abortChain)
    let opened: { model: NormalizedModel, value: OpenedStream }
    const triedAt = context.clock.now()
    try {
      opened = await walkChain(context, candidates, function streamFrom (model, signal, attempt) {
        return openStream(model, messages, request, signal, attempt?.upstreamHeaders)
      }, controller.signal, observed, spend, needs)
    } catch (error) {
      await spend.release()
      if (!isNew) await sessions.saveFailedTurn(session, input, error, triedAt)
      throw error
    } finally {
      request.signal?.removeEventListener('abort', abortChain)
    }
    const { model, value } = opened
    context.observers.firstToken(observed)
    if (isNew) return beginGeneration(turn, session, model, value, controller, true, triedAt, spend)
    return oneAtATime(session.id, function switchTurn () {
      return beginGeneration(turn, session, model, value, controller, false, triedAt, spend)
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
  async function beginGeneration (turn: NewTurn, session: OpenSession, model: NormalizedModel, opened: OpenedStream, controller: AbortController, isNew: boolean, triedAt: number, spend: RequestSpend): Promise<AiStreamResponse> {
    const { request, input, observed } = turn
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
      const state: StreamState = { status: 'running', startedAt, model: model.name, generation, promptHash: digestOf(input) }
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
      await spend.release()
      if (!isNew) await sessions.saveFailedTurn(session, input, error, triedAt)
      throw error
    }
    const producer = startProducer({
      context,
      sessions,
      session,
      input,
      model,
      iterator: opened.iterator,
      first: opened.first,
      leading: opened.leading,
      controller,
      startedAt,
      ttlMs,
      detachTimeout: config.limits.detachTimeout,
      onDisconnect: request.onDisconnect ?? model.limits.onDisconnect,
      maxGenerationTime: model.limits.maxGenerationTime,
      onDetached: function goesOnAlone () { keepDetached(producer, session.id) },
      generation,
      leaseMs,
      stored,
      observed,
      spend
    })
    producers.add(producer)
    generating.set(session.id, producer)
    const signal = request.signal
    signal?.addEventListener('abort', producer.detach)
    producer.finished.finally(function forgetProducer () {
      producers.delete(producer)
      detached.delete(producer)
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

  async function resume (request: AiStreamRequest, digest: string, afterId: number | undefined): Promise<AiStreamResponse | undefined> {
    const follower = await followStream({ context, sessionId: request.sessionId as string, afterId, promptHash: digest, ttlMs, leaseMs, silenceTimeout })
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

  /** A generation goes on without its client; beyond `maxDetachedStreams` the oldest is aborted. */
  function keepDetached (producer: Producer, sessionId: string): void {
    detached.set(producer, sessionId)
    if (detached.size <= config.limits.maxDetachedStreams) return
    const [oldest, oldestSession] = detached.entries().next().value as [Producer, string]
    detached.delete(oldest)
    context.logger.warn({ sessionId: oldestSession, maxDetachedStreams: config.limits.maxDetachedStreams }, 'too many answers generated without their client: the oldest is aborted')
    oldest.abort('AI_ABORTED').catch(function ignore () {})
  }

  async function cancel (sessionId: string): Promise<boolean> {
    const keys = sessionKeys(sessionId)
    const [state, lease] = await Promise.all([readStreamState(store, sessionId), store.get(keys.generation)])
    if (!isLive(state, lease)) return false
    // The lease goes to a cancel token, only if it is still the running generation's: the
    // generation's next write or renewal is refused wherever it runs, and its followers read
    // the error from the log now.
    const token = cancelToken()
    const taken = await store.replace(keys.generation, token, leaseMs, { key: keys.generation, equals: state.generation })
    if (!taken.applied) return false
    const cancelled = new AiStreamCancelledError()
    await Promise.all([
      generating.get(sessionId)?.abort('AI_STREAM_CANCELLED'),
      appendStreamEvent(store, sessionId, { type: 'error', code: cancelled.code, message: cancelled.message }, ttlMs, holdsLease(sessionId, token))
    ])
    return true
  }

  async function shutdown (): Promise<void> {
    // Detached generations too: what they logged stays resumable, and their turn is stored
    // INTERRUPTED (a process that is going away cannot promise to finish them).
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

  return { start, resume, cancel, shutdown }
}

function callerLeft (request: AiStreamRequest): boolean {
  return request.signal?.aborted === true
}
