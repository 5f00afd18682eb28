export type * from './types.ts'
export type * from './store.ts'
export type * from './provider.ts'
export * from './errors.ts'
