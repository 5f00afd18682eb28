// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// Anthropic's stop_reason -> AI Warp's result, every documented value
// (https://docs.anthropic.com/en/api/handling-stop-reasons). `pause_turn` (a server tool's
// long turn paused, to be continued by sending the answer back) and `refusal` are answers that
// did not finish as asked: INCOMPLETE_UNKNOWN, their raw value kept beside.

import type { AiResult } from '../../types.ts'
import type { AnthropicStopReason } from './types.ts'

/** The result of each stop reason. */
export const ANTHROPIC_STOP_REASONS: Readonly<Record<AnthropicStopReason, AiResult>> = {
  end_turn: 'COMPLETE',
  stop_sequence: 'COMPLETE',
  max_tokens: 'INCOMPLETE_MAX_TOKENS',
  model_context_window_exceeded: 'INCOMPLETE_MAX_TOKENS',
  tool_use: 'TOOL_CALLS',
  pause_turn: 'INCOMPLETE_UNKNOWN',
  refusal: 'INCOMPLETE_UNKNOWN'
}

/** A stop reason read: ours, beside Anthropic's own value. */
export interface AnthropicFinish {
  /** AI Warp's result. */
  result: AiResult
  /** Anthropic's `stop_reason` as sent (undefined when absent). */
  raw: string | undefined
}

/** The result of `stopReason`; unknown or missing values are INCOMPLETE_UNKNOWN. */
export function anthropicFinish (stopReason: unknown): AnthropicFinish {
  const raw = typeof stopReason === 'string' ? stopReason : undefined
  const result = raw !== undefined && Object.hasOwn(ANTHROPIC_STOP_REASONS, raw)
    ? ANTHROPIC_STOP_REASONS[raw as AnthropicStopReason]
    : 'INCOMPLETE_UNKNOWN'
  return { result, raw }
}
