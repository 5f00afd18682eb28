import createError from '@fastify/error'

// Every error AI Warp raises, with its stable code and HTTP status. Codes are part of the
// product: docs/errors.md lists each one and a test fails when one is missing there.
// Which codes move the fallback chain to the next model is decided in fallback-policy.ts.

// Configuration (raised at start-up, never at request time)
export const AiOptionsError = createError<[string]>('AI_OPTIONS_INVALID', 'Invalid AI Warp options: %s', 500)

// Caller mistakes
export const AiBadRequestError = createError<[string]>('AI_BAD_REQUEST', '%s', 400)
export const AiUnsupportedFeatureError = createError<[string, string]>('AI_UNSUPPORTED_FEATURE', 'No model of this request can serve %s (%s); see the capabilities in docs/tools.md', 400)
export const AiModelNotConfiguredError = createError<[string]>('AI_MODEL_NOT_CONFIGURED', 'Model "%s" is not configured', 400)
export const AiModelTypeMismatchError = createError<[string, string, string]>('AI_MODEL_TYPE_MISMATCH', 'Model "%s" is a %s model: it does not serve %s requests', 400)
export const AiNoModelOfTypeError = createError<[string]>('AI_NO_MODEL_OF_TYPE', 'No %s model is configured', 400)
export const AiSessionHistoryConflictError = createError('AI_SESSION_HISTORY_CONFLICT', 'history and sessionId cannot be used together', 400)
export const AiSessionNotFoundError = createError<[string]>('AI_SESSION_NOT_FOUND', 'Session "%s" does not exist or has expired', 404)
export const AiBodyTooLargeError = createError<[number]>('AI_BODY_TOO_LARGE', 'Request body is larger than %d bytes', 413)
export const AiUnauthorizedError = createError<[string]>('AI_UNAUTHORIZED', '%s', 401)
export const AiCallerRateLimitedError = createError<[number]>('AI_CALLER_RATE_LIMITED', 'Too many requests, retry in %d seconds', 429)
export const AiBudgetExceededError = createError<[string, number]>('AI_BUDGET_EXCEEDED', 'The caller\'s %s budget for this window is spent, retry in %d seconds', 429)

// One model's failure (an attempt of the chain; the chain decides what to do with it)
export const AiModelCoolingDownError = createError<[string, string]>('AI_MODEL_COOLING_DOWN', 'Model %s is cooling down until %s', 503)
export const AiModelRateLimitedError = createError<[string]>('AI_MODEL_RATE_LIMITED', 'Model %s has no rate limit unit left in this window', 503)
export const AiModelUnsupportedError = createError<[string, string]>('AI_MODEL_UNSUPPORTED', 'Model %s cannot serve %s (its capabilities)', 400)
export const AiModelTokenLimitedError = createError<[string]>('AI_MODEL_TOKEN_LIMITED', 'Model %s has no tokens left in this window (limits.tokens)', 503)
export const AiProviderTimeoutError = createError<[string, number]>('AI_PROVIDER_TIMEOUT', 'Provider for %s did not answer within %d ms', 504)
export const AiProviderNetworkError = createError<[string, string]>('AI_PROVIDER_NETWORK_ERROR', 'Could not reach the provider for %s: %s', 502)
export const AiProviderResponseError = createError<[string, number, string]>('AI_PROVIDER_RESPONSE_ERROR', 'Provider for %s answered %d: %s', 502)
export const AiProviderExceededError = createError<[string, number, string]>('AI_PROVIDER_EXCEEDED', 'Provider for %s refused for quota or rate (%d): %s', 502)
export const AiProviderAuthError = createError<[string, number]>('AI_PROVIDER_AUTH_ERROR', 'Provider for %s rejected the credentials (%d)', 502)
export const AiProviderRequestRejectedError = createError<[string, number, string]>('AI_PROVIDER_REQUEST_REJECTED', 'Provider for %s rejected this request (%d): %s', 502)
export const AiProviderMalformedResponseError = createError<[string, string]>('AI_PROVIDER_MALFORMED_RESPONSE', 'Provider for %s sent an answer that cannot be read: %s', 502)
export const AiProviderEmptyResponseError = createError<[string]>('AI_PROVIDER_EMPTY_RESPONSE', 'Provider for %s returned no content', 502)
export const AiProviderStreamError = createError<[string, string]>('AI_PROVIDER_STREAM_ERROR', 'Provider stream for %s failed: %s', 502)

// The whole request
export const AiNoModelsAvailableError = createError<[string]>('AI_NO_MODELS_AVAILABLE', 'No model could answer: %s', 503)
export const AiStorageUnavailableError = createError<[string]>('AI_STORAGE_UNAVAILABLE', 'Storage is unavailable: %s', 503)
export const AiAbortedError = createError('AI_ABORTED', 'The request was aborted by the caller', 499)
export const AiStreamSupersededError = createError('AI_STREAM_SUPERSEDED', 'A new turn of this session replaced this answer', 409)
export const AiStreamCancelledError = createError('AI_STREAM_CANCELLED', 'The answer was cancelled (DELETE of the session\'s stream)', 499)
export const AiGenerationTimeoutError = createError<[number]>('AI_GENERATION_TIMEOUT', 'The answer was stopped after limits.maxGenerationTime (%d ms)', 504)
export const AiStreamNotResumableError = createError<[string]>('AI_STREAM_NOT_RESUMABLE', 'Session "%s" has no answer to this request to follow or replay', 409)
export const AiStreamInterruptedError = createError('AI_STREAM_INTERRUPTED', 'The answer was interrupted: the instance generating it stopped before its end', 503)
export const AiShuttingDownError = createError('AI_SHUTTING_DOWN', 'The server is shutting down', 503)
