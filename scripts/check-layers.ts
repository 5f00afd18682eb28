// The direction check of docs/architecture.md: inside a package, every relative import must point
// down the package's layers. A folder is one layer; a top-level file is in the base layer unless
// the table names it. Run by `pnpm lint`; exits 1 and names every import that runs the wrong way.
// Plain text over the import lines: no parser, no dependency.

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The layers of one package's `src/`: higher ranks may import lower ones, never the reverse. */
export interface PackageLayers {
  /** The package's source folder, absolute. */
  root: string
  /** Rank of each sub-folder (`chain`) and of top-level files that are not base (`ai.ts`). */
  ranks: Record<string, number>
  /** Rank of the top-level files the table does not name (contracts, options, errors). */
  baseRank: number
}

/** One import that runs against the layers. */
export interface LayerViolation {
  /** The importing file, relative to the repository. */
  file: string
  /** The import specifier as written. */
  specifier: string
  /** Why it is refused, in words. */
  reason: string
}

const here = resolve(import.meta.dirname, '..')

/** The layers of this repository's packages (docs/architecture.md draws them). */
export const repositoryLayers: PackageLayers[] = [
  {
    root: join(here, 'packages/ai-provider/src'),
    ranks: { 'index.ts': 7, 'ai.ts': 7, streaming: 6, embeddings: 6, chain: 5, transport: 4, sessions: 4, accounting: 4, providers: 3, stores: 3, wire: 2, conversation: 0 },
    baseRank: 1
  },
  {
    root: join(here, 'packages/fastify-ai/src'),
    ranks: { 'index.ts': 3, 'plugin.ts': 3, 'error-answers.ts': 3, 'server-options.ts': 3, routes: 2, openai: 2, responses: 2, anthropic: 2, embeddings: 2, sse: 1, observability: 1 },
    baseRank: 0
  }
]

const importLine = /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]|^\s*import\s*['"](\.{1,2}\/[^'"]+)['"]/gm

function sourceFiles (folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
}

/** The unit a file belongs to (its top folder, or `.` for a top-level file) and that unit's rank. */
function placeOf (layers: PackageLayers, file: string): { unit: string, rank: number } {
  const parts = relative(layers.root, file).split(sep)
  if (parts.length === 1) return { unit: '.', rank: layers.ranks[parts[0]] ?? layers.baseRank }
  const rank = layers.ranks[parts[0]]
  if (rank === undefined) throw new Error(`${relative(here, file)}: folder ${parts[0]}/ has no layer in scripts/check-layers.ts`)
  return { unit: parts[0], rank }
}

/** Every import of `layers.root` that points up or sideways, or out of `src/`. */
export function checkLayers (layers: PackageLayers): LayerViolation[] {
  const violations: LayerViolation[] = []
  for (const file of sourceFiles(layers.root)) {
    const from = placeOf(layers, file)
    for (const match of readFileSync(file, 'utf8').matchAll(importLine)) {
      const specifier = match[1] ?? match[2]
      const target = resolve(dirname(file), specifier)
      const name = relative(layers.root, file)
      if (relative(layers.root, target).startsWith('..')) {
        violations.push({ file: name, specifier, reason: 'imports from outside src/' })
        continue
      }
      const to = placeOf(layers, target)
      const allowed = to.rank < from.rank || (to.unit === from.unit && to.rank <= from.rank)
      if (!allowed) {
        violations.push({ file: name, specifier, reason: `${from.unit === '.' ? name : from.unit + '/'} (layer ${from.rank}) may not import ${to.unit === '.' ? relative(layers.root, target) : to.unit + '/'} (layer ${to.rank})` })
      }
    }
  }
  return violations
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const violations = repositoryLayers.flatMap((layers) =>
    checkLayers(layers).map((violation) => ({ ...violation, file: relative(here, join(layers.root, violation.file)) })))
  for (const violation of violations) {
    console.error(`${violation.file}: import '${violation.specifier}': ${violation.reason}`)
  }
  if (violations.length > 0) {
    console.error(`${violations.length} import(s) against the layers of docs/architecture.md`)
    process.exit(1)
  }
}
