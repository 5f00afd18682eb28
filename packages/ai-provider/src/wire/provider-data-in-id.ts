// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// A call's `providerData` carried inside its id, for the stateless routes whose clients send back
// only what they were given (the OpenAI chat and Responses routes, the Anthropic Messages route):
//
//   <the call's own id><marker><base64url of the JSON of providerData>
//
// Each route's codec picks a marker its format's ids allow. An id without providerData passes
// through unchanged, in both directions; an id whose tail does not decode to provider data is an
// ordinary id and passes through as well.

import type { AiProviderData } from '../conversation/tools.ts'

/** A tool-call id as a route received it, decoded. */
export interface IdWithProviderData {
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

function decodeTail (tail: string): AiProviderData | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(tail)) return undefined
  try {
    const value: unknown = JSON.parse(Buffer.from(tail, 'base64url').toString('utf8'))
    return isProviderData(value) ? value : undefined
  } catch {
    return undefined
  }
}

/** The id a client receives for a call: its own id, with its provider data (after `marker`) when it has any. */
export function encodeProviderDataInId (id: string, providerData: AiProviderData | undefined, marker: string): string {
  if (providerData === undefined || Object.keys(providerData).length === 0) return id
  return id + marker + Buffer.from(JSON.stringify(providerData), 'utf8').toString('base64url')
}

/** A call's own id and provider data, from an id `encodeProviderDataInId` made (any other id comes back as it is). */
export function decodeProviderDataInId (value: string, marker: string): IdWithProviderData {
  // base64url may itself hold the marker's characters: the first split whose tail decodes wins.
  let at = value.indexOf(marker)
  while (at > 0) {
    const providerData = decodeTail(value.slice(at + marker.length))
    if (providerData !== undefined) return { id: value.slice(0, at), providerData }
    at = value.indexOf(marker, at + 1)
  }
  return { id: value }
}
