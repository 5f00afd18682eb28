import assert from 'node:assert'
import { test } from 'node:test'
import { create } from '../src/index.ts'

const silent = { logger: { level: 'silent' } }

async function startFails (config: Record<string, unknown>): Promise<Error> {
  let app: Awaited<ReturnType<typeof create>> | undefined
  try {
    app = await create(import.meta.dirname, { server: silent, ...config })
    await app.start({ listen: false })
  } catch (error) {
    await app?.stop().catch(() => {})
    return error as Error
  }
  await app.stop()
  throw new Error('start-up should have failed')
}

const providers = { openai: { apiKey: 'sk' } }

test('a negative rate max fails start-up naming the key', async () => {
  const error = await startFails({ ai: { providers, models: ['openai:gpt-4o-mini'], limits: { rate: { max: -1, timeWindow: '30s' } } } })
  assert.match(error.message, /\/ai\/limits\/rate\/max/)
  assert.match(error.message, />= 1/)
})

test('an unknown provider in models fails start-up naming it', async () => {
  const error = await startFails({ ai: { providers, models: ['openai:gpt-4o-mini', 'mistral:large'] } })
  assert.match(error.message, /mistral/)
})

test('the ai section is required and unknown keys are refused', async () => {
  assert.match((await startFails({})).message, /must have required property 'ai'/)
  const typo = await startFails({ ai: { providers, models: ['openai:x'], limit: {} } })
  assert.match(typo.message, /\/ai.*must NOT have additional properties/)
})

test('a bad time window and a bad caller limit are refused', async () => {
  const window = await startFails({ ai: { providers, models: ['openai:x'], limits: { historyExpiration: '1 week' } } })
  assert.match(window.message, /\/ai\/limits\/historyExpiration/)
  const caller = await startFails({ ai: { providers, models: ['openai:x'] }, callerRateLimit: { max: 0, timeWindow: '1m' } })
  assert.match(caller.message, /\/callerRateLimit\/max/)
})

test('auth: JWKS without trusted issuers and jwt without key are refused', async () => {
  const jwks = await startFails({ ai: { providers, models: ['openai:x'] }, auth: { jwt: { jwks: true } } })
  assert.match(jwks.message, /auth\.jwt\.jwks needs auth\.jwt\.jwks\.issuersWhitelist/)
  const nothing = await startFails({ ai: { providers, models: ['openai:x'] }, auth: { jwt: {} } })
  assert.match(nothing.message, /\/auth\/jwt/)
})

test('a model overrides one field of the global rate and retry limits (regression: the schema required both)', async () => {
  const app = await create(import.meta.dirname, {
    server: silent,
    ai: {
      providers,
      models: [{ provider: 'openai', model: 'gpt-4o-mini', limits: { rate: { max: 5 }, retry: { max: 0 } } }],
      limits: { rate: { max: 100, timeWindow: '1m' }, retry: { max: 2, interval: 10 } }
    }
  })
  await app.start({ listen: false })
  const response = await app.inject({ method: 'GET', url: '/api/v1/models' })
  await app.stop()
  assert.strictEqual(response.statusCode, 200)
  assert.strictEqual(JSON.parse(response.body as unknown as string).models[0].name, 'openai:gpt-4o-mini')
})
