// `pnpm demo`: AI Warp on http://127.0.0.1:3042 in front of the local mock provider, so it runs
// with no API key. Set PLT_OPENAI_API_KEY / PLT_DEEPSEEK_API_KEY / PLT_GEMINI_API_KEY to send that
// provider's traffic to the real API instead (see docs/deployment.md). PORT and
// PLT_SERVER_HOSTNAME choose the address; it binds 127.0.0.1 unless told otherwise, since the demo
// has no authentication. Ctrl-C stops everything.

import { createMockProvider } from '../packages/mock-provider/src/index.ts'
import { create } from '../packages/ai-warp/src/index.ts'

const port = Number(process.env.PORT ?? 3042)
const hostname = process.env.PLT_SERVER_HOSTNAME || '127.0.0.1'
// Demo mode: the mock's answers show the earlier turns it was sent, so sessions visibly work.
const mock = await createMockProvider({ record: false, demo: true })

const chain = [
  { provider: 'openai', model: 'gpt-4o-mini', keyVar: 'PLT_OPENAI_API_KEY' },
  { provider: 'deepseek', model: 'deepseek-chat', keyVar: 'PLT_DEEPSEEK_API_KEY' },
  { provider: 'gemini', model: 'gemini-2.5-flash', keyVar: 'PLT_GEMINI_API_KEY' }
]

const providers: Record<string, { apiKey: string, baseUrl?: string }> = {}
for (const { provider, model, keyVar } of chain) {
  const apiKey = process.env[keyVar]
  if (apiKey) {
    providers[provider] = { apiKey }
  } else {
    providers[provider] = { apiKey: 'demo-key', baseUrl: mock.url }
    // Slow the mock's stream down a little so it looks like a model typing.
    mock.setBehaviour(model, { deltaDelayMs: 80, headersDelayMs: 150 })
  }
}

const app = await create(process.cwd(), {
  server: { hostname, port, logger: { level: 'warn' } },
  ai: {
    providers,
    models: chain.map(({ provider, model }) => `${provider}:${model}`),
    limits: { maxTokens: 1000 },
    // The alias the OpenAI SDK examples of docs/openai-compatibility.md use.
    openai: { aliases: { fast: ['openai:gpt-4o-mini', 'gemini:gemini-2.5-flash'] } }
  }
})
// The address the server actually bound, as Node reports it.
const listening = new URL(String(await app.start({ listen: true })))
const everywhere = listening.hostname === '0.0.0.0' || listening.hostname === '[::]'
const bound = everywhere
  ? `Bound to ${listening.host}: every network interface. Anyone who can reach this machine can use it: the demo has no authentication.`
  : `Bound to ${listening.host}: this machine only (PLT_SERVER_HOSTNAME to expose it, see docs/deployment.md).`
// curl the loopback address when every interface is bound.
if (everywhere) listening.hostname = '127.0.0.1'
const url = listening.origin

const real = chain.filter(({ keyVar }) => process.env[keyVar]).map(({ provider }) => provider)
console.log(`
AI Warp is listening at ${url}
${bound}
Providers: ${real.length === 0 ? 'all answered by the local mock provider (' + mock.url + ')' : 'real ' + real.join(', ') + '; the others by the mock'}

Try it:

  curl -s ${url}/api/v1/prompt -H 'content-type: application/json' \\
    -d '{"prompt":"Hello, who are you?"}'

  curl -N ${url}/api/v1/stream -H 'content-type: application/json' \\
    -d '{"prompt":"Tell me a short story about a warp drive"}'

  curl -s ${url}/api/v1/models

Press Ctrl-C to stop.
`)

let stopping = false
async function stop (): Promise<void> {
  if (stopping) return
  stopping = true
  await app.stop()
  await mock.close()
  process.exit(0)
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
