// Layer streaming/ (a stream's life: turns, producer, follower, channel, event log). May import
// chain/, transport/, sessions/, providers/, stores/ and the base files; see docs/architecture.md.
//
// The stored side of a stream: the event log `events:<sessionId>` (ids from the store's
// sequence), the state `stream:<sessionId>` of the session's current streamed turn, and the
// lease `generation:<sessionId>`: the token of the one generation allowed to write the log,
// renewed while it runs. A state is live only while the lease holds its token, so an answer
// whose instance or store died is seen as interrupted once the lease lapses, never waited on.

import { randomUUID } from 'node:crypto'
import type { AiStore, StoredEvent, WriteCondition } from '../store.ts'
import type { AiReasoning, AiResult, AiStreamEvent, AiToolCall, AiUsage } from '../types.ts'
import { eventsKey, sessionKeys } from '../sessions/sessions.ts'

export { promptHash } from '../sessions/turn-input.ts'

/** An event before the log gave it an id. */
export type LoggedEvent =
  | { type: 'content', text: string }
  | { type: 'tool_call', index: number, toolCall: AiToolCall }
  | { type: 'reasoning', reasoning: AiReasoning }
  | { type: 'end', result: AiResult, sessionId: string, model: string, usage?: AiUsage, toolCalls?: AiToolCall[], reasoning?: AiReasoning[] }
  | { type: 'error', code: string, message: string }

/** What `stream:<sessionId>` holds. */
export interface StreamState {
  status: 'running' | 'done' | 'interrupted'
  /** Epoch milliseconds when the turn started. */
  startedAt: number
  /** `provider:model` generating the answer. */
  model: string
  /** Token of the generation writing this turn (absent in states of earlier versions: never live). */
  generation?: string
  /** The digest of the turn's input (`promptHash` of a prompt): only a resend of that input attaches to it. */
  promptHash?: string
}

/** True while the state's generation holds the lease: its answer is being generated (or is finishing). */
export function isLive (state: StreamState | undefined, lease: string | undefined): state is StreamState {
  return state?.generation !== undefined && lease === state.generation
}

/** The lease's value once a DELETE of the session's stream cancelled its generation. */
export function cancelToken (): string {
  return `cancelled:${randomUUID()}`
}

/** True for a lease taken by a cancel. */
export function isCancelToken (value: string): boolean {
  return value.startsWith('cancelled:')
}

/** The condition of every write of a generation: the lease still holds its token. */
export function holdsLease (sessionId: string, generation: string): WriteCondition {
  return { key: sessionKeys(sessionId).generation, equals: generation }
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

/** The stored form of a tool call event. */
export function encodeToolCall (index: number, toolCall: AiToolCall): string {
  return JSON.stringify({ type: 'tool_call', index, toolCall })
}

/** The stored form of a reasoning event. */
export function encodeReasoning (reasoning: AiReasoning): string {
  return JSON.stringify({ type: 'reasoning', reasoning })
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

/**
 * Append an event to the session's log under `condition`; resolves with the event as delivered
 * (with its id), or undefined when the condition refused it.
 */
export async function appendStreamEvent (store: AiStore, sessionId: string, event: LoggedEvent, ttlMs: number, condition: WriteCondition): Promise<AiStreamEvent | undefined> {
  const id = await store.appendEvent(eventsKey(sessionId), encodeEvent(event), ttlMs, condition)
  return id === 0 ? undefined : withId(event, id)
}

/**
 * Append events to a log together under `condition` and resolve with the first one's id (the
 * others follow it: one producer appends to a log at a time), 0 when refused. A store without
 * `appendEvents` gets them one by one, in order.
 */
export async function appendEvents (store: AiStore, key: string, data: readonly string[], ttlMs: number, condition: WriteCondition): Promise<number> {
  if (store.appendEvents !== undefined) return await store.appendEvents(key, data, ttlMs, condition)
  const first = await store.appendEvent(key, data[0], ttlMs, condition)
  if (first === 0) return 0
  for (let i = 1; i < data.length; i++) {
    if (await store.appendEvent(key, data[i], ttlMs, condition) === 0) return 0
  }
  return first
}

export async function readStreamState (store: AiStore, sessionId: string): Promise<StreamState | undefined> {
  const stored = await store.get(sessionKeys(sessionId).stream)
  return stored === undefined ? undefined : JSON.parse(stored) as StreamState
}

/** Write the stream state (under `condition` when given); resolves false when refused. */
export function writeStreamState (store: AiStore, sessionId: string, state: StreamState, ttlMs: number, condition?: WriteCondition): Promise<boolean> {
  return store.set(sessionKeys(sessionId).stream, JSON.stringify(state), ttlMs, condition)
}
