// Layer sessions/ (history in the store, and the messages a provider is sent). May import
// providers/, stores/ and the base files; see docs/architecture.md.
//
// Sessions (SPEC §4): `session:<id>` holds {context, owner, createdAt, updatedAt} and
// `turns:<id>` the last `historyLength` turns; both expire `historyExpiration` after the last
// write. A session of another owner is indistinguishable from a missing one.

import { randomUUID } from 'node:crypto'
import type { AiStore } from '../store.ts'
import type { AiRequest, AiSession, AiTurn, Clock, Logger } from '../types.ts'
import type { NormalizedSessionLimits } from '../options.ts'
import { AiSessionHistoryConflictError, AiSessionNotFoundError } from '../errors.ts'
import { isoDate } from '../clock.ts'

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
export function sessionKeys (sessionId: string): { session: string, turns: string, events: string, stream: string, attach: string } {
  return {
    session: metaKey(sessionId),
    turns: turnsKey(sessionId),
    events: eventsKey(sessionId),
    stream: `stream:${sessionId}`,
    attach: `attach:${sessionId}`
  }
}

export interface Sessions {
  /** A new session for a request without `sessionId`; nothing is read or written yet. */
  create (request: AiRequest): OpenSession
  /** Open the stored session of a request with `sessionId` (404 when unknown, expired or not the owner's). */
  open (request: AiRequest): Promise<OpenSession>
  /** Write the session's meta (and pending history) so it exists before its first turn ends. */
  saveMeta (session: OpenSession): Promise<void>
  /** Store a turn and refresh the session's expiry. */
  saveTurn (session: OpenSession, turn: AiTurn): Promise<void>
  /**
   * Store the turn of a known session that no model answered (SPEC §4), as a stream's failure
   * after its start is: `FAILED`, or `INTERRUPTED` when the caller left. Only for a known
   * session: a new one is not created for it, as the error answer carries no session id.
   * Never fails: the request's own error is what its caller gets, even when this write fails;
   * with the store down (the error itself says so) nothing is tried.
   */
  saveFailedTurn (session: OpenSession, prompt: string, error: unknown, startedAt: number): Promise<void>
  get (sessionId: string, owner?: string): Promise<AiSession>
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

  function writeMeta (session: OpenSession): Promise<void> {
    const meta: SessionMeta = { context: session.context, owner: session.owner, createdAt: session.createdAt, updatedAt: clock.now() }
    return store.set(metaKey(session.id), JSON.stringify(meta), limits.historyExpiration)
  }

  async function writePending (session: OpenSession): Promise<void> {
    const key = turnsKey(session.id)
    // One by one: the order of the list is the order of the history.
    for (const turn of session.pending) {
      await store.listPush(key, JSON.stringify(turn), limits.historyLength, limits.historyExpiration)
    }
    session.pending = []
  }

  function create (request: AiRequest): OpenSession {
    const createdAt = isoDate(clock.now())
    if (request.history === undefined || request.history.length === 0) {
      return { id: randomUUID(), context: request.context, owner: request.owner, createdAt, turns: [], pending: [] }
    }
    const history = request.history.slice(-limits.historyLength)
    const turns = history.map(function toTurn (entry): AiTurn {
      return { prompt: entry.prompt, response: entry.response, result: 'COMPLETE', createdAt }
    })
    return { id: randomUUID(), context: request.context, owner: request.owner, createdAt, turns, pending: turns.slice() }
  }

  async function saveTurn (session: OpenSession, turn: AiTurn): Promise<void> {
    if (session.pending.length > 0) await writePending(session)
    await Promise.all([
      writeMeta(session),
      store.listPush(turnsKey(session.id), JSON.stringify(turn), limits.historyLength, limits.historyExpiration)
    ])
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
        pending: []
      }
    },

    async saveMeta (session: OpenSession): Promise<void> {
      if (session.pending.length > 0) await writePending(session)
      await writeMeta(session)
    },

    async saveFailedTurn (session: OpenSession, prompt: string, error: unknown, startedAt: number): Promise<void> {
      const code = (error as { code?: unknown } | null | undefined)?.code
      if (code === 'AI_STORAGE_UNAVAILABLE') return
      try {
        const turn: AiTurn = { prompt, response: '', result: code === 'AI_ABORTED' ? 'INTERRUPTED' : 'FAILED', createdAt: isoDate(startedAt) }
        if (typeof code === 'string') turn.errorCode = code
        await saveTurn(session, turn)
      } catch (storeError) {
        logger.error({ err: storeError, sessionId: session.id }, 'could not store a failed turn')
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

    async remove (sessionId: string, owner?: string): Promise<void> {
      await readMeta(sessionId, owner)
      const keys = sessionKeys(sessionId)
      await store.delete([keys.session, keys.turns, keys.events, keys.stream, keys.attach])
    }
  }
}
