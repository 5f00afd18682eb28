// Starts an AI Warp capability (the real create() of this package) in front of a mock provider.

import type { TestContext } from 'node:test'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { MockProvider } from '@platformatic/ai-mock-provider'
import type { ServiceCapability } from '@platformatic/service'
import { create } from '../../src/index.ts'

export interface TestAiWarp {
  app: ServiceCapability
  mock: MockProvider
  /** Set when started with `listen: true`. */
  url: string
  /** JSON request through inject. */
  request (options: { method?: string, url: string, body?: unknown, headers?: Record<string, string> }): Promise<{ statusCode: number, headers: Record<string, unknown>, json: any }>
}

/** The `ai` section pointing at the mock. */
export function mockAiSection (mock: MockProvider, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: { openai: { apiKey: 'sk-test', baseUrl: mock.url } },
    models: ['openai:gpt-4o-mini'],
    ...extra
  }
}

export async function startAiWarp (
  t: TestContext,
  config: (mock: MockProvider) => Record<string, unknown>,
  options: { listen?: boolean } = {}
): Promise<TestAiWarp> {
  const mock = await createMockProvider()
  t.after(() => mock.close())
  const app = await create(import.meta.dirname, {
    server: { hostname: '127.0.0.1', port: 0, logger: { level: 'silent' } },
    ...config(mock)
  })
  t.after(() => app.stop())
  const url = (await app.start({ listen: options.listen === true })) as string | undefined

  async function request ({ method = 'POST', url, body, headers = {} }: { method?: string, url: string, body?: unknown, headers?: Record<string, string> }) {
    const response = await app.inject({
      method: method as 'POST',
      url,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body)
    } as never)
    const text = String(response.body)
    return { statusCode: response.statusCode, headers: response.headers as Record<string, unknown>, json: text === '' ? undefined : JSON.parse(text) }
  }

  return { app, mock, url: url ?? '', request }
}
