export { buildClient } from './client.ts'
export {
  AiClientAbortError,
  AiClientError,
  AiClientHttpError,
  AiClientNetworkError,
  AiClientOptionsError,
  AiClientResponseError,
  AiClientStreamError,
  AiClientTimeoutError
} from './errors.ts'
export type { AiClientErrorOptions, AiClientHttpErrorOptions } from './errors.ts'
export { consoleLogger, nullLogger } from './logger.ts'
export { createSseParser } from './sse-parser.ts'
export type { SseEvent, SseParser } from './sse-parser.ts'
export type * from './types.ts'
