// The mock provider in its own process, recording nothing, so its CPU never counts as the gateway's.
import { createMockProvider } from '../../packages/mock-provider/src/index.ts'
import { MOCK_BEHAVIOURS } from './setup.ts'
import { announceReady, serveParent } from './ipc.ts'

const mock = await createMockProvider({ record: false })
for (const [model, behaviour] of Object.entries(MOCK_BEHAVIOURS)) mock.setBehaviour(model, behaviour)

serveParent(async function answer (message) {
  if (message.type === 'count') return { count: mock.requestCount }
  throw new Error(`unknown message ${message.type}`)
}, async function stop () {
  await mock.close()
})
announceReady({ url: mock.url })
