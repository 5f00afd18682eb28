import { openAiFormat } from './openai-format.ts'
import { finalResponse } from './responses-object.ts'
import { responsesStreamScript } from './responses-stream.ts'
import { eventNameOfType } from './sse-event-name.ts'
import type { WireFormat } from './wire-format.ts'

// OpenAI's Responses API (`POST /v1/responses`): the Response object (responses-object.ts), its
// named stream events (responses-stream.ts), and the error bodies of chat completions, which the
// API shares.

/** The `error` of a Response that failed midway, as the API reports a server fault. */
function inBandError (): unknown {
  return { code: 'server_error', message: 'The server had an error while processing your request. Sorry about that!' }
}

/** OpenAI Responses wire format. */
export const responsesFormat: WireFormat = {
  crlf: false,
  jsonContentType: 'application/json',
  streamContentType: 'text/event-stream; charset=utf-8',
  completion: finalResponse,
  streamScript: responsesStreamScript,
  errorBody: openAiFormat.errorBody,
  inBandError,
  eventName: eventNameOfType
}
