import createError from '@fastify/error'

// The codes raised by the HTTP layer itself; every other one comes from @platformatic/ai-provider.

// Raised for an error nobody classified (a bug): the client sees this, the log sees the cause.
export const AiInternalError = createError('AI_INTERNAL_ERROR', 'Internal error', 500)

// No route of the application answers this method and path (Fastify's 404, in our shape).
export const AiRouteNotFoundError = createError<[string, string]>('AI_ROUTE_NOT_FOUND', 'Route %s %s not found', 404)

// The body did not arrive in full within `bodyTimeout`: the answer closes the connection.
export const AiRequestTimeoutError = createError<[number]>('AI_REQUEST_TIMEOUT', 'The request body was not received within %d ms', 408)

// A request over one of the request limits (maxPromptLength, maxMessages), on any route.
export const AiRequestTooLargeError = createError<[string]>('AI_REQUEST_TOO_LARGE', '%s', 413)

// The request is authenticated, or carries a token, but may not use this route (the usage report
// is for admins only).
export const AiForbiddenError = createError<[string]>('AI_FORBIDDEN', '%s', 403)

// `/v1/responses/{id}` (or `previous_response_id`) names a response that was never stored, was
// deleted, expired with its session, or belongs to another owner.
export const AiResponseNotFoundError = createError<[string]>('AI_RESPONSE_NOT_FOUND', 'No response found with id "%s" (unknown, deleted, expired, or not stored)', 404)
