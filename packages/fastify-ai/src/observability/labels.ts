// Layer observability/ (metrics, spans and the request log line). May import the base files only;
// see docs/architecture.md.
//
// Every value a metric label takes comes from the configuration (model and provider names, route
// paths) or from a fixed list in code (error codes, store operations): never an id, a caller, a
// prompt or a string an upstream sent. This file holds the fixed lists.

import * as coreErrors from '@platformatic/ai-provider'
import * as httpErrors from '../errors.ts'

/** The outcome of a request or call that succeeded. */
export const OK = 'ok'
/** The label of a code outside the known lists (an application's own error). */
export const OTHER = 'OTHER'
/** The model or provider of a request no model answered. */
export const NONE = 'none'

/** Every AI_* code this gateway raises: instances of the error classes of both packages say it. */
function knownCodes (): Set<string> {
  const codes = new Set<string>()
  for (const value of [...Object.values(coreErrors), ...Object.values(httpErrors)]) {
    // @fastify/error's classes are all named FastifyError; anything else is left alone.
    if (typeof value !== 'function' || value.name !== 'FastifyError') continue
    const code = (new (value as unknown as new () => { code?: unknown })()).code
    if (typeof code === 'string' && code.startsWith('AI_')) codes.add(code)
  }
  return codes
}

const CODES = knownCodes()

/** `code` when it is one of the gateway's codes, else `OTHER`. */
export function boundedCode (code: string | undefined): string {
  return code !== undefined && CODES.has(code) ? code : OTHER
}

/** How a provider's finish is said in `gen_ai.response.finish_reasons`. */
export const FINISH_REASONS: Readonly<Record<string, string>> = Object.freeze({
  COMPLETE: 'stop',
  INCOMPLETE_MAX_TOKENS: 'length',
  INCOMPLETE_UNKNOWN: 'other',
  TOOL_CALLS: 'tool_calls'
})
