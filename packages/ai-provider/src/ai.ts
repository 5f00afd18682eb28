// createAi: wires options, store, provider clients, sessions and the fallback chain together.
// Each concept lives in its own module; this file only sequences them per request.

import type {
  Ai, AiCapability, AiDependencies, AiMessage, AiModelSelector, AiOptions, AiRequest, AiResponse, AiStreamRequest,
  AiStreamResponse, AiTokenCount, AiUsageQuery
} from './types.ts'
import type { ProviderAnswer, ProviderClient } from './provider.ts'
import type { NormalizedAiOptions, NormalizedModel } from './options.ts'
import type { ChainContext } from './chain/fallback-chain.ts'
import type { OpenSession } from './sessions/sessions.ts'
import type { ObservedRequest } from './observer.ts'
import type { TurnInput } from './sessions/turn-input.ts'
import { AiStreamNotResumableError } from './errors.ts'
import { AiAbortedError, AiBadRequestError, AiModelNotConfiguredError, AiModelTypeMismatchError, AiNoModelOfTypeError, AiSessionNotFoundError, AiShuttingDownError } from './errors.ts'
import { normalizeOptions } from './options.ts'
import { AiObservers } from './observer.ts'
import { observeStore } from './stores/observed-store.ts'
import { systemClock } from './clock.ts'
import { silentLogger } from './logger.ts'
import { createStore } from './stores/create-store.ts'
import { createProviderClient } from './transport/provider-client.ts'
import { createSessions, newTurn } from './sessions/sessions.ts'
import { digestOf, readTurnInput } from './sessions/turn-input.ts'
import { requiredCapabilities } from './conversation/capabilities.ts'
import { addConversationNeeds, assertCapable, requireCapableCandidate, unsupportedOr } from './chain/capable-models.ts'
import { walkChain } from './chain/fallback-chain.ts'
import { listModelStatuses } from './chain/model-state.ts'
import { buildMessages, buildProviderInput } from './sessions/messages.ts'
import { isLive, readStreamState } from './streaming/event-log.ts'
import { sessionKeys } from './sessions/sessions.ts'
import { createStreamTurns } from './streaming/turns.ts'
import { createAccounting } from './accounting/spend.ts'
import { pricedUsage } from './accounting/prices.ts'
import { answerText, estimateRequestTokens } from './accounting/token-estimate.ts'
import { createEmbeddings } from './embeddings/embed.ts'

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
  const embed = createEmbeddings({ config, context, client, accounting, assertOpen })

  function assertOpen (): void {
    if (closing) throw new AiShuttingDownError()
  }

  function client (model: NormalizedModel): ProviderClient {
    return clients.get(model.provider) as ProviderClient
  }

  function candidatesOf (selectors: AiModelSelector[] | undefined): readonly NormalizedModel[] {
    if (selectors === undefined || selectors.length === 0) {
      if (config.models.length === 0) throw new AiNoModelOfTypeError('chat')
      return config.models
    }
    const chosen = new Set<NormalizedModel>()
    for (const selector of selectors) {
      const name = typeof selector === 'string' ? selector : `${selector.provider}:${selector.model}`
      const model = config.modelsByName.get(name)
      if (model === undefined) throw new AiModelNotConfiguredError(name)
      // An embedding model is never asked for a chat answer.
      if (model.type !== 'chat') throw new AiModelTypeMismatchError(name, model.type, 'chat')
      chosen.add(model)
    }
    return [...chosen]
  }

  /** What a request adds to its conversation, checked; and the capabilities it needs of a model. */
  function checkRequest (request: AiRequest, stream: boolean): { input: TurnInput, needs: AiCapability[] } {
    assertOpen()
    const input = readTurnInput(request)
    if (request.signal?.aborted === true) throw new AiAbortedError()
    if (input.plain && request.tools === undefined && request.responseFormat === undefined) return { input, needs: [] }
    const needs = requiredCapabilities({ messages: input.messages, tools: request.tools, responseFormat: request.responseFormat }, stream)
    return { input, needs }
  }

  /** The candidates of a request, refused before any call when none serves what it needs. */
  function candidatesFor (request: AiRequest, needs: readonly AiCapability[]): readonly NormalizedModel[] {
    const candidates = candidatesOf(request.models)
    requireCapableCandidate(candidates, needs)
    return candidates
  }

  async function request (request: AiRequest): Promise<AiResponse> {
    const { input, needs } = checkRequest(request, false)
    const candidates = candidatesFor(request, needs)
    const observed = observers.begin('request', request, candidates)
    if (observed === undefined) return await answer(request, input, needs, candidates)
    try {
      const response = await observers.within(observed, function answerObserved () { return answer(request, input, needs, candidates, observed) })
      observers.answered(observed, response.sessionId, response.result, response.usage, response.text)
      return response
    } catch (error) {
      observers.failed(observed, error)
      throw error
    }
  }

  async function answer (request: AiRequest, input: TurnInput, needs: readonly AiCapability[], candidates: readonly NormalizedModel[], observed?: ObservedRequest): Promise<AiResponse> {
    // A known session is read in the same round trip as the chain's first step (the store
    // sends what is asked in one tick together); the call waits for it. Its own error (404)
    // wins over whatever the chain ended with.
    const opening = request.sessionId === undefined ? Promise.resolve(sessions.create(request)) : sessions.open(request)
    opening.catch(function handledBelow () {})
    let messages: AiMessage[] | undefined
    // What the conversation needs grows with its history once that is read.
    const chainNeeds = needs.slice()
    const spend = accounting.begin(request, candidates)
    if (spend.reserves || !input.plain) {
      // A budget reserves the conversation's estimate before the chain, and tool results are
      // checked against the calls they answer before any model is asked: the session first.
      const known = await opening
      messages = buildMessages(known.context, known.turns, input)
      addConversationNeeds(chainNeeds, request, messages, false)
      requireCapableCandidate(candidates, chainNeeds)
      spend.estimate(messages)
      if (spend.reserves) await spend.reserveCaller()
    }
    const startedAt = clock.now()
    let chosen: { model: NormalizedModel, value: ProviderAnswer }
    try {
      chosen = await walkChain(context, candidates, async function completeWith (model, signal, attempt) {
        if (messages === undefined) {
          const session = await opening
          messages = buildMessages(session.context, session.turns, input)
          addConversationNeeds(chainNeeds, request, messages, false)
          spend.estimate(messages)
        }
        // The model the chain reached before the history was read may not serve it.
        assertCapable(model, chainNeeds)
        return await client(model).complete(model.model, buildProviderInput(request, messages, model), { signal, timeout: model.limits.requestTimeout, headers: attempt?.upstreamHeaders })
      }, request.signal, observed, spend, chainNeeds)
    } catch (failure) {
      const error = unsupportedOr(failure, chainNeeds, candidates)
      const [session] = await Promise.all([opening, spend.release()])
      // A request refused for what it is (a tool result answering no call, a feature no model serves) is not a turn.
      if (request.sessionId !== undefined && (error as { statusCode?: unknown }).statusCode !== 400) await sessions.saveFailedTurn(session, input, error, startedAt)
      throw error
    }
    const session = await opening
    const { model, value: answer } = chosen
    const usage = pricedUsage(model, answer.usage)
    const turn = newTurn(input, answer.result, startedAt)
    turn.response = answer.text
    turn.model = model.name
    if (answer.toolCalls !== undefined && answer.toolCalls.length > 0) turn.toolCalls = answer.toolCalls
    if (answer.reasoning !== undefined && answer.reasoning.length > 0) turn.reasoning = answer.reasoning
    if (usage !== undefined) turn.usage = usage
    // The usage is settled and recorded in the turn's round trip. Deleted while it was answered:
    // the session stays deleted, and this answer is not given (SPEC §5); it was spent all the same.
    const [saved] = await Promise.all([sessions.saveTurn(session, turn), spend.settle(model, answer.usage, answerText(answer.text, turn.toolCalls))])
    if (!saved) throw new AiSessionNotFoundError(session.id)
    const response: AiResponse = { text: answer.text, result: answer.result, sessionId: session.id, model: model.name }
    if (turn.toolCalls !== undefined) response.toolCalls = turn.toolCalls
    if (turn.reasoning !== undefined) response.reasoning = turn.reasoning
    if (usage !== undefined) response.usage = usage
    return response
  }

  async function stream (request: AiStreamRequest): Promise<AiStreamResponse> {
    const { input, needs } = checkRequest(request, true)
    const candidates = candidatesFor(request, needs)
    const observed = observers.begin('stream', request, candidates)
    if (observed === undefined) return await streamTurn(request, input, needs, candidates)
    try {
      // Its end is published by the generation (or below, for a resume).
      return await observers.within(observed, function streamObserved () { return streamTurn(request, input, needs, candidates, observed) })
    } catch (error) {
      observers.failed(observed, error)
      throw error
    }
  }

  async function streamTurn (request: AiStreamRequest, input: TurnInput, needs: readonly AiCapability[], candidates: readonly NormalizedModel[], observed?: ObservedRequest): Promise<AiStreamResponse> {
    // As for a prompt: the chain reads the state of each model it tries; a resumable request
    // reads its session's stream state alongside the session.
    const turn = { request, input, needs, candidates, observed }
    if (request.resumeOnly === true && (request.sessionId === undefined || request.resume === false)) {
      throw new AiBadRequestError('resumeOnly needs a sessionId and resume')
    }
    if (request.sessionId === undefined) return turns.start(turn, sessions.create(request))
    if (request.resume === false) return turns.start(turn, await sessions.open(request))
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
      ? state.promptHash === digestOf(input)
      : isLastPrompt(session, input.prompt)
    if (samePrompt && (afterId !== undefined || isLive(state, lease))) {
      const resumed = await turns.resume(request, digestOf(input), afterId)
      if (resumed !== undefined) {
        observers.resumed(observed, resumed.sessionId)
        return resumed
      }
    }
    // A retrieve of an answer that is not there (another turn took the log, or it expired) never asks a model.
    if (request.resumeOnly === true) throw new AiStreamNotResumableError(request.sessionId)
    return turns.start(turn, session)
  }

  async function countTokens (request: AiRequest): Promise<AiTokenCount> {
    const { input, needs } = checkRequest(request, false)
    const model = candidatesFor(request, needs)[0]
    const session = request.sessionId === undefined ? sessions.create(request) : await sessions.open(request)
    const messages = buildMessages(session.context, session.turns, input)
    try {
      const counted = await client(model).countTokens(model.model, buildProviderInput(request, messages, model), { signal: request.signal, timeout: model.limits.requestTimeout })
      if (counted !== undefined) return { inputTokens: counted, model: model.name, estimated: false }
    } catch (error) {
      if (request.signal?.aborted === true) throw error
      // A count is an aid, not an answer: the estimate stands in for a provider that failed.
      logger.warn({ err: error, model: model.name }, 'the provider could not count tokens: estimated')
    }
    return { inputTokens: estimateRequestTokens(messages, request.tools), model: model.name, estimated: true }
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
    countTokens,
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
    embed,
    models () {
      return listModelStatuses(store, clock, [...config.models, ...config.embeddingModels])
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
