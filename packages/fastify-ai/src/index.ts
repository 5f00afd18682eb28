import { fastifyAiPlugin } from './plugin.ts'

export default fastifyAiPlugin
export { fastifyAiPlugin as fastifyAi }
export type { FastifyAiOptions, FastifyAiRoutesOptions, FastifyAiOpenAiOptions, FastifyAiMetricsOptions, FastifyAiTracingOptions } from './options.ts'
export { AiForbiddenError, AiInternalError, AiRequestTimeoutError, AiRequestTooLargeError, AiRouteNotFoundError } from './errors.ts'
export { hasAdminToken } from './admin.ts'
export type { RequestLimits } from './request-limits.ts'
export { createErrorAnswers } from './error-answers.ts'
export type { AiErrorAnswers, AiErrorHandler } from './error-answers.ts'
export { fastifyAiServerOptions } from './server-options.ts'
export type { FastifyAiServerOptions } from './server-options.ts'
export type { BodyTimeoutHook } from './body-timeout.ts'
export type * from './protocol.ts'
