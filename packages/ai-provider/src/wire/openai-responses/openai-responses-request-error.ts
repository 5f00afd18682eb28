// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The errors the Responses reader throws: a 400 naming the parameter at fault in the Responses
// API's terms (`input[2].content[0].image_url`), with the `code` OpenAI would answer, and the
// 400 AI_UNSUPPORTED_FEATURE for what the gateway does not do (hosted tools, background).

import { AiBadRequestError, AiUnsupportedFeatureError } from '../../errors.ts'

/** OpenAI's codes for a bad request parameter. */
export type ResponsesParameterCode =
  | 'invalid_value'
  | 'invalid_type'
  | 'missing_required_parameter'
  | 'unsupported_parameter'
  | 'unknown_parameter'
  | 'unsupported_value'

/** An error naming the request parameter at fault, as OpenAI's error body says it. */
export type ResponsesParameterError = Error & {
  /** The parameter, in the Responses API's terms. */
  param: string
  /** OpenAI's `code`, when it has one for this error (else the error's AI_* code is answered). */
  openaiCode?: ResponsesParameterCode
}

/** A 400 AI_BAD_REQUEST naming `param`, answered as OpenAI's `{error: {param, code}}`. */
export function responsesParameterError (param: string, message: string, code: ResponsesParameterCode = 'invalid_value'): ResponsesParameterError {
  return Object.assign(new AiBadRequestError(message), { param, openaiCode: code })
}

/** A 400 AI_UNSUPPORTED_FEATURE for `what`, naming `param` (its code stays AI_UNSUPPORTED_FEATURE). */
export function responsesUnsupportedError (param: string, what: string): ResponsesParameterError {
  return Object.assign(new AiUnsupportedFeatureError(what, `${param}; this gateway does not support it`), { param })
}
