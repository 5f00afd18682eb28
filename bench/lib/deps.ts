// The bench is not a workspace package: it borrows fastify and undici from the packages that
// depend on them, so `pnpm bench` needs nothing installed beyond the workspace itself.
import { createRequire } from 'node:module'

const fromFastifyAi = createRequire(new URL('../../packages/fastify-ai/package.json', import.meta.url))
const fromAiProvider = createRequire(new URL('../../packages/ai-provider/package.json', import.meta.url))

/** Fastify 5 (the version fastify-ai is tested with). */
export const Fastify = fromFastifyAi('fastify') as typeof import('fastify').default
/** undici 7 (the version ai-provider speaks to providers with). */
export const undici = fromAiProvider('undici') as typeof import('undici')
