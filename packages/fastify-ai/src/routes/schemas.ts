// Layer routes/ (the /api/v1 routes, their schemas, body -> core request). May import sse/ and the
// base files; see docs/architecture.md.

import { Type } from '@sinclair/typebox'
import type { TSchema } from '@sinclair/typebox'
import { MAX_ID_LENGTH } from '../session-header.ts'

// TypeBox schemas of the HTTP API (shared/SPEC.md §5). Bodies are strict: an unknown field is
// an error, never silently dropped. `errorMessage` replaces TypeBox's generic message where
// that one would not help a caller (see validator.ts).

const Usage = Type.Object({
  promptTokens: Type.Integer(),
  completionTokens: Type.Integer(),
  totalTokens: Type.Integer(),
  cachedPromptTokens: Type.Optional(Type.Integer()),
  reasoningTokens: Type.Optional(Type.Integer()),
  cost: Type.Optional(Type.Number())
})

const Result = Type.Union([
  Type.Literal('COMPLETE'),
  Type.Literal('INCOMPLETE_MAX_TOKENS'),
  Type.Literal('INCOMPLETE_UNKNOWN'),
  Type.Literal('TOOL_CALLS')
])

const ModelSelector = Type.Union([
  Type.String({ minLength: 1 }),
  Type.Object({
    provider: Type.String({ minLength: 1 }),
    model: Type.String({ minLength: 1 })
  }, { additionalProperties: false })
], { errorMessage: 'must be "provider:model" or {"provider", "model"}' })

const HistoryTurn = Type.Object({
  prompt: Type.String(),
  response: Type.String()
}, { additionalProperties: false })

// The conversation model's shapes (protocol.ts). Only shapes: what a value means (tool names,
// URLs, media types, tool results matching a call, a role's content) is checked by the core, which
// names the field in the same terms (`tools[1].name`), whatever route the request came by.

const ProviderData = Type.Record(Type.String(), Type.Object({}, { additionalProperties: true }), { errorMessage: 'must be an object of objects, as the answer gave it' })

const ToolCall = Type.Object({
  id: Type.String({ minLength: 1 }),
  name: Type.String({ minLength: 1 }),
  arguments: Type.String(),
  providerData: Type.Optional(ProviderData)
}, { additionalProperties: false })

const ContentPart = Type.Union([
  Type.Object({ type: Type.Literal('text'), text: Type.String() }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('image'),
    url: Type.String({ minLength: 1 }),
    mediaType: Type.Optional(Type.String()),
    detail: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('low'), Type.Literal('high')]))
  }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('file'),
    data: Type.String({ minLength: 1 }),
    mediaType: Type.String(),
    filename: Type.Optional(Type.String())
  }, { additionalProperties: false })
], { errorMessage: 'must be a part: {"type": "text", "text"}, {"type": "image", "url"} or {"type": "file", "data", "mediaType"}' })

const Content = Type.Union([Type.String(), Type.Array(ContentPart)], { errorMessage: 'must be a string or an array of parts' })

// One object for every role (not a union of four): an error then names the field at fault
// instead of "matches no message". The core checks what each role may carry.
const Message = Type.Object({
  role: Type.Union([Type.Literal('system'), Type.Literal('user'), Type.Literal('assistant'), Type.Literal('tool')], { errorMessage: 'must be "system", "user", "assistant" or "tool"' }),
  content: Content,
  toolCalls: Type.Optional(Type.Array(ToolCall)),
  toolCallId: Type.Optional(Type.String({ minLength: 1 })),
  providerData: Type.Optional(ProviderData)
}, { additionalProperties: false })

const Tool = Type.Object({
  name: Type.String(),
  description: Type.Optional(Type.String()),
  // Any value: the core says what is wrong with a schema that is not an object schema.
  parameters: Type.Optional(Type.Unknown()),
  strict: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

const ToolChoice = Type.Union([
  Type.Literal('auto'),
  Type.Literal('none'),
  Type.Literal('required'),
  Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false })
], { errorMessage: 'must be "auto", "none", "required" or {"name": <a tool\'s name>}' })

const ResponseFormat = Type.Union([
  Type.Object({ type: Type.Literal('text') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('json_object') }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('json_schema'),
    name: Type.String(),
    schema: Type.Unknown(),
    description: Type.Optional(Type.String()),
    strict: Type.Optional(Type.Boolean())
  }, { additionalProperties: false })
], { errorMessage: 'must be {"type": "text"}, {"type": "json_object"} or {"type": "json_schema", "name", "schema"}' })

const ToolResult = Type.Object({
  toolCallId: Type.String({ minLength: 1 }),
  content: Type.String()
}, { additionalProperties: false })

export { MAX_ID_LENGTH }

/**
 * Body of the prompt and stream routes. Lengths and counts are not here: the request limits
 * (request-limits.ts) hold every route alike, with their own code.
 */
export function promptBodySchema (): TSchema {
  return Type.Object({
    prompt: Type.Optional(Type.String({ minLength: 1 })),
    messages: Type.Optional(Type.Array(Message, { minItems: 1 })),
    toolResults: Type.Optional(Type.Array(ToolResult, { minItems: 1 })),
    tools: Type.Optional(Type.Array(Tool)),
    toolChoice: Type.Optional(ToolChoice),
    parallelToolCalls: Type.Optional(Type.Boolean()),
    responseFormat: Type.Optional(ResponseFormat),
    context: Type.Optional(Type.String()),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    maxTokens: Type.Optional(Type.Integer({ minimum: 1 })),
    models: Type.Optional(Type.Array(ModelSelector, { minItems: 1 })),
    history: Type.Optional(Type.Array(HistoryTurn)),
    sessionId: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_ID_LENGTH })),
    resume: Type.Optional(Type.Boolean()),
    lastEventId: Type.Optional(Type.String({ pattern: '^[0-9]{0,20}$', errorMessage: 'must be an event id (digits, or empty for none)' })),
    stream: Type.Optional(Type.Boolean()),
    onDisconnect: Type.Optional(Type.Union([Type.Literal('continue'), Type.Literal('abort')], { errorMessage: 'must be "continue" or "abort"' }))
  }, { additionalProperties: false })
}

/** Headers of the stream route that the plugin reads. */
export const streamHeadersSchema = Type.Object({
  'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{0,20}$', errorMessage: 'must be an event id (digits, or empty for none)' }))
})

/**
 * The path of the session routes ends in a wildcard, not `:sessionId`: Fastify refuses a parameter
 * longer than its `maxParamLength` (100 by default) before any route, so ids of 101 to 128
 * characters, which the body accepts, would not reach the route. routes/sessions.ts checks it.
 */
export const sessionParamsSchema = Type.Object({
  '*': Type.String({ description: `The session id (1 to ${MAX_ID_LENGTH} characters)` })
})

/** Every error answer. */
export const errorResponseSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  statusCode: Type.Integer(),
  details: Type.Optional(Type.Object({}, { additionalProperties: true }))
})

/** 200 of the prompt route. */
export const promptResponseSchema = Type.Object({
  text: Type.String(),
  result: Result,
  toolCalls: Type.Optional(Type.Array(ToolCall)),
  sessionId: Type.String(),
  model: Type.String(),
  usage: Type.Optional(Usage)
})

/** 200 of `GET sessionsPath/:sessionId`. */
export const sessionResponseSchema = Type.Object({
  sessionId: Type.String(),
  context: Type.Optional(Type.String()),
  turns: Type.Array(Type.Object({
    prompt: Type.String(),
    // Messages as they were stored: written as they are.
    input: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
    response: Type.String(),
    toolCalls: Type.Optional(Type.Array(ToolCall)),
    model: Type.Optional(Type.String()),
    result: Type.String(),
    createdAt: Type.String(),
    errorCode: Type.Optional(Type.String()),
    usage: Type.Optional(Usage)
  })),
  expiresAt: Type.String()
})

/** 200 of the models route. */
export const modelsResponseSchema = Type.Object({
  models: Type.Array(Type.Object({
    name: Type.String(),
    provider: Type.String(),
    model: Type.String(),
    type: Type.String(),
    state: Type.String(),
    capabilities: Type.Object({
      tools: Type.Boolean(),
      streamingTools: Type.Boolean(),
      vision: Type.Boolean(),
      files: Type.Boolean(),
      jsonSchema: Type.Boolean(),
      jsonObject: Type.Boolean()
    }),
    until: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String())
  }))
})

const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', errorMessage: 'must be a date YYYY-MM-DD' })

/** Query of the usage route. */
export const usageQuerySchema = Type.Object({
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  caller: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 512 }))
}, { additionalProperties: false })

const UsageCounts = {
  requests: Type.Integer(),
  promptTokens: Type.Integer(),
  completionTokens: Type.Integer(),
  cachedPromptTokens: Type.Integer(),
  totalTokens: Type.Integer(),
  estimatedRequests: Type.Integer()
}

/** 200 of the usage route. */
export const usageResponseSchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  rows: Type.Array(Type.Object({
    day: Type.String(),
    caller: Type.String(),
    model: Type.String(),
    ...UsageCounts,
    cost: Type.Optional(Type.Number())
  })),
  totals: Type.Object({ ...UsageCounts, cost: Type.Number() })
})

/** The error answers every route can give, for the response schema. */
export const errorResponses = {
  '4xx': errorResponseSchema,
  '5xx': errorResponseSchema
}
