// createAi: wires options, store, provider clients, sessions and the fallback chain together.
// Each concept lives in its own module; this file only sequences them per request.

import type {
  Ai, AiChatMessage, AiDependencies, AiModelSelector, AiOptions, AiRequest, AiResponse, AiStreamRequest,
  AiStreamResponse, AiTurn, AiUsageQuery
} from './types.ts'
import type { ProviderAnswer, ProviderClient } from './provider.ts'
import type { NormalizedAiOptions, NormalizedModel } from './options.ts'
import type { ChainContext } from './chain/fallback-chain.ts'
import type { OpenSession } from './sessions/sessions.ts'
import type { ObservedRequest } from './observer.ts'
import { AiAbortedError, AiBadRequestError, AiModelNotConfiguredError, AiSessionNotFoundError, AiShuttingDownError } from './errors.ts'
import { normalizeOptions } from './options.ts'
import { AiObservers } from './observer.ts'
import { observeStore } from './stores/observed-store.ts'
import { isoDate, systemClock } from './clock.ts'
import { silentLogger } from './logger.ts'
import { createStore } from './stores/create-store.ts'
import { createProviderClient } from './transport/provider-client.ts'
import { createSessions } from './sessions/sessions.ts'
import { walkChain } from './chain/fallback-chain.ts'
import { listModelStatuses } from './chain/model-state.ts'
import { buildMessages, buildProviderInput } from './sessions/messages.ts'
import { isLive, promptHash, readStreamState } from './streaming/event-log.ts'
import { sessionKeys } from './sessions/sessions.ts'
import { createStreamTurns } from './streaming/turns.ts'
import { createAccounting } from './accounting/spend.ts'
import { pricedUsage } from './accounting/prices.ts'

/** Build the gateway core: validates options (AiOptionsError), builds the store and one client per provider. */
export async function createAi (options: AiOptions, deps: AiDependencies = {}): Promise<Ai> {
  const config: NormalizedAiOptions = normalizeOptions(options)
  const logger = deps.logger ?? silentLogger
  const clock = deps.clock ?? systemClock
  const observers = new AiObservers(logger)
  const store = observeStore(deps.store ?? await createStore(config.storage, { logger, clock }), observers)
  const clients = new Map<string, ProviderClient>()
  for (const provider of Object.values(config.providers)) {
    clients.set(provider.name, createProviderClient(provider, { logger, dispatcher: deps.dispatchers?.[provider.name] }))
  }
  const context: ChainContext = { store, clock, logger, observers }
  const sessions = createSessions(store, clock, config.limits, logger)
  const accounting = createAccounting({ config, store, clock, logger })
  const turns = createStreamTurns({ config, context, sessions, client, accounting })
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

  function checkRequest (request: AiRequest): void {
    assertOpen()
    if (typeof request.prompt !== 'string' || request.prompt.length === 0) throw new AiBadRequestError('prompt must be a non-empty string')
    if (request.signal?.aborted === true) throw new AiAbortedError()
  }

  async function request (request: AiRequest): Promise<AiResponse> {
    checkRequest(request)
    const candidates = candidatesOf(request.models)
    const observed = observers.begin('request', request, candidates)
    if (observed === undefined) return await answer(request, candidates)
    try {
      const response = await answer(request, candidates, observed)
      observers.answered(observed, response.sessionId, response.result, response.usage, response.text)
      return response
    } catch (error) {
      observers.failed(observed, error)
      throw error
    }
  }

  async function answer (request: AiRequest, candidates: readonly NormalizedModel[], observed?: ObservedRequest): Promise<AiResponse> {
    // A known session is read in the same round trip as the chain's first step (the store
    // sends what is asked in one tick together); the call waits for it. Its own error (404)
    // wins over whatever the chain ended with.
    const opening = request.sessionId === undefined ? Promise.resolve(sessions.create(request)) : sessions.open(request)
    opening.catch(function handledBelow () {})
    let messages: AiChatMessage[] | undefined
    const spend = accounting.begin(request, candidates)
    if (spend.reserves) {
      // A budget reserves the conversation's estimate before the chain: the session first.
      const known = await opening
      messages = buildMessages(known.context, known.turns, request.prompt)
      spend.estimate(messages)
      await spend.reserveCaller()
    }
    const startedAt = clock.now()
    let chosen: { model: NormalizedModel, value: ProviderAnswer }
    try {
      chosen = await walkChain(context, candidates, async function completeWith (model, signal) {
        if (messages === undefined) {
          const session = await opening
          messages = buildMessages(session.context, session.turns, request.prompt)
          spend.estimate(messages)
        }
        return await client(model).complete(model.model, buildProviderInput(request, messages, model), { signal, timeout: model.limits.requestTimeout })
      }, request.signal, observed, spend)
    } catch (error) {
      const [session] = await Promise.all([opening, spend.release()])
      if (request.sessionId !== undefined) await sessions.saveFailedTurn(session, request.prompt, error, startedAt)
      throw error
    }
    const session = await opening
    const { model, value: answer } = chosen
    const usage = pricedUsage(model, answer.usage)
    const turn: AiTurn = { prompt: request.prompt, response: answer.text, model: model.name, result: answer.result, createdAt: isoDate(startedAt) }
    if (usage !== undefined) turn.usage = usage
    // The usage is settled and recorded in the turn's round trip. Deleted while it was answered:
    // the session stays deleted, and this answer is not given (SPEC §5); it was spent all the same.
    const [saved] = await Promise.all([sessions.saveTurn(session, turn), spend.settle(model, answer.usage, answer.text)])
    if (!saved) throw new AiSessionNotFoundError(session.id)
    const response: AiResponse = { text: answer.text, result: answer.result, sessionId: session.id, model: model.name }
    if (usage !== undefined) response.usage = usage
    return response
  }

  async function stream (request: AiStreamRequest): Promise<AiStreamResponse> {
    checkRequest(request)
    const candidates = candidatesOf(request.models)
    const observed = observers.begin('stream', request, candidates)
    if (observed === undefined) return await streamTurn(request, candidates)
    try {
      // Its end is published by the generation (or below, for a resume).
      return await streamTurn(request, candidates, observed)
    } catch (error) {
      observers.failed(observed, error)
      throw error
    }
  }

  async function streamTurn (request: AiStreamRequest, candidates: readonly NormalizedModel[], observed?: ObservedRequest): Promise<AiStreamResponse> {
    // As for a prompt: the chain reads the state of each model it tries; a resumable request
    // reads its session's stream state alongside the session.
    if (request.sessionId === undefined) return turns.start(request, sessions.create(request), candidates, observed)
    if (request.resume === false) return turns.start(request, await sessions.open(request), candidates, observed)
    const afterId = parseEventId(request.lastEventId)
    const [session, state, lease] = await Promise.all([
      sessions.open(request),
      readStreamState(store, request.sessionId),
      store.get(sessionKeys(request.sessionId).generation)
    ])
    // Only the request that asked for an answer gets it (SPEC §5): a resend of the log's prompt
    // follows it while it is generated, and is replayed the rest when it says where it stopped.
    // Any other prompt is a new turn, whatever runs.
    const samePrompt = state?.promptHash !== undefined
      ? state.promptHash === promptHash(request.prompt)
      : isLastPrompt(session, request.prompt)
    if (samePrompt && (afterId !== undefined || isLive(state, lease))) {
      const resumed = await turns.resume(request, afterId)
      if (resumed !== undefined) {
        observers.resumed(observed, resumed.sessionId)
        return resumed
      }
    }
    return turns.start(request, session, candidates, observed)
  }

  let closed: Promise<void> | undefined
  function close (): Promise<void> {
    closed ??= shutdown()
    return closed
  }

  async function shutdown (): Promise<void> {
    closing = true
    await turns.shutdown()
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
    async cancelStream (sessionId: string, owner?: string) {
      await sessions.check(sessionId, owner)
      return await turns.cancel(sessionId)
    },
    models () {
      return listModelStatuses(store, clock, config.models)
    },
    usage (query: AiUsageQuery = {}) {
      return accounting.report(query)
    },
    observe (observer) {
      return observers.add(observer)
    },
    store,
    close
  }
}

/**
 * For a stream state of an earlier version (without `promptHash`): true when `prompt` is the
 * prompt of the session's last turn a model answered (or the session has none to compare
 * with), the turn the event log belongs to.
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
