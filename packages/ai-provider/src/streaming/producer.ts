// Layer streaming/ (a stream's life: turns, producer, follower, channel, event log). May import
// chain/, transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// The generation of a streamed answer, decoupled from whoever reads it: every event goes to
// the session's event log first (which gives it its id), then to the local consumer, if any.
// When the consumer goes away the generation goes on to its end (`onDisconnect: 'continue'`,
// bounded by `maxGenerationTime`), so a resume at any time gets the rest; with 'abort' it waits
// `detachTimeout` for a resume to attach (from any instance, seen through the
// `attach:<sessionId>` marker) before aborting upstream.
// Every write it makes is conditional on its lease (`generation:<sessionId>` holding its
// token, renewed every third of `streamLease`): once a new turn took the lease, on any
// instance, or the session was deleted, its next write is refused and it stops there.

import type { AiReasoning, AiStreamEvent, AiToolCall, AiTurn, OnDisconnect } from '../types.ts'
import type { TurnInput } from '../sessions/turn-input.ts'
import type { ProviderStreamEvent } from '../provider.ts'
import type { NormalizedModel } from '../options.ts'
import type { ChainContext } from '../chain/fallback-chain.ts'
import type { OpenSession, Sessions } from '../sessions/sessions.ts'
import type { LoggedEvent, StreamState } from './event-log.ts'
import type { ObservedRequest } from '../observer.ts'
import type { RequestSpend } from '../accounting/spend.ts'
import {
  AiAbortedError, AiGenerationTimeoutError, AiProviderMalformedResponseError, AiSessionNotFoundError, AiShuttingDownError,
  AiStreamCancelledError, AiStreamInterruptedError, AiStreamSupersededError
} from '../errors.ts'
import { recordFailure } from '../chain/fallback-chain.ts'
import { pricedUsage } from '../accounting/prices.ts'
import { answerText } from '../accounting/token-estimate.ts'
import { newTurn } from '../sessions/sessions.ts'
import { logStoreFailure } from '../logger.ts'
import { createEventChannel } from './channel.ts'
import { isBatchIterator } from '../transport/event-batches.ts'
import { appendEvents, appendStreamEvent, encodeContent, encodeReasoning, encodeToolCall, holdsLease, isCancelToken, readStreamState, writeStreamState } from './event-log.ts'
import { eventsKey, sessionKeys } from '../sessions/sessions.ts'

export interface ProducerOptions {
  context: ChainContext
  sessions: Sessions
  session: OpenSession
  /** What the turn's request added to the conversation. */
  input: TurnInput
  model: NormalizedModel
  /** The provider stream, its first event already pulled (that is where fallback ended). */
  iterator: AsyncIterator<ProviderStreamEvent>
  first: ProviderStreamEvent
  /** The reasoning blocks the chain read before `first` (it waits for a first other event), in order. */
  leading?: ProviderStreamEvent[]
  /** Aborts the upstream call. */
  controller: AbortController
  startedAt: number
  /** TTL of the log and state: the session's historyExpiration. */
  ttlMs: number
  detachTimeout: number
  /** What to do when the local consumer goes away. */
  onDisconnect: OnDisconnect
  /** Milliseconds after which the generation is stopped, attached or not. */
  maxGenerationTime: number
  /** Told once when the consumer went away and the generation goes on without it. */
  onDetached (): void
  /** This generation's token, already holding the session's lease. */
  generation: string
  /** How long the lease lasts without a renewal (`limits.streamLease`). */
  leaseMs: number
  /**
   * The writes that start the turn (meta, lease, state), issued but not awaited: the producer's
   * first write leaves in the same round trip and waits for them too.
   */
  stored: Promise<unknown>
  /** The request as its observers see it, when observed: told of the detach and of the end. */
  observed?: ObservedRequest
  /** What the turn reserved: settled with its end (to the usage, or to what it said before failing). */
  spend: RequestSpend
}

export interface Producer {
  /** Events for the local consumer. */
  readonly events: AsyncIterable<AiStreamEvent>
  /** The local consumer left (same as return() on `events`). */
  detach (): void
  /** End now with an AI_SHUTTING_DOWN error event; resolves when stored. */
  shutdown (): Promise<void>
  /**
   * A new turn of the session replaces this one: end now with an AI_STREAM_SUPERSEDED error
   * event (the turn is stored as INTERRUPTED); resolves when stored, so the new turn's log
   * starts after it. An answer already stored is left to finish its upstream body.
   */
  supersede (): Promise<void>
  /**
   * Stop now with `code` (`AI_ABORTED`: too many detached generations; `AI_STREAM_CANCELLED`:
   * a DELETE of the session's stream); resolves when stored.
   */
  abort (code: 'AI_ABORTED' | 'AI_STREAM_CANCELLED'): Promise<void>
  /** Settles when the generation is over and its turn stored. */
  readonly finished: Promise<void>
}

/** Why a generation was stopped from outside, and the error its stream ends with. */
type StopCode = 'AI_ABORTED' | 'AI_SHUTTING_DOWN' | 'AI_STREAM_SUPERSEDED' | 'AI_STREAM_CANCELLED' | 'AI_GENERATION_TIMEOUT'

interface Failure {
  code?: unknown
  message?: unknown
}

/** A write of the generation was refused: the lease is another's, or the session is gone. */
class LeaseLostError extends Error {
  constructor () {
    super('the generation lost its lease')
    this.name = 'LeaseLostError'
  }
}

export function startProducer (options: ProducerOptions): Producer {
  const { context, session, model, controller } = options
  const { store, logger } = context
  let text = ''
  /** The tool calls of the answer so far, in order. */
  let toolCalls: AiToolCall[] | undefined
  /** The reasoning blocks of the answer so far, in order. */
  let reasoning: AiReasoning[] | undefined
  let lastId = 0
  let stopCode: StopCode | undefined
  /** The answer's turn and `end` are stored: only the rest of the upstream body is left. */
  let answered = false
  /** A renewal was refused: the run ends as if a write had been. */
  let leaseLost = false
  let over = false
  let detachTimer: NodeJS.Timeout | undefined
  const channel = createEventChannel(onConsumerGone)
  const logKey = eventsKey(session.id)
  const keys = sessionKeys(session.id)
  const lease = holdsLease(session.id, options.generation)
  const leaseTimer = setInterval(renewLease, Math.max(1, Math.floor(options.leaseMs / 3)))
  leaseTimer.unref()
  const generationTimer = setTimeout(function generationTooLong () { stop('AI_GENERATION_TIMEOUT') }, options.maxGenerationTime)
  generationTimer.unref()
  /** The start of the turn, until the first write has waited for it. */
  let starting: Promise<unknown> | undefined = options.stored

  /** `write`, and the turn's start when it is the first write: they left in one round trip. */
  async function afterStart<T> (write: Promise<T>): Promise<T> {
    if (starting === undefined) return await write
    const start = starting
    starting = undefined
    const [value] = await Promise.all([write, start])
    return value
  }

  /** Renew the lease; a renewal refused means it is lost (deleted, superseded, lapsed): stop now, not at the next event. */
  function renewLease (): void {
    store.set(keys.generation, options.generation, options.leaseMs, lease).then(function renewed (held) {
      if (held || over) return
      leaseLost = true
      controller.abort()
    }, function leaseNotRenewed (error) {
      logger.debug({ err: error, sessionId: session.id }, 'could not renew a stream lease')
    })
  }

  let released = false
  /** Give the lease up, once the log has its last event: the next turn need not wait for it to lapse. */
  async function releaseLease (): Promise<void> {
    if (released) return
    released = true
    clearInterval(leaseTimer)
    try {
      await store.set(keys.generation, '', options.leaseMs, lease)
    } catch (error) {
      logger.debug({ err: error, sessionId: session.id }, 'could not release a stream lease')
    }
  }

  function onConsumerGone (): void {
    if (over || detachTimer !== undefined) return
    context.observers.detached(options.observed)
    if (options.onDisconnect === 'continue') {
      options.onDetached()
      return
    }
    detachTimer = setTimeout(checkForResume, options.detachTimeout)
    detachTimer.unref()
  }

  async function checkForResume (): Promise<void> {
    let attached: string | undefined
    try {
      attached = await store.get(keys.attach)
    } catch (error) {
      logStoreFailure(logger, error, session.id, 'could not check for a resumed stream')
    }
    if (attached !== options.generation) stop('AI_ABORTED')
  }

  function stopError (code: StopCode): Error {
    switch (code) {
      case 'AI_ABORTED': return new AiAbortedError()
      case 'AI_SHUTTING_DOWN': return new AiShuttingDownError()
      case 'AI_STREAM_SUPERSEDED': return new AiStreamSupersededError()
      case 'AI_STREAM_CANCELLED': return new AiStreamCancelledError()
      case 'AI_GENERATION_TIMEOUT': return new AiGenerationTimeoutError(options.maxGenerationTime)
    }
  }

  function stop (code: StopCode): void {
    if (over || stopCode !== undefined) return
    stopCode = code
    controller.abort()
  }

  /**
   * A terminal event the log refused (the lease is lost) or could not take (the store is down):
   * the local consumer still gets it, with the last logged id, so a resume from it loses nothing.
   */
  function deliverUnlogged (event: LoggedEvent): void {
    channel.push({ ...event, id: String(lastId) } as AiStreamEvent)
  }

  function turn (result: AiTurn['result']): AiTurn {
    const stored = newTurn(options.input, result, options.startedAt)
    stored.response = text
    stored.model = model.name
    if (toolCalls !== undefined) stored.toolCalls = toolCalls
    if (reasoning !== undefined) stored.reasoning = reasoning
    return stored
  }

  async function finish (event: Extract<ProviderStreamEvent, { type: 'end' }>): Promise<void> {
    const stored = turn(event.result)
    const usage = pricedUsage(model, event.usage)
    if (usage !== undefined) stored.usage = usage
    const end: LoggedEvent = { type: 'end', result: event.result, sessionId: session.id, model: model.name, usage }
    if (toolCalls !== undefined) end.toolCalls = toolCalls
    // Reasoning a provider gives with its end (not as events) is kept, and sent with `end`.
    if (event.reasoning !== undefined && event.reasoning.length > 0) {
      stored.reasoning = [...(stored.reasoning ?? []), ...event.reasoning]
      end.reasoning = event.reasoning
    }
    // One round trip: the turn, the state, `end` and the lease's release leave together, and
    // the store runs them in this order, so a follow-up sent on `end` sees the turn.
    const [saved, , logged] = await afterStart(Promise.all([
      options.sessions.saveTurn(session, stored),
      writeStreamState(store, session.id, { status: 'done', startedAt: options.startedAt, model: model.name, generation: options.generation }, options.ttlMs, lease),
      appendStreamEvent(store, session.id, end, options.ttlMs, lease),
      releaseLease(),
      options.spend.settle(model, event.usage, answerText(text, toolCalls))
    ]))
    if (!saved) throw new LeaseLostError()
    answered = true
    context.observers.answered(options.observed, session.id, event.result, usage, text)
    if (logged === undefined) {
      // Superseded between its last delta and its end: the answer is whole and stored, and its
      // consumer gets its end even though the log is another turn's now.
      deliverUnlogged(end)
      return
    }
    lastId = Number(logged.id)
    channel.push(logged)
  }

  /** Why the lease was lost: the session was deleted, a new turn (on any instance) took it, or it lapsed (the state is still this generation's). */
  async function lostLeaseFailure (): Promise<{ code: string, message: string }> {
    let meta: string | undefined = ''
    let state: StreamState | undefined
    let holder: string | undefined
    try {
      [meta, state, holder] = await Promise.all([store.get(keys.session), readStreamState(store, session.id), store.get(keys.generation)])
    } catch {
      // Unknown: superseded is the likelier.
    }
    let error
    if (meta === undefined) error = new AiSessionNotFoundError(session.id)
    else if (holder !== undefined && isCancelToken(holder)) error = new AiStreamCancelledError()
    else if (state?.generation === options.generation) error = new AiStreamInterruptedError()
    else error = new AiStreamSupersededError()
    return { code: error.code, message: error.message }
  }

  async function fail (error: unknown): Promise<void> {
    const failure = error as Failure
    const lost = error instanceof LeaseLostError || leaseLost
    const interrupted = stopCode !== undefined || lost
    let code: string
    let message: string
    if (lost) {
      ({ code, message } = await lostLeaseFailure())
    } else if (stopCode !== undefined) {
      code = stopCode
      message = stopError(stopCode).message
    } else {
      code = typeof failure.code === 'string' && failure.code.startsWith('AI_') ? failure.code : 'AI_PROVIDER_STREAM_ERROR'
      message = String(failure.message)
    }
    controller.abort()
    context.observers.failed(options.observed, { code })
    options.iterator.return?.().catch(function ignore () {})
    const stored = turn(interrupted ? 'INTERRUPTED' : 'FAILED')
    stored.errorCode = code
    const ending: LoggedEvent = { type: 'error', code, message }
    // The route logs the request's one line with this code; this says which model and session.
    logger.debug({ sessionId: session.id, model: model.name, code, message }, 'stream ended with an error')
    // One round trip, as for `end`: the turn and state first, then the event and the release.
    const [failureRecorded, turnSaved, stateWritten, logged] = await Promise.allSettled([
      interrupted ? undefined : recordFailure(context, model, failure),
      options.sessions.saveTurn(session, stored),
      writeStreamState(store, session.id, { status: interrupted ? 'interrupted' : 'done', startedAt: options.startedAt, model: model.name, generation: options.generation }, options.ttlMs, lease),
      appendStreamEvent(store, session.id, ending, options.ttlMs, lease),
      releaseLease(),
      options.spend.settleFailed(model, answerText(text, toolCalls))
    ])
    const unstored = [failureRecorded, turnSaved, stateWritten].find(function rejected (write) { return write.status === 'rejected' })
    if (unstored !== undefined) logStoreFailure(logger, unstored.reason, session.id, 'could not store the end of a failed stream')
    if (logged.status === 'fulfilled' && logged.value !== undefined) {
      lastId = Number(logged.value.id)
      channel.push(logged.value)
    } else {
      // The log is unreachable or no longer this generation's: the consumer still learns why
      // its stream ended.
      deliverUnlogged(ending)
    }
  }

  // After `end` the provider stream still has to see the end of the body (so its socket is
  // reused and its timer cleared): pull once more, and stop it if it is not over.
  async function drainUpstream (): Promise<void> {
    try {
      const rest = await options.iterator.next()
      if (rest.done !== true) await options.iterator.return?.()
    } catch (error) {
      logger.debug({ err: error, sessionId: session.id }, 'provider stream failed after its end')
    }
  }

  // The provider stream a chunk's events at a time when it can (the transport's does).
  function readBatch (): Promise<ProviderStreamEvent[] | undefined> {
    const iterator = options.iterator
    if (isBatchIterator(iterator)) return iterator.nextBatch()
    return iterator.next().then(function asBatch (step) { return step.done === true ? undefined : [step.value] })
  }

  async function run (): Promise<void> {
    let batch: ProviderStreamEvent[] | undefined = options.leading === undefined ? [options.first] : [...options.leading, options.first]
    try {
      while (true) {
        if (stopCode !== undefined) throw new AiAbortedError()
        if (batch === undefined) throw new AiProviderMalformedResponseError(model.name, 'the stream ended without a finish event')
        // The hot path, written out rather than through emit(): the content deltas of one
        // upstream chunk are appended in one store operation and delivered together once they
        // are in the log (one await and one hand-off per chunk instead of per delta).
        const encoded: string[] = []
        let ending: Extract<ProviderStreamEvent, { type: 'end' }> | undefined
        for (const event of batch) {
          if (event.type === 'end') {
            ending = event
            break
          }
          if (event.type === 'tool_call') encoded.push(encodeToolCall(event.index, event.toolCall))
          else if (event.type === 'reasoning') encoded.push(encodeReasoning(event.reasoning))
          else if (event.text.length > 0) encoded.push(encodeContent(event.text))
        }
        if (encoded.length > 0) {
          let id = await afterStart(appendEvents(store, logKey, encoded, options.ttlMs, lease))
          if (id === 0) throw new LeaseLostError()
          const delivered: AiStreamEvent[] = []
          for (const event of batch) {
            if (event.type === 'end') break
            if (event.type === 'tool_call') {
              toolCalls ??= []
              toolCalls.push(event.toolCall)
              delivered.push({ type: 'tool_call', index: event.index, toolCall: event.toolCall, id: String(id++) })
              continue
            }
            if (event.type === 'reasoning') {
              reasoning ??= []
              reasoning.push(event.reasoning)
              delivered.push({ type: 'reasoning', reasoning: event.reasoning, id: String(id++) })
              continue
            }
            if (event.text.length === 0) continue
            text += event.text
            delivered.push({ type: 'content', text: event.text, id: String(id++) })
          }
          lastId = id - 1
          channel.pushBatch(delivered)
        }
        if (ending !== undefined) {
          if (stopCode !== undefined) throw new AiAbortedError()
          await finish(ending)
          channel.close()
          await releaseLease()
          await drainUpstream()
          return
        }
        batch = await readBatch()
      }
    } catch (error) {
      await fail(error)
    } finally {
      over = true
      clearTimeout(detachTimer)
      clearTimeout(generationTimer)
      channel.close()
      await releaseLease()
    }
  }

  const finished = run()

  return {
    events: channel.events,
    detach: channel.abandon,
    shutdown (): Promise<void> {
      stop('AI_SHUTTING_DOWN')
      return finished
    },
    abort (code: 'AI_ABORTED' | 'AI_STREAM_CANCELLED'): Promise<void> {
      stop(code)
      return finished
    },
    supersede (): Promise<void> {
      if (answered) return Promise.resolve()
      stop('AI_STREAM_SUPERSEDED')
      return finished
    },
    finished
  }
}
