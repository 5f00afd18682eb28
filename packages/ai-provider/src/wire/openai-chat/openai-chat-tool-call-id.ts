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
// An id without providerData passes through unchanged, in both directions; an id whose tail does
// not decode to provider data is an ordinary id and passes through as well.

import type { AiProviderData } from '../../conversation/tools.ts'
import type { IdWithProviderData } from '../provider-data-in-id.ts'
import { decodeProviderDataInId, encodeProviderDataInId } from '../provider-data-in-id.ts'

/** What separates a call's own id from its encoded provider data (`aiw1`: AI Warp, version 1). */
export const TOOL_CALL_ID_MARKER = '.aiw1.'

/** A tool-call id as the route received it, decoded. */
export type DecodedToolCallId = IdWithProviderData

/** The id a client receives for a call: its own id, with its provider data when it has any. */
export function encodeToolCallId (id: string, providerData: AiProviderData | undefined): string {
  return encodeProviderDataInId(id, providerData, TOOL_CALL_ID_MARKER)
}

/** A call's own id and provider data, from an id `encodeToolCallId` made (any other id comes back as it is). */
export function decodeToolCallId (value: string): DecodedToolCallId {
  return decodeProviderDataInId(value, TOOL_CALL_ID_MARKER)
}
