export { createMockProvider } from './mock-provider.ts'
export type { MockBehaviour, MockProvider, MockProviderName, MockProviderOptions, MockRequest, MockUsage } from './types.ts'
