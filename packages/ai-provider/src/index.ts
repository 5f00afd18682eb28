export type * from './types.ts'
export type * from './store.ts'
export type * from './provider.ts'
export type * from './observer.ts'
export * from './errors.ts'
export { createAi } from './ai.ts'
export { createMemoryStore } from './stores/memory-store.ts'
export type { MemoryStoreOptions } from './stores/memory-store.ts'
export { createStore } from './stores/create-store.ts'
export { createValkeyStore } from './stores/valkey-store.ts'
export { normalizeOptions } from './options.ts'
export type { NormalizedAiOptions, NormalizedModel } from './options.ts'
export { parseTimeWindow } from './time-window.ts'
export { createSseParser } from './transport/sse-parser.ts'
export type { SseEvent, SseParser } from './transport/sse-parser.ts'
export {
  CAPABILITIES, FILE_MEDIA_TYPES, IMAGE_MEDIA_TYPES, contentText, dataUrlMediaType, fileMediaTypeProblem, imageUrlProblem,
  messagesProblem, missingCapability, parametersProblem, requiredCapabilities, responseFormatProblem, toolCallIds,
  toolChoiceProblem, toolNameProblem, toolsProblem
} from './conversation/index.ts'
export type { ConversationProblem, CapabilityInput } from './conversation/index.ts'
export { fieldError } from './sessions/turn-input.ts'
export { PROVIDER_CAPABILITIES } from './options.ts'
