// The server's protocol types, shared as types only. The build replaces the emitted
// dist/protocol.d.ts with a copy of the server's declarations (scripts/inline-protocol.ts),
// so the published client needs no package of the server to type-check.
export type * from '@platformatic/fastify-ai/protocol'
