// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// Gemini's finishReason -> AI Warp's result, every value of the FinishReason enum
// (https://ai.google.dev/api/generate-content#FinishReason). Gemini says STOP for an answer that
// called functions too; such an answer is TOOL_CALLS.

import type { AiResult } from '../../types.ts'
import type { GeminiFinishReason } from './types.ts'

/** The result of each finish reason, for an answer without function calls. */
export const GEMINI_FINISH_REASONS: Readonly<Record<GeminiFinishReason, AiResult>> = {
  STOP: 'COMPLETE',
  MAX_TOKENS: 'INCOMPLETE_MAX_TOKENS',
  FINISH_REASON_UNSPECIFIED: 'INCOMPLETE_UNKNOWN',
  SAFETY: 'INCOMPLETE_UNKNOWN',
  RECITATION: 'INCOMPLETE_UNKNOWN',
  LANGUAGE: 'INCOMPLETE_UNKNOWN',
  OTHER: 'INCOMPLETE_UNKNOWN',
  BLOCKLIST: 'INCOMPLETE_UNKNOWN',
  PROHIBITED_CONTENT: 'INCOMPLETE_UNKNOWN',
  SPII: 'INCOMPLETE_UNKNOWN',
  MALFORMED_FUNCTION_CALL: 'INCOMPLETE_UNKNOWN',
  IMAGE_SAFETY: 'INCOMPLETE_UNKNOWN',
  IMAGE_PROHIBITED_CONTENT: 'INCOMPLETE_UNKNOWN',
  IMAGE_OTHER: 'INCOMPLETE_UNKNOWN',
  NO_IMAGE: 'INCOMPLETE_UNKNOWN',
  IMAGE_RECITATION: 'INCOMPLETE_UNKNOWN',
  UNEXPECTED_TOOL_CALL: 'INCOMPLETE_UNKNOWN',
  TOO_MANY_TOOL_CALLS: 'INCOMPLETE_UNKNOWN',
  MISSING_THOUGHT_SIGNATURE: 'INCOMPLETE_UNKNOWN',
  MALFORMED_RESPONSE: 'INCOMPLETE_UNKNOWN'
}

/** A finish reason read: ours, beside Gemini's own value. */
export interface GeminiFinish {
  /** AI Warp's result. */
  result: AiResult
  /** Gemini's `finishReason` as sent (undefined when absent). */
  raw: string | undefined
}

/** The result of `finishReason` for an answer that made `toolCallCount` calls. Unknown values are INCOMPLETE_UNKNOWN. */
export function geminiFinish (finishReason: unknown, toolCallCount: number): GeminiFinish {
  const raw = typeof finishReason === 'string' ? finishReason : undefined
  const result = raw !== undefined && Object.hasOwn(GEMINI_FINISH_REASONS, raw)
    ? GEMINI_FINISH_REASONS[raw as GeminiFinishReason]
    : 'INCOMPLETE_UNKNOWN'
  return { result: result === 'COMPLETE' && toolCallCount > 0 ? 'TOOL_CALLS' : result, raw }
}
