// Writes schema.json and generated/config.d.ts from src/lib/schema.ts (scripts/render-schema.ts).
// Run with `pnpm -F @platformatic/ai-warp schema`; both files are committed, and
// test/schema.test.ts fails when either is stale.

import { writeFile } from 'node:fs/promises'
import { renderSchemaFiles } from './render-schema.ts'

for (const file of await renderSchemaFiles()) {
  await writeFile(file.path, file.content)
}
