// Starts the mock provider from the command line (demo, benchmark):
//   node packages/mock-provider/src/cli.ts [--port 3043] [--host 127.0.0.1] [--delta-delay-ms N] [--demo]
import { parseArgs } from 'node:util'
import { createMockProvider } from './mock-provider.ts'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3043' },
    host: { type: 'string', default: '127.0.0.1' },
    'delta-delay-ms': { type: 'string' },
    demo: { type: 'boolean', default: false }
  }
})

function toNumber (name: string, value: string): number {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}\n`)
    process.exit(1)
  }
  return number
}

const mock = await createMockProvider({ port: toNumber('port', values.port), host: values.host, record: false, demo: values.demo })
if (values['delta-delay-ms'] !== undefined) {
  mock.setBehaviour('*', { deltaDelayMs: toNumber('delta-delay-ms', values['delta-delay-ms']) })
}
process.stdout.write(`mock provider listening on ${mock.url}\n`)

async function shutdown (): Promise<void> {
  await mock.close()
  process.exit(0)
}
process.once('SIGINT', shutdown)
process.once('SIGTERM', shutdown)
