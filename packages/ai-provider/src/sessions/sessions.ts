// Layer sessions/ (history in the store, and the messages a provider is sent). May import
// providers/, stores/ and the base files; see docs/architecture.md.
//
// Sessions (SPEC §4): `session:<id>` holds {context, owner, createdAt, updatedAt} and
// `turns:<id>` the last `historyLength` turns; both expire `historyExpiration` after the last
// write. A session of another owner is indistinguishable from a missing one.
//
// A deleted session stays deleted: only the first write of a new session creates it, and
// every later write is conditional on its meta existing, checked by the store atomically with
// the write. An answer that ends after its session was deleted writes nothing.

import { randomUUID } from 'node:crypto'
import type { AiStore, WriteCondition } from '../store.ts'
import type { AiRequest, AiSession, AiTurn, Clock, Logger } from '../types.ts'
import type { NormalizedSessionLimits } from '../options.ts'
import { AiSessionHistoryConflictError, AiSessionNotFoundError } from '../errors.ts'
import { isoDate } from '../clock.ts'
import { logStoreFailure } from '../logger.ts'
import type { TurnInput } from './turn-input.ts'
import { keptInput } from './messages.ts'

interface SessionMeta {
  context?: string
  owner?: string
  createdAt: string
  updatedAt: number
}

/** A session opened for one request. */
export interface OpenSession {
  id: string
  /** Context in effect for this request (the request's, else the stored one). */
  context?: string
  owner?: string
  createdAt: string
  /** Turns to build the conversation from, oldest first. */
  turns: AiTurn[]
  /** Turns from `history` not yet written (new sessions only). */
  pending: AiTurn[]
  /** The session exists in the store: its writes require its meta to still be there. */
  stored: boolean
}

/** Store key of a session's event log (on the hot path: one call per stream event). */
export function eventsKey (sessionId: string): string {
  return `events:${sessionId}`
}

/** Store key of a session's meta (on the prompt path: built alone, not with every other key). */
function metaKey (sessionId: string): string {
  return `session:${sessionId}`
}

/** Store key of a session's turns. */
function turnsKey (sessionId: string): string {
  return `turns:${sessionId}`
}

/** Every store key of a session. */
export interface SessionKeys {
  /** The meta: context, owner, dates. Its existence is the session's. */
  session: string
  /** The capped list of turns. */
  turns: string
  /** The event log of the current streamed turn. */
  events: string
  /** The stream state (running, done, interrupted) of the current streamed turn. */
  stream: string
  /** Set when a request attached to the running answer. */
  attach: string
  /** The token of the generation allowed to write the log; its TTL is the generation's lease. */
  generation: string
}

/** Every store key of a session. */
export function sessionKeys (sessionId: string): SessionKeys {
  return {
    session: metaKey(sessionId),
    turns: turnsKey(sessionId),
    events: eventsKey(sessionId),
    stream: `stream:${sessionId}`,
    attach: `attach:${sessionId}`,
    generation: `generation:${sessionId}`
  }
}

/** The condition of every write to an existing session: its meta is still there. */
export function sessionExists (sessionId: string): WriteCondition {
  return { key: metaKey(sessionId) }
}

export interface Sessions {
  /** A new session for a request without `sessionId`; nothing is read or written yet. */
  create (request: AiRequest): OpenSession
  /** Open the stored session of a request with `sessionId` (404 when unknown, expired or not the owner's). */
  open (request: AiRequest): Promise<OpenSession>
  /**
   * Write the session's meta (and pending history) so it exists before its first turn ends.
   * Resolves false, writing nothing, when the stored session was deleted meanwhile.
   */
  saveMeta (session: OpenSession): Promise<boolean>
  /**
   * Store a turn and refresh the session's expiry. Resolves false, writing nothing, when the
   * stored session was deleted meanwhile.
   */
  saveTurn (session: OpenSession, turn: AiTurn): Promise<boolean>
  /**
   * Store the turn of a known session that no model answered (SPEC §4), as a stream's failure
   * after its start is: `FAILED`, or `INTERRUPTED` when the caller left. Only for a known
   * session: a new one is not created for it, as the error answer carries no session id.
   * Never fails: the request's own error is what its caller gets, even when this write fails;
   * with the store down (the error itself says so) nothing is tried.
   */
  saveFailedTurn (session: OpenSession, input: TurnInput, error: unknown, startedAt: number): Promise<void>
  get (sessionId: string, owner?: string): Promise<AiSession>
  /** Resolve when the session exists and is the owner's; AiSessionNotFoundError otherwise. */
  check (sessionId: string, owner?: string): Promise<void>
  remove (sessionId: string, owner?: string): Promise<void>
}

export function createSessions (store: AiStore, clock: Clock, limits: NormalizedSessionLimits, logger: Logger): Sessions {
  async function readMeta (sessionId: string, owner: string | undefined): Promise<SessionMeta> {
    const stored = await store.get(metaKey(sessionId))
    const meta = stored === undefined ? undefined : JSON.parse(stored) as SessionMeta
    if (meta === undefined || meta.owner !== owner) throw new AiSessionNotFoundError(sessionId)
    return meta
  }

  async function readTurns (sessionId: string): Promise<AiTurn[]> {
    const stored = await store.listRange(turnsKey(sessionId))
    return stored.map(function parseTurn (turn) { return JSON.parse(turn) as AiTurn })
  }

  /** The condition of a session's writes: none for the one that creates it. */
  function conditionOf (session: OpenSession): WriteCondition | undefined {
    return session.stored ? sessionExists(session.id) : undefined
  }

  function writeMeta (session: OpenSession): Promise<boolean> {
    const meta: SessionMeta = { context: session.context, owner: session.owner, createdAt: session.createdAt, updatedAt: clock.now() }
    return store.set(metaKey(session.id), JSON.stringify(meta), limits.historyExpiration, conditionOf(session))
  }

  /**
   * The write that creates a session: its pending history and its meta together (nobody else
   * knows the id yet). From then on it exists and its writes are conditional.
   */
  async function createStored (session: OpenSession): Promise<void> {
    const key = turnsKey(session.id)
    const pending = session.pending
    session.pending = []
    async function pushPending (): Promise<void> {
      // One by one: the order of the list is the order of the history.
      for (const turn of pending) {
        await store.listPush(key, JSON.stringify(turn), limits.historyLength, limits.historyExpiration)
      }
    }
    await Promise.all([pushPending(), writeMeta(session)])
    session.stored = true
  }

  function create (request: AiRequest): OpenSession {
    const createdAt = isoDate(clock.now())
    if (request.history === undefined || request.history.length === 0) {
      return { id: randomUUID(), context: request.context, owner: request.owner, createdAt, turns: [], pending: [], stored: false }
    }
    const history = request.history.slice(-limits.historyLength)
    const turns = history.map(function toTurn (entry): AiTurn {
      return { prompt: entry.prompt, response: entry.response, result: 'COMPLETE', createdAt }
    })
    return { id: randomUUID(), context: request.context, owner: request.owner, createdAt, turns, pending: turns.slice(), stored: false }
  }

  async function saveTurn (session: OpenSession, turn: AiTurn): Promise<boolean> {
    if (!session.stored) {
      session.pending.push(turn)
      await createStored(session)
      return true
    }
    const [metaWritten, turnWritten] = await Promise.all([
      writeMeta(session),
      store.listPush(turnsKey(session.id), JSON.stringify(turn), limits.historyLength, limits.historyExpiration, sessionExists(session.id))
    ])
    return metaWritten && turnWritten
  }

  return {
    create,
    saveTurn,

    async open (request: AiRequest): Promise<OpenSession> {
      const sessionId = request.sessionId as string
      if (request.history !== undefined) throw new AiSessionHistoryConflictError()
      const [meta, turns] = await Promise.all([readMeta(sessionId, request.owner), readTurns(sessionId)])
      return {
        id: sessionId,
        context: request.context ?? meta.context,
        owner: meta.owner,
        createdAt: meta.createdAt,
        turns,
        pending: [],
        stored: true
      }
    },

    async saveMeta (session: OpenSession): Promise<boolean> {
      if (session.stored) return await writeMeta(session)
      await createStored(session)
      return true
    },

    async saveFailedTurn (session: OpenSession, input: TurnInput, error: unknown, startedAt: number): Promise<void> {
      const code = (error as { code?: unknown } | null | undefined)?.code
      if (code === 'AI_STORAGE_UNAVAILABLE') return
      try {
        const turn: AiTurn = newTurn(input, code === 'AI_ABORTED' ? 'INTERRUPTED' : 'FAILED', startedAt)
        if (typeof code === 'string') turn.errorCode = code
        // A deleted session stays deleted: nothing to store then.
        await saveTurn(session, turn)
      } catch (storeError) {
        logStoreFailure(logger, storeError, session.id, 'could not store a failed turn')
      }
    },

    async get (sessionId: string, owner?: string): Promise<AiSession> {
      const [meta, turns] = await Promise.all([readMeta(sessionId, owner), readTurns(sessionId)])
      return {
        sessionId,
        context: meta.context,
        turns,
        expiresAt: new Date(meta.updatedAt + limits.historyExpiration).toISOString()
      }
    },

    async check (sessionId: string, owner?: string): Promise<void> {
      await readMeta(sessionId, owner)
    },

    async remove (sessionId: string, owner?: string): Promise<void> {
      await readMeta(sessionId, owner)
      const keys = sessionKeys(sessionId)
      // One atomic delete: a conditional write of the session lands before it (and is deleted)
      // or after it (and is refused). An answer still running, on any instance, loses its
      // generation token with the rest and stops at its next event.
      await store.delete([keys.session, keys.turns, keys.events, keys.stream, keys.attach, keys.generation])
    }
  }
}

/** A turn of `input` (its answer's fields still to fill): the input kept only when it is more than a prompt. */
export function newTurn (input: TurnInput, result: AiTurn['result'], startedAt: number): AiTurn {
  const turn: AiTurn = { prompt: input.prompt, response: '', result, createdAt: isoDate(startedAt) }
  const kept = keptInput(input)
  if (kept !== undefined) turn.input = kept
  return turn
}
