// Layer: base (shared by the wire-format route folders: openai/, responses/, anthropic/); see
// docs/architecture.md.
//
// What the routes of the providers' own formats do alike once their translator read a body: the
// options they pass on to the core, and which of a client's messages are this turn's.

import type { AiMessage, AiRequest } from '@platformatic/ai-provider'

/** The options a wire format's request carries over to the core's request, when it sets them. */
export type WireOptions = Pick<AiRequest, 'temperature' | 'maxTokens' | 'topP' | 'stop' | 'tools' | 'toolChoice' | 'parallelToolCalls' | 'responseFormat' | 'thinking'>

const WIRE_OPTIONS = ['temperature', 'maxTokens', 'topP', 'stop', 'tools', 'toolChoice', 'parallelToolCalls', 'responseFormat', 'thinking'] as const

/** `request` with every option `input` sets (only those: an unset option keeps the core's default). */
export function withWireOptions (request: AiRequest, input: WireOptions): AiRequest {
  for (const name of WIRE_OPTIONS) {
    if (input[name] !== undefined) (request as Record<string, unknown>)[name] = input[name]
  }
  return request
}

/**
 * Where this turn's input starts in a client's messages. Without a session the request is the
 * whole conversation; with one the server holds it, and the client's copy of it (everything up
 * to its last assistant message, thinking included) is not sent twice.
 */
export function turnStart (messages: readonly AiMessage[], sessionId: string | undefined): number {
  if (sessionId === undefined) return 0
  return messages.findLastIndex(function isAssistant (message) { return message.role === 'assistant' }) + 1
}
