// What every process of the bench agrees on: the models the mock serves, the prompt, the
// gateway configuration, and the size of each phase in full and quick mode.

import type { MockBehaviour } from '../../packages/mock-provider/src/types.ts'

/** The model every measured request goes to. */
export const MODEL = 'gpt-bench'
/** A model whose streams stop after one delta and stay open (memory per open stream). */
export const STALL_MODEL = 'gpt-bench-stall'

/** The answer: 16 words, so a stream has 16 content deltas (at least 8, as the brief asks). */
export const ANSWER = 'Warp drives fold space so the ship rides a bubble between the stars without ever breaking light speed.'
export const PROMPT = 'Explain in one sentence how a warp drive moves a ship.'

export const MOCK_BEHAVIOURS: Record<string, MockBehaviour> = {
  [MODEL]: { text: ANSWER },
  [STALL_MODEL]: { text: ANSWER, stallAfter: 1 }
}

/** The `ai` options of fastify-ai and of the Watt service; `historyExpiration` is the plan's. */
export function aiOptions (mockUrl: string, storage: { type: 'memory' } | { type: 'valkey', url?: string, cluster?: { nodes: string[] } }, historyExpiration: string): Record<string, unknown> {
  return {
    providers: { openai: { apiKey: 'sk-bench', baseUrl: mockUrl } },
    models: [
      `openai:${MODEL}`,
      // Long timeout: stalled streams are held on purpose.
      { provider: 'openai', model: STALL_MODEL, limits: { requestTimeout: 600_000 } }
    ],
    // A rate limit that never bites: the bench measures the gateway, not its limits.
    limits: { rate: { max: 100_000_000, timeWindow: '1s' }, historyExpiration },
    storage
  }
}

/** The OpenAI body the gateway sends upstream, for the same prompt (calls straight to the mock). */
export function upstreamBody (prompt: string, stream: boolean, model: string = MODEL): Record<string, unknown> {
  const body: Record<string, unknown> = { model, messages: [{ role: 'user', content: prompt }] }
  if (stream) {
    body.stream = true
    body.stream_options = { include_usage: true }
  }
  return body
}

/** Sizes of the phases. */
export interface Plan {
  /** Closed-loop concurrency of the throughput phases. */
  concurrency: number
  /** Seconds of each throughput phase (after its warm-up). */
  throughputSeconds: number
  /** Seconds of warm-up before each measured phase. */
  warmupSeconds: number
  /** Requests of each sequential (latency) phase, per target. */
  sequentialCount: number
  /** Requests per second of the open-loop phase. */
  openRate: number
  /** Seconds of the open-loop phase. */
  openSeconds: number
  /** Streams held open to measure memory per open stream. */
  stalledStreams: number
  /**
   * Sessions' `historyExpiration` in every gateway: short, so the long run creates sessions much
   * faster than they expire and shows whether their memory comes back.
   */
  historyExpiration: string
  /** Requests of the long run (a fresh gateway; closed loop, prompts and streams alternating; 0: skipped). */
  longRunRequests: number
  /** Longest the long run may take, in seconds (it stops there with fewer requests). */
  longRunSeconds: number
  /** Closed-loop concurrency of the long run. */
  longRunConcurrency: number
  /** Milliseconds between two memory samples of the long run. */
  longRunSampleMs: number
  /** Seconds between two forced full GCs of the long run (live heap); 0: none. */
  longRunGcSeconds: number
  /** Rounds of the interleaved CPU measurement of every target (0: skipped). */
  interleavedRounds: number
  /** Seconds of each target's phase in a round. */
  interleavedSeconds: number
}

export const FULL_PLAN: Plan = {
  concurrency: 32,
  throughputSeconds: 10,
  warmupSeconds: 2,
  sequentialCount: 2000,
  openRate: 200,
  openSeconds: 10,
  stalledStreams: 1000,
  historyExpiration: '10s',
  longRunRequests: 1_000_000,
  longRunSeconds: 300,
  longRunConcurrency: 16,
  longRunSampleMs: 1000,
  longRunGcSeconds: 15,
  interleavedRounds: 16,
  interleavedSeconds: 1
}

export const QUICK_PLAN: Plan = {
  concurrency: 8,
  throughputSeconds: 1,
  warmupSeconds: 0.3,
  sequentialCount: 100,
  openRate: 100,
  openSeconds: 1,
  stalledStreams: 50,
  historyExpiration: '1s',
  longRunRequests: 100_000,
  longRunSeconds: 4,
  longRunConcurrency: 8,
  longRunSampleMs: 250,
  longRunGcSeconds: 1,
  interleavedRounds: 1,
  interleavedSeconds: 1
}
