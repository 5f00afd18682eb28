// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The tool-call id codec of the inbound OpenAI chat route. A stateless client of
// `/v1/chat/completions` keeps nothing but what the answer gave it, and sends it back on the next
// turn: the assistant message's `tool_calls[].id` and each tool message's `tool_call_id`. Gemini 3
// rejects a turn whose function call lacks the `thoughtSignature` it was given, and OpenAI's format
// has no field for it. The id is the one field every SDK returns unchanged (the `openai` SDK, the
// AI SDK's accumulators, LangChain), so a call's `providerData` travels inside it:
//
//   <the call's own id>.aiw1.<base64url of the JSON of providerData>
//
// base64url has no `.`, so the last `.aiw1.` splits the id even when the call's own id holds one.
// An id without providerData passes through unchanged, in both directions; an id whose tail does
// not decode to provider data is an ordinary id and passes through as well.

import type { AiProviderData } from '../../conversation/tools.ts'

/** What separates a call's own id from its encoded provider data (`aiw1`: AI Warp, version 1). */
export const TOOL_CALL_ID_MARKER = '.aiw1.'

/** A tool-call id as the route received it, decoded. */
export interface DecodedToolCallId {
  /** The call's own id, as its provider (or the session) knows it. */
  id: string
  /** What the provider needs back with the call; absent when the id carried none. */
  providerData?: AiProviderData
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

// Provider data is namespaced: an object of objects. Anything else was not written by encode.
function isProviderData (value: unknown): value is AiProviderData {
  if (!isRecord(value)) return false
  const namespaces = Object.values(value)
  return namespaces.length > 0 && namespaces.every(isRecord)
}

/** The id a client receives for a call: its own id, with its provider data when it has any. */
export function encodeToolCallId (id: string, providerData: AiProviderData | undefined): string {
  if (providerData === undefined || Object.keys(providerData).length === 0) return id
  return id + TOOL_CALL_ID_MARKER + Buffer.from(JSON.stringify(providerData), 'utf8').toString('base64url')
}

/** A call's own id and provider data, from an id `encodeToolCallId` made (any other id comes back as it is). */
export function decodeToolCallId (value: string): DecodedToolCallId {
  const at = value.lastIndexOf(TOOL_CALL_ID_MARKER)
  if (at <= 0) return { id: value }
  const tail = value.slice(at + TOOL_CALL_ID_MARKER.length)
  if (!/^[A-Za-z0-9_-]+$/.test(tail)) return { id: value }
  let providerData: unknown
  try {
    providerData = JSON.parse(Buffer.from(tail, 'base64url').toString('utf8'))
  } catch {
    return { id: value }
  }
  if (!isProviderData(providerData)) return { id: value }
  return { id: value.slice(0, at), providerData }
}
