import createError from '@fastify/error'

// The only error code of this package; every other one comes from @platformatic/ai-provider.
// Raised for an error nobody classified (a bug): the client sees this, the log sees the cause.
export const AiInternalError = createError('AI_INTERNAL_ERROR', 'Internal error', 500)
