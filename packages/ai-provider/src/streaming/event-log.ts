// Layer streaming/ (a stream's life: turns, producer, follower, channel, event log). May import
// chain/, transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// The stored side of a stream: the event log `events:<sessionId>` (ids from the store's
// sequence) and the state `stream:<sessionId>` that tells a resuming request whether an
// answer is still being generated.

import type { AiStore, StoredEvent } from '../store.ts'
import type { AiResult, AiStreamEvent, AiUsage } from '../types.ts'
import { eventsKey, sessionKeys } from '../sessions/sessions.ts'

/** An event before the log gave it an id. */
export type LoggedEvent =
  | { type: 'content', text: string }
  | { type: 'end', result: AiResult, sessionId: string, model: string, usage?: AiUsage }
  | { type: 'error', code: string, message: string }

/** What `stream:<sessionId>` holds. */
export interface StreamState {
  status: 'running' | 'done' | 'interrupted'
  /** Epoch milliseconds when the turn started. */
  startedAt: number
  /** `provider:model` generating the answer. */
  model: string
}

/** Give a logged event its id. */
export function withId (event: LoggedEvent, id: number): AiStreamEvent {
  // Content events are most of a stream: built field by field, same shape as the spread.
  if (event.type === 'content') return { type: 'content', text: event.text, id: String(id) }
  return { ...event, id: String(id) }
}

/**
 * The stored form of a content event: its text as a JSON string. The other events are JSON
 * objects. Content is most of a log, kept until the session expires: one flat string of the
 * text's size, not an object's JSON (half the bytes for a word-sized delta).
 */
export function encodeContent (text: string): string {
  return JSON.stringify(text)
}

/** The stored form of an event. */
function encodeEvent (event: LoggedEvent): string {
  if (event.type === 'content') return encodeContent(event.text)
  return JSON.stringify(event)
}

/** Decode a stored event. */
export function decodeEvent (stored: StoredEvent): AiStreamEvent {
  const decoded = JSON.parse(stored.data) as LoggedEvent | string
  // A bare string is a content event. The other events are objects, and so is content logged
  // by earlier versions (`{"type":"content","text":…}`).
  if (typeof decoded === 'string') return { type: 'content', text: decoded, id: String(stored.id) }
  return withId(decoded, stored.id)
}

/** True for the event that ends a stream. */
export function isTerminal (event: { type: string }): boolean {
  return event.type === 'end' || event.type === 'error'
}

/** Append an event to the session's log; resolves with the event as delivered (with its id). */
export async function appendStreamEvent (store: AiStore, sessionId: string, event: LoggedEvent, ttlMs: number): Promise<AiStreamEvent> {
  const id = await store.appendEvent(eventsKey(sessionId), encodeEvent(event), ttlMs)
  return withId(event, id)
}

/**
 * Append events to a log together and resolve with the first one's id (the others follow it:
 * one producer appends to a log at a time). A store without `appendEvents` gets them one by
 * one, in order.
 */
export async function appendEvents (store: AiStore, key: string, data: readonly string[], ttlMs: number): Promise<number> {
  if (store.appendEvents !== undefined) return await store.appendEvents(key, data, ttlMs)
  const first = await store.appendEvent(key, data[0], ttlMs)
  for (let i = 1; i < data.length; i++) await store.appendEvent(key, data[i], ttlMs)
  return first
}

export async function readStreamState (store: AiStore, sessionId: string): Promise<StreamState | undefined> {
  const stored = await store.get(sessionKeys(sessionId).stream)
  return stored === undefined ? undefined : JSON.parse(stored) as StreamState
}

export function writeStreamState (store: AiStore, sessionId: string, state: StreamState, ttlMs: number): Promise<void> {
  return store.set(sessionKeys(sessionId).stream, JSON.stringify(state), ttlMs)
}
