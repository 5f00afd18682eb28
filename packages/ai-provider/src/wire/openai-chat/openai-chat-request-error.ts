// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The one error the inbound OpenAI chat reader throws: a 400 naming the parameter at fault in
// OpenAI's terms (`tools[0].function.name`), with the `code` OpenAI itself would answer.

import { AiBadRequestError } from '../../errors.ts'

/** OpenAI's codes for a bad request parameter. */
export type OpenAiChatParameterCode =
  | 'invalid_value'
  | 'invalid_type'
  | 'missing_required_parameter'
  | 'unsupported_parameter'
  | 'unknown_parameter'
  | 'unsupported_content_type'
  | 'unsupported_value'

/** An AI_BAD_REQUEST carrying what OpenAI's error body says about it. */
export type OpenAiChatParameterError = Error & {
  /** The parameter at fault, in OpenAI's terms: `messages[2].content[1].image_url.url`. */
  param: string
  /** OpenAI's `code` for it. */
  openaiCode: OpenAiChatParameterCode
}

/** A 400 AI_BAD_REQUEST naming `param`; routes answer it as OpenAI's `{error: {param, code}}`. */
export function openAiChatParameterError (param: string, message: string, code: OpenAiChatParameterCode = 'invalid_value'): OpenAiChatParameterError {
  return Object.assign(new AiBadRequestError(message), { param, openaiCode: code })
}
