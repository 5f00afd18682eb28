// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The tool-use id codec of the inbound Anthropic route. A client of `/v1/messages` (Claude Code,
// the Anthropic SDK) keeps nothing but the content blocks it was given and sends them back: the
// assistant's `tool_use` blocks with their `id`, and the `tool_result` blocks naming it. A call
// answered by another provider may need something back on the next turn that Anthropic's block
// has no field for (Gemini 3's thought signature), so a call's `providerData` travels inside its
// id, in characters Anthropic's id pattern (`^[a-zA-Z0-9_-]+$`) allows:
//
//   <the call's own id>__aiw1__<base64url of the JSON of providerData>
//
// An id without providerData passes through unchanged, in both directions; an id whose tail does
// not decode to provider data is an ordinary id and passes through as well. Thinking signatures
// need no codec: the `thinking` block carries its own `signature`.
//
// Outbound, the same pattern applies to every id the request writer sends: a call another provider
// made may have an id Anthropic refuses with a 400 (Kimi's `functions.Bash:0`), so such an id is
// sent in a safe form (anthropicToolUseId), the same in the `tool_use` and its `tool_result`.

import { createHash } from 'node:crypto'
import type { AiProviderData } from '../../conversation/tools.ts'
import type { IdWithProviderData } from '../provider-data-in-id.ts'
import { decodeProviderDataInId, encodeProviderDataInId } from '../provider-data-in-id.ts'

/** What separates a call's own id from its encoded provider data (`aiw1`: AI Warp, version 1). */
export const TOOL_USE_ID_MARKER = '__aiw1__'

/** The pattern Anthropic requires of `tool_use.id` and `tool_result.tool_use_id`. */
export const ANTHROPIC_TOOL_USE_ID_PATTERN = /^[a-zA-Z0-9_-]+$/

/**
 * The id sent to Anthropic for a call: its own id when the pattern allows it; else the id with
 * every other character replaced by `_` and a short hash of the whole id appended
 * (`functions.Bash:0` -> `functions_Bash_0_<12 hex digits>`), so two ids differing only in such
 * characters stay two ids. Deterministic: a call and its result get the same one.
 */
export function anthropicToolUseId (id: string): string {
  if (ANTHROPIC_TOOL_USE_ID_PATTERN.test(id)) return id
  const digest = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 12)
  return `${id.replaceAll(/[^a-zA-Z0-9_-]/g, '_')}_${digest}`
}

/** A tool-use id as the route received it, decoded. */
export type DecodedToolUseId = IdWithProviderData

/** The id a client receives for a call: its own id, with its provider data when it has any. */
export function encodeToolUseId (id: string, providerData: AiProviderData | undefined): string {
  return encodeProviderDataInId(id, providerData, TOOL_USE_ID_MARKER)
}

/** A call's own id and provider data, from an id `encodeToolUseId` made (any other id comes back as it is). */
export function decodeToolUseId (value: string): DecodedToolUseId {
  return decodeProviderDataInId(value, TOOL_USE_ID_MARKER)
}
