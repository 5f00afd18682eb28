// After tsc: make dist/protocol.d.ts self-contained by copying the server's protocol
// declarations (a types-only file) in place of the re-export, so users of the published
// client resolve every protocol type without installing the server.
import { copyFileSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const source = fileURLToPath(import.meta.resolve('@platformatic/fastify-ai/protocol'))
const target = new URL('../dist/protocol.d.ts', import.meta.url)

if (/^\s*import\s/m.test(readFileSync(source, 'utf8'))) {
  throw new Error(`${source} must stay free of imports to be inlined into the client`)
}
copyFileSync(source, target)
