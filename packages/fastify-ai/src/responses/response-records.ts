// Layer responses/ (the OpenAI Responses API routes: HTTP, sessions, SSE). May import sse/ and
// the base files; see docs/architecture.md.
//
// What a response id stands for, in the store the core shares (`fastify.ai.store`), so any
// instance on the same Valkey reads it:
// - `response:<id>`: the session holding the response's turn, the response object (in progress
//   until its end is seen), and for a streamed one the id of its first logged event and the
//   input it was asked with (a resume resends it: the core attaches only to the same input);
// - `response-head:<sessionId>`: the id of the session's latest response, the only one a
//   `previous_response_id` continues and a `starting_after` resumes.
// Both expire with the session's TTL (`limits.historyExpiration`), counted from their write.

import type { AiMessage, AiStore, ResponsesResponse } from '@platformatic/ai-provider'
import { AiResponseNotFoundError } from '../errors.ts'

/** A stored response. */
export interface ResponseRecord {
  /** The session whose turn the response is. */
  sessionId: string
  /** The owner of the session, when the request had one. */
  owner?: string
  /** The response object: final once its answer ended, `in_progress` until then. */
  response: ResponsesResponse
  /** ISO 8601, just before the core was asked: the turn's own `createdAt` is not earlier. */
  startedAt: string
  /** For a streamed response: where its events start in the session's log, and what was asked. */
  stream?: {
    /** Id of the response's first event in the session's event log. */
    firstEventId: number
    /** The messages the turn added, resent as they were to resume (the core compares their digest). */
    messages: AiMessage[]
  }
}

/** Reads and writes response records. */
export interface ResponseRecords {
  /** The record of `id` visible to `owner`; AI_RESPONSE_NOT_FOUND otherwise. */
  read (id: string, owner: string | undefined): Promise<ResponseRecord>
  /** Write a record; with `head`, it also becomes its session's latest response. */
  write (id: string, record: ResponseRecord, head: boolean): Promise<void>
  /** True when `id` is its session's latest response. */
  isHead (id: string, sessionId: string): Promise<boolean>
  /** Make `id` the session's latest response in place of `previousId`, atomically; false when `previousId` is not the latest any more. */
  claimHead (sessionId: string, previousId: string, id: string): Promise<boolean>
  /** Give the session's head back to `previousId` when `id` still holds it (its request failed). */
  releaseHead (sessionId: string, id: string, previousId: string): Promise<void>
  /** Forget a record; and its session's head when it is that. */
  remove (id: string, record: ResponseRecord): Promise<boolean>
}

const RESPONSE_ID = /^resp_[A-Za-z0-9_-]{1,100}$/

function recordKey (id: string): string {
  return `response:${id}`
}

function headKey (sessionId: string): string {
  return `response-head:${sessionId}`
}

/** Response records in `store`, kept `ttlMs` after each write. */
export function createResponseRecords (store: AiStore, ttlMs: number): ResponseRecords {
  return {
    async read (id, owner) {
      if (!RESPONSE_ID.test(id)) throw new AiResponseNotFoundError(id.slice(0, 120))
      const stored = await store.get(recordKey(id))
      if (stored === undefined) throw new AiResponseNotFoundError(id)
      const record = JSON.parse(stored) as ResponseRecord
      // Another owner's response does not exist for this caller.
      if (record.owner !== owner) throw new AiResponseNotFoundError(id)
      return record
    },
    async write (id, record, head) {
      const writes = [store.set(recordKey(id), JSON.stringify(record), ttlMs)]
      if (head) writes.push(store.set(headKey(record.sessionId), id, ttlMs))
      await Promise.all(writes)
    },
    async isHead (id, sessionId) {
      return await store.get(headKey(sessionId)) === id
    },
    async claimHead (sessionId, previousId, id) {
      const key = headKey(sessionId)
      return await store.set(key, id, ttlMs, { key, equals: previousId })
    },
    async releaseHead (sessionId, id, previousId) {
      const key = headKey(sessionId)
      await store.set(key, previousId, ttlMs, { key, equals: id })
    },
    async remove (id, record) {
      const head = await store.get(headKey(record.sessionId)) === id
      // One key per call: the two keys have different subjects (slots, on a cluster).
      await Promise.all(head ? [store.delete([recordKey(id)]), store.delete([headKey(record.sessionId)])] : [store.delete([recordKey(id)])])
      return head
    }
  }
}
