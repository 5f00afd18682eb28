// createAi: wires options, store, provider clients, sessions and the fallback chain together.
// Each concept lives in its own module; this file only sequences them per request.

import type {
  Ai, AiChatMessage, AiDependencies, AiModelSelector, AiOptions, AiRequest, AiResponse,
  AiStreamRequest, AiStreamResponse, AiTurn
} from './types.ts'
import type { ProviderAnswer, ProviderClient, ProviderStreamEvent } from './provider.ts'
import type { NormalizedAiOptions, NormalizedModel } from './options.ts'
import type { ChainContext } from './fallback-chain.ts'
import type { CoolDown } from './model-state.ts'
import type { OpenSession } from './sessions.ts'
import type { Producer } from './stream-producer.ts'
import type { Follower } from './stream-follower.ts'
import {
  AiAbortedError, AiBadRequestError, AiModelNotConfiguredError, AiProviderEmptyResponseError,
  AiShuttingDownError
} from './errors.ts'
import { normalizeOptions } from './options.ts'
import { isoDate, systemClock } from './clock.ts'
import { silentLogger } from './logger.ts'
import { createStore } from './stores/create-store.ts'
import { createProviderClient } from './provider-client.ts'
import { createSessions, sessionKeys } from './sessions.ts'
import { walkChain } from './fallback-chain.ts'
import { listModelStatuses, readCoolDown } from './model-state.ts'
import { buildMessages, buildProviderInput } from './messages.ts'
import { readStreamState, writeStreamState } from './stream-log.ts'
import { startProducer } from './stream-producer.ts'
import { followStream } from './stream-follower.ts'

/** Extra silence a follower allows beyond the producer's own timeout, so the producer's error wins. */
const FOLLOW_GRACE_MS = 1000
/** Longest wait for in-flight streams to store their end during close(). */
const SHUTDOWN_WAIT_MS = 5000

interface OpenedStream {
  iterator: AsyncIterator<ProviderStreamEvent>
  first: ProviderStreamEvent
}

/** Build the gateway core: validates options (AiOptionsError), builds the store and one client per provider. */
export async function createAi (options: AiOptions, deps: AiDependencies = {}): Promise<Ai> {
  const config: NormalizedAiOptions = normalizeOptions(options)
  const logger = deps.logger ?? silentLogger
  const clock = deps.clock ?? systemClock
  const store = deps.store ?? await createStore(config.storage, { logger, clock })
  const clients = new Map<string, ProviderClient>()
  for (const provider of Object.values(config.providers)) {
    clients.set(provider.name, createProviderClient(provider, { logger, dispatcher: deps.dispatchers?.[provider.name] }))
  }
  const context: ChainContext = { store, clock, logger }
  const sessions = createSessions(store, clock, config.limits)
  const ttlMs = config.limits.historyExpiration
  const producers = new Set<Producer>()
  /** The generation of each session on this instance: one at a time per session. */
  const generating = new Map<string, Producer>()
  /** The latest turn switch of each known session, while it runs: the next one waits for it. */
  const switching = new Map<string, Promise<unknown>>()
  const followers = new Set<Follower>()
  let closing = false

  function assertOpen (): void {
    if (closing) throw new AiShuttingDownError()
  }

  function client (model: NormalizedModel): ProviderClient {
    return clients.get(model.provider) as ProviderClient
  }

  function candidatesOf (selectors: AiModelSelector[] | undefined): readonly NormalizedModel[] {
    if (selectors === undefined || selectors.length === 0) return config.models
    const chosen = new Set<NormalizedModel>()
    for (const selector of selectors) {
      const name = typeof selector === 'string' ? selector : `${selector.provider}:${selector.model}`
      const model = config.modelsByName.get(name)
      if (model === undefined) throw new AiModelNotConfiguredError(name)
      chosen.add(model)
    }
    return [...chosen]
  }

  /**
   * A known session's request reads its first candidate's state alongside the session; the
   * chain reads any further one (with its rate unit) when it gets there.
   */
  function readFirstCoolDown (candidates: readonly NormalizedModel[]): Promise<CoolDown | undefined> {
    return readCoolDown(store, clock, candidates[0].name)
  }

  function checkRequest (request: AiRequest): void {
    assertOpen()
    if (typeof request.prompt !== 'string' || request.prompt.length === 0) throw new AiBadRequestError('prompt must be a non-empty string')
    if (request.signal?.aborted === true) throw new AiAbortedError()
  }

  async function request (request: AiRequest): Promise<AiResponse> {
    checkRequest(request)
    const candidates = candidatesOf(request.models)
    // A new conversation reads nothing before the chain, which reads the state of the model it
    // tries; a known one is read alongside the first candidate's state.
    let session: OpenSession
    const coolDowns: Array<CoolDown | undefined> = []
    if (request.sessionId === undefined) session = sessions.create(request)
    else [session, coolDowns[0]] = await Promise.all([sessions.open(request), readFirstCoolDown(candidates)])
    const messages = buildMessages(session.context, session.turns, request.prompt)
    const startedAt = clock.now()
    let chosen: { model: NormalizedModel, value: ProviderAnswer }
    try {
      chosen = await walkChain(context, candidates, coolDowns, function completeWith (model, signal) {
        return client(model).complete(model.model, buildProviderInput(request, messages, model), { signal, timeout: model.limits.requestTimeout })
      }, request.signal)
    } catch (error) {
      if (request.sessionId !== undefined) await saveFailedTurn(session, request.prompt, error, startedAt)
      throw error
    }
    const { model, value: answer } = chosen
    const turn: AiTurn = { prompt: request.prompt, response: answer.text, model: model.name, result: answer.result, createdAt: isoDate(startedAt) }
    if (answer.usage !== undefined) turn.usage = answer.usage
    await sessions.saveTurn(session, turn)
    const response: AiResponse = { text: answer.text, result: answer.result, sessionId: session.id, model: model.name }
    if (answer.usage !== undefined) response.usage = answer.usage
    return response
  }

  /**
   * A turn of a known session that no model answered is stored as such (SPEC §4), as a
   * stream's failure after its start is: `FAILED`, or `INTERRUPTED` when the caller left.
   * A new session is not created for it: the error answer carries no session id. The
   * request's own error is what the caller gets, even when this write fails; with the store
   * down (the error itself says so) nothing is tried.
   */
  async function saveFailedTurn (session: OpenSession, prompt: string, error: unknown, startedAt: number): Promise<void> {
    const code = (error as { code?: unknown } | null | undefined)?.code
    if (code === 'AI_STORAGE_UNAVAILABLE') return
    try {
      const turn: AiTurn = { prompt, response: '', result: code === 'AI_ABORTED' ? 'INTERRUPTED' : 'FAILED', createdAt: isoDate(startedAt) }
      if (typeof code === 'string') turn.errorCode = code
      await sessions.saveTurn(session, turn)
    } catch (storeError) {
      logger.error({ err: storeError, sessionId: session.id }, 'could not store a failed turn')
    }
  }

  async function openStream (model: NormalizedModel, messages: AiChatMessage[], request: AiRequest, signal: AbortSignal | undefined): Promise<OpenedStream> {
    const events = client(model).stream(model.model, buildProviderInput(request, messages, model), { signal, timeout: model.limits.requestTimeout })
    const iterator = events[Symbol.asyncIterator]()
    const first = await iterator.next()
    if (first.done === true) throw new AiProviderEmptyResponseError(model.name)
    return { iterator, first: first.value }
  }

  async function startTurn (request: AiStreamRequest, session: OpenSession, candidates: readonly NormalizedModel[], coolDowns: Array<CoolDown | undefined>, isNew: boolean): Promise<AiStreamResponse> {
    const messages = buildMessages(session.context, session.turns, request.prompt)
    // The generation owns its upstream call: the caller's signal only counts until fallback is over.
    const controller = new AbortController()
    function abortChain (): void { controller.abort() }
    request.signal?.addEventListener('abort', abortChain)
    let opened: { model: NormalizedModel, value: OpenedStream }
    const triedAt = clock.now()
    try {
      opened = await walkChain(context, candidates, coolDowns, function streamFrom (model, signal) {
        return openStream(model, messages, request, signal)
      }, controller.signal)
    } catch (error) {
      if (!isNew) await saveFailedTurn(session, request.prompt, error, triedAt)
      throw error
    } finally {
      request.signal?.removeEventListener('abort', abortChain)
    }
    const { model, value } = opened
    if (isNew) return beginGeneration(request, session, model, value, controller, true)
    return oneAtATime(session.id, function switchTurn () {
      return beginGeneration(request, session, model, value, controller, false)
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

  /** Store the new turn's start and hand its stream to a producer. */
  async function beginGeneration (request: AiStreamRequest, session: OpenSession, model: NormalizedModel, opened: OpenedStream, controller: AbortController, isNew: boolean): Promise<AiStreamResponse> {
    const keys = sessionKeys(session.id)
    let startedAt = 0
    try {
      // The session's generation still running here ends first, stored as INTERRUPTED: two
      // generations would write into one event log.
      if (!isNew) await generating.get(session.id)?.supersede()
      // The caller may have left while it waited.
      if (request.signal?.aborted === true) throw new AiAbortedError()
      startedAt = clock.now()
      await Promise.all([
        sessions.saveMeta(session),
        writeStreamState(store, session.id, { status: 'running', startedAt, model: model.name }, ttlMs),
        // A new turn of a known session starts a fresh log (ids keep growing) with no attach marker.
        isNew ? undefined : store.clearEvents(keys.events),
        isNew ? undefined : store.delete([keys.attach])
      ])
    } catch (error) {
      controller.abort()
      opened.iterator.return?.().catch(function ignore () {})
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
      detachTimeout: config.limits.detachTimeout
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
    return { sessionId: session.id, model: model.name, events: producer.events }
  }

  function silenceTimeout (modelName: string): number {
    const model = config.modelsByName.get(modelName)
    const timeout = model?.limits.requestTimeout ?? Math.max(...config.models.map(function timeoutOf (each) { return each.limits.requestTimeout }))
    return timeout + FOLLOW_GRACE_MS
  }

  async function resume (request: AiStreamRequest, afterId: number | undefined): Promise<AiStreamResponse | undefined> {
    const follower = await followStream({ context, sessionId: request.sessionId as string, afterId, ttlMs, silenceTimeout })
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

  async function stream (request: AiStreamRequest): Promise<AiStreamResponse> {
    checkRequest(request)
    const candidates = candidatesOf(request.models)
    // As for a prompt: a new conversation reads nothing before the chain; a known one reads its
    // first candidate's state alongside the session.
    if (request.sessionId === undefined) return startTurn(request, sessions.create(request), candidates, [], true)
    if (request.resume === false) {
      const [session, coolDown] = await Promise.all([sessions.open(request), readFirstCoolDown(candidates)])
      return startTurn(request, session, candidates, [coolDown], false)
    }
    const afterId = parseEventId(request.lastEventId)
    const [session, coolDown, state] = await Promise.all([
      sessions.open(request),
      readFirstCoolDown(candidates),
      readStreamState(store, request.sessionId)
    ])
    // An answer being generated is followed; a finished one is replayed only to the request
    // that asked it: a different prompt after it is a new turn, never a replay (SPEC §5).
    if (state?.status === 'running' || (afterId !== undefined && isLastPrompt(session, request.prompt))) {
      const resumed = await resume(request, afterId)
      if (resumed !== undefined) return resumed
    }
    return startTurn(request, session, candidates, [coolDown], false)
  }

  let closed: Promise<void> | undefined
  function close (): Promise<void> {
    closed ??= shutdown()
    return closed
  }

  async function shutdown (): Promise<void> {
    closing = true
    const shutdowns = [...producers].map(function shutdownProducer (producer) { return producer.shutdown() })
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.allSettled(shutdowns),
      new Promise(function waitAtMost (resolve) { timer = setTimeout(resolve, SHUTDOWN_WAIT_MS) })
    ])
    clearTimeout(timer)
    const message = new AiShuttingDownError().message
    for (const follower of followers) follower.end('AI_SHUTTING_DOWN', message)
    await Promise.allSettled([...clients.values()].map(function closeClient (each) { return each.close() }))
    await store.close()
  }

  return {
    request,
    stream,
    getSession (sessionId: string, owner?: string) {
      return sessions.get(sessionId, owner)
    },
    deleteSession (sessionId: string, owner?: string) {
      return sessions.remove(sessionId, owner)
    },
    models () {
      return listModelStatuses(store, clock, config.models)
    },
    store,
    close
  }
}

/**
 * True when `prompt` is the prompt of the session's last turn a model answered (or the session
 * has none to compare with): the turn the event log belongs to. A turn no model answered never
 * wrote to the log, so a resend of its prompt with an older event id is a new turn, never a
 * replay of the turn before it.
 */
function isLastPrompt (session: OpenSession, prompt: string): boolean {
  const last = session.turns.findLast(function answered (turn) { return turn.model !== undefined })
  return last === undefined || last.prompt === prompt
}

function parseEventId (value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  if (!/^\d+$/.test(value)) throw new AiBadRequestError(`lastEventId must be a decimal event id, got ${JSON.stringify(value)}`)
  return Number(value)
}
