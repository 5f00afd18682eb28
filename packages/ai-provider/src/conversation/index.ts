// Layer conversation/: the conversation model, what every layer and wire format speaks in.
export type * from './content.ts'
export type * from './messages.ts'
export type * from './tools.ts'
export type * from './response-format.ts'
export type { AiCapability, AiCapabilities, CapabilityInput } from './capabilities.ts'
export { CAPABILITIES, missingCapability, requiredCapabilities } from './capabilities.ts'
export { contentText } from './content.ts'
export type { ConversationProblem } from './validate.ts'
export {
  FILE_MEDIA_TYPES, IMAGE_MEDIA_TYPES, dataUrlMediaType, fileMediaTypeProblem, imageUrlProblem, messagesProblem,
  parametersProblem, responseFormatProblem, toolCallIds, toolChoiceProblem, toolNameProblem, toolsProblem
} from './validate.ts'
