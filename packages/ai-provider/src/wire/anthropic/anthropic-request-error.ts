// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The one error the inbound Anthropic reader throws: a 400 naming the field at fault in
// Anthropic's own terms (`messages.2.content.0.source.data`, dotted with numeric indexes as the
// Messages API writes them), answered as an `invalid_request_error`.

import { AiBadRequestError } from '../../errors.ts'

/** An AI_BAD_REQUEST naming the request field at fault. */
export type AnthropicRequestError = Error & {
  /** The field at fault, in Anthropic's terms: `tools.3.input_schema`. */
  param: string
}

/** A 400 AI_BAD_REQUEST whose message starts with the field at fault, as Anthropic's own do. */
export function anthropicRequestError (param: string, reason: string): AnthropicRequestError {
  return Object.assign(new AiBadRequestError(`${param}: ${reason}`), { param })
}
