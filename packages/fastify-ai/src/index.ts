import { fastifyAiPlugin } from './plugin.ts'

export default fastifyAiPlugin
export { fastifyAiPlugin as fastifyAi }
export type { FastifyAiOptions, FastifyAiRoutesOptions, FastifyAiOpenAiOptions } from './options.ts'
export { AiInternalError } from './errors.ts'
export type * from './protocol.ts'
