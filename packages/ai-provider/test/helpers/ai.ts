// Builds an Ai against a fresh mock provider with a fake clock, and closes both after the test.

import type { TestContext } from 'node:test'
import { createMockProvider } from '@platformatic/ai-mock-provider'
import type { MockProvider } from '@platformatic/ai-mock-provider'
import type { Ai, AiOptions, AiStreamEvent, Clock, Logger } from '../../src/types.ts'
import { createAi } from '../../src/ai.ts'
import { createMemoryStore } from '../../src/stores/memory-store.ts'

export interface FakeClock extends Clock {
  advance (ms: number): void
}

export function createFakeClock (start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start
  return {
    now () { return now },
    advance (ms: number) { now += ms }
  }
}

export interface LogEntry { level: string, obj: object, msg?: string }

export function createRecordingLogger (): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = []
  function recorder (level: string) {
    return function record (obj: object, msg?: string) { entries.push({ level, obj, msg }) }
  }
  return { entries, debug: recorder('debug'), info: recorder('info'), warn: recorder('warn'), error: recorder('error') }
}

export interface Setup {
  ai: Ai
  mock: MockProvider
  clock: FakeClock
  logger: ReturnType<typeof createRecordingLogger>
}

type OptionsBuilder = (mock: MockProvider) => Partial<AiOptions>

/** Default: one OpenAI provider on the mock, models `openai:a` then `openai:b`, no retry wait. */
export async function setup (t: TestContext, build: OptionsBuilder = () => ({})): Promise<Setup> {
  const mock = await createMockProvider()
  const clock = createFakeClock()
  const logger = createRecordingLogger()
  const overrides = build(mock)
  const options: AiOptions = {
    providers: { openai: { apiKey: 'test-key', baseUrl: mock.url } },
    models: ['openai:a', 'openai:b'],
    ...overrides,
    limits: { retry: { max: 0, interval: 0 }, requestTimeout: 2000, detachTimeout: 50, ...overrides.limits }
  }
  const ai = await createAi(options, { clock, logger, store: createMemoryStore({ clock }) })
  t.after(async () => {
    await ai.close()
    await mock.close()
  })
  return { ai, mock, clock, logger }
}

export async function collect (events: AsyncIterable<AiStreamEvent>): Promise<AiStreamEvent[]> {
  const all: AiStreamEvent[] = []
  for await (const event of events) all.push(event)
  return all
}

export function contentOf (events: AiStreamEvent[]): string {
  return events.map((event) => event.type === 'content' ? event.text : '').join('')
}
