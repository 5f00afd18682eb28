// Layer responses/ (the OpenAI Responses API routes: HTTP, sessions, SSE). May import sse/ and
// the base files; see docs/architecture.md.
//
// A streamed response whose client left before its end was stored `in_progress`; the generation
// went on (or stopped) without it and left its turn in the session. The turn is the response.

import type { AiSession, ResponsesResponse } from '@platformatic/ai-provider'
import { toOpenAiResponsesAnswer } from '@platformatic/ai-provider'
import type { ResponseRecord } from './response-records.ts'

/**
 * The response of `record` as its session's turn says it ended: the turn started at or after the
 * record's request with the record's own input (never another request's turn, whatever
 * trimming dropped); the record as it is while no such turn exists (still being generated, or
 * gone).
 */
export function rebuildFromTurn (record: ResponseRecord, session: AiSession): ResponsesResponse {
  const asked = record.stream === undefined ? undefined : JSON.stringify(record.stream.messages)
  const turn = session.turns.find(function startedWithIt (each) {
    return each.createdAt >= record.startedAt && asked !== undefined && JSON.stringify(each.input ?? [{ role: 'user', content: each.prompt }]) === asked
  })
  if (turn === undefined) return record.response
  if (turn.result === 'INTERRUPTED' || turn.result === 'FAILED') {
    return {
      ...record.response,
      status: 'failed',
      error: { code: turn.errorCode ?? (turn.result === 'INTERRUPTED' ? 'AI_STREAM_INTERRUPTED' : 'AI_PROVIDER_STREAM_ERROR'), message: `The answer ${turn.result === 'INTERRUPTED' ? 'was interrupted' : 'failed'} before its end` }
    }
  }
  const answer = { text: turn.response, result: turn.result, model: turn.model ?? record.response.model, toolCalls: turn.toolCalls, usage: turn.usage }
  return toOpenAiResponsesAnswer(record.response, answer)
}
