// The configuration schema of the capability: the @platformatic/service schema plus `ai`,
// `auth` and `callerRateLimit`. `../../package.json` resolves from both src/lib and dist/lib.

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { schema as serviceSchema } from '@platformatic/service'
import { ai } from './ai-schema.ts'
import { auth, callerRateLimit } from './auth-schema.ts'

/** The package.json of @platformatic/ai-warp. */
export const packageJson: { name: string, version: string } = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')
)

/** The version of @platformatic/ai-warp. */
export const version: string = packageJson.version

/** The sections ai-warp adds to the service schema. */
export const schemaComponents = { ai, auth, callerRateLimit }

const base = structuredClone(serviceSchema) as { properties: Record<string, unknown>, required?: string[] }

/** The JSON schema of an ai-warp configuration file. */
export const schema = {
  ...base,
  $id: `https://schemas.platformatic.dev/@platformatic/ai-warp/${version}.json`,
  title: 'AI Warp configuration',
  version,
  properties: { ...base.properties, ai, auth, callerRateLimit },
  required: [...(base.required ?? []), 'ai']
}
