// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// How an answer's result reads as a response's status, and the ids of its output items.

import type { AiResult } from '../../types.ts'
import type { ResponsesIncompleteReason } from './types.ts'

/** A response's end, by the answer's result. */
export interface ResponsesEnd {
  status: 'completed' | 'incomplete'
  reason: ResponsesIncompleteReason | null
}

/**
 * Every result, as a status. `INCOMPLETE_UNKNOWN` (the provider stopped for another reason:
 * safety, recitation…) has no reason of its own in the API: `content_filter` is the closest.
 */
export const RESPONSES_ENDS: Readonly<Record<AiResult, ResponsesEnd>> = {
  COMPLETE: { status: 'completed', reason: null },
  TOOL_CALLS: { status: 'completed', reason: null },
  INCOMPLETE_MAX_TOKENS: { status: 'incomplete', reason: 'max_output_tokens' },
  INCOMPLETE_UNKNOWN: { status: 'incomplete', reason: 'content_filter' }
}

/** The id of a response's message item: derived from the response id, so a replay gives the same. */
export function messageItemId (responseId: string): string {
  return `msg_${responseId.replace(/^resp_/, '')}`
}

/** The id of a response's function call item, by the call's place among its calls. */
export function functionCallItemId (responseId: string, index: number): string {
  return `fc_${responseId.replace(/^resp_/, '')}_${index}`
}
