// Configuration mistakes in words a user can act on: one line per problem naming the object's
// path, the key and the value, and the closest valid key when an unknown one is a misspelling:
//   /ai/limits: unknown option "maxPromtLength" (did you mean "maxPromptLength"?)
//   /ai/limits/rate: "max" must be >= 1, got -1
// Platformatic validates the config with Ajv (allErrors) and reports `{path, message, params}`
// per failed keyword; this turns that list into lines, reading the schema for the valid keys.

import { AiOptionsError } from '@platformatic/ai-provider'

/** One failed schema keyword as @platformatic/foundation reports it. */
export interface ValidationProblem {
  /** JSON pointer of the value, `/` for the root. */
  path: string
  /** Ajv's message, e.g. `must be >= 1`. */
  message: string
  /** Ajv's params: `additionalProperty`, `missingProperty`, `type`, `allowedValues`, `pattern`… */
  params?: Record<string, unknown>
}

type SchemaNode = Record<string, unknown>

// Patterns of the schema in words.
const PATTERNS: Record<string, string> = {
  '^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)?$': 'must be a time window (milliseconds, or "<n>ms|s|m|h|d" such as "30s")',
  '^[^:]+:.+$': 'must be "provider:model"'
}

const ARTICLES: Record<string, string> = { integer: 'an integer', object: 'an object', array: 'an array' }

// Values under these keys are never repeated in a message.
const SECRET = /(key|secret|password|token|private|authorization)$/i

const LONGEST_VALUE = 60

function segmentsOf (path: string): string[] {
  return path.split('/').slice(1).filter((segment) => segment !== '').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
}

function pointer (segments: string[]): string {
  return '/' + segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')
}

function resolveRef (root: SchemaNode, node: SchemaNode): SchemaNode {
  const ref = node.$ref
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node
  let target: unknown = root
  for (const segment of segmentsOf(ref.slice(1))) target = (target as SchemaNode | undefined)?.[segment]
  return typeof target === 'object' && target !== null ? resolveRef(root, target as SchemaNode) : node
}

/** A node and the branches of its anyOf / oneOf / allOf, references resolved. */
function alternatives (root: SchemaNode, node: SchemaNode): SchemaNode[] {
  const resolved = resolveRef(root, node)
  const nodes = [resolved]
  for (const keyword of ['anyOf', 'oneOf', 'allOf']) {
    const branches = resolved[keyword]
    if (Array.isArray(branches)) for (const branch of branches) nodes.push(...alternatives(root, branch as SchemaNode))
  }
  return nodes
}

/** The schemas that may describe the value at `segments`. */
function schemasAt (root: SchemaNode, segments: string[]): SchemaNode[] {
  let nodes = alternatives(root, root)
  for (const segment of segments) {
    const next: SchemaNode[] = []
    for (const node of nodes) {
      const properties = node.properties as Record<string, SchemaNode> | undefined
      if (properties?.[segment] !== undefined) next.push(...alternatives(root, properties[segment]))
      else if (typeof node.additionalProperties === 'object') next.push(...alternatives(root, node.additionalProperties as SchemaNode))
      if (/^[0-9]+$/.test(segment) && typeof node.items === 'object') next.push(...alternatives(root, node.items as SchemaNode))
    }
    nodes = next
  }
  return nodes
}

/** Edit distance (insert, delete, substitute, swap two neighbours), case-insensitive. */
function distance (a: string, b: string): number {
  a = a.toLowerCase()
  b = b.toLowerCase()
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) rows[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1)
    }
  }
  return rows[a.length][b.length]
}

/** The valid key a misspelt one most likely meant, if one is close enough and closest alone. */
export function closestKey (key: string, candidates: Iterable<string>): string | undefined {
  const allowed = key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3
  let best: string | undefined
  let bestDistance = Infinity
  let tie = false
  for (const candidate of new Set(candidates)) {
    const d = distance(key, candidate)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
      tie = false
    } else if (d === bestDistance) {
      tie = true
    }
  }
  return best !== undefined && bestDistance <= allowed && !tie ? best : undefined
}

function valueAt (config: unknown, segments: string[]): unknown {
  let value = config
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return undefined
    value = (value as Record<string, unknown>)[segment]
  }
  return value
}

function describeValue (key: string, value: unknown): string {
  if (SECRET.test(key)) return '(hidden)'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > LONGEST_VALUE ? text.slice(0, LONGEST_VALUE) + '…' : text
}

function typeName (type: unknown): string {
  return typeof type === 'string' ? (ARTICLES[type] ?? `a ${type}`) : String(type)
}

function jsonType (value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (value === null) return 'null'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

/** What is wrong with a value, from the problems reported for it (the branches of an anyOf among them). */
function requirement (problems: ValidationProblem[], value: unknown): string {
  const specific = problems.filter((problem) => problem.params?.type === undefined && problem.message !== 'must match a schema in anyOf')
  if (specific.length > 0) {
    const problem = specific[0]
    const pattern = problem.params?.pattern
    if (typeof pattern === 'string' && PATTERNS[pattern] !== undefined) return PATTERNS[pattern]
    const allowed = problem.params?.allowedValues
    if (Array.isArray(allowed)) return `must be one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}`
    return problem.message
  }
  const types = problems.map((problem) => problem.params?.type).filter((type) => type !== undefined && type !== jsonType(value))
  if (types.length > 0) return `must be ${[...new Set(types)].map(typeName).join(' or ')}`
  return problems[0].message
}

/** The closest valid key to `key` in the object at `segments`, or else in the objects around it. */
function suggestion (root: SchemaNode, segments: string[], key: string): string {
  for (let depth = segments.length; depth >= 0; depth--) {
    const keys = schemasAt(root, segments.slice(0, depth)).flatMap((node) => Object.keys((node.properties as object | undefined) ?? {}))
    const guess = closestKey(key, keys)
    if (guess === undefined) continue
    return depth === segments.length ? ` (did you mean "${guess}"?)` : ` (did you mean "${guess}" in ${pointer(segments.slice(0, depth))}?)`
  }
  return ''
}

/** The lines of the problems reported at one path. */
function linesAt (root: SchemaNode, path: string, problems: ValidationProblem[], config: unknown): string[] {
  const segments = segmentsOf(path)
  const at = pointer(segments)
  const lines: string[] = []
  for (const problem of problems) {
    const key = problem.params?.additionalProperty
    if (typeof key === 'string') lines.push(`${at}: unknown option "${key}"${suggestion(root, segments, key)}`)
  }
  const missing = problems.map((problem) => problem.params?.missingProperty).filter((key) => typeof key === 'string')
  if (missing.length > 0) {
    // Required by different branches of an anyOf: one of them is enough.
    const either = problems.some((problem) => problem.message === 'must match a schema in anyOf')
    if (either) lines.push(`${at}: missing option ${missing.map((key) => `"${key}"`).join(' or ')}`)
    else for (const key of missing) lines.push(`${at}: missing option "${key}"`)
  }
  // Unknown or missing options of an object are its problem; the rest is other branches of an anyOf.
  if (lines.length > 0) return lines
  const value = valueAt(config, segments)
  const key = segments.at(-1) ?? ''
  const subject = /^[0-9]+$/.test(key) ? `item ${key}` : `"${key}"`
  const got = value === undefined ? '' : `, got ${describeValue(key, value)}`
  return [`${pointer(segments.slice(0, -1))}: ${subject} ${requirement(problems, value)}${got}`]
}

/**
 * One line per problem, in the order of the values they are about. `config` is the configuration
 * as validated (for the values), `schema` the one it was validated against (for the valid keys).
 */
export function describeConfigProblems (problems: ValidationProblem[], config: unknown, schema: object): string[] {
  // Problems of one value together: an anyOf reports one per branch, then its own.
  const byPath = new Map<string, ValidationProblem[]>()
  for (const problem of problems) {
    const group = byPath.get(problem.path)
    if (group === undefined) byPath.set(problem.path, [problem])
    else group.push(problem)
  }
  return [...byPath].flatMap(([path, group]) => linesAt(schema as SchemaNode, path, group, config))
}

/**
 * Platformatic's validation error as AI_OPTIONS_INVALID, one line per problem (`problems` has them
 * too); any other error as it is. `config` gives the values (undefined: lines without them),
 * `where` names the configuration (its file).
 */
export function configurationError (error: unknown, config: unknown, schema: object, where: string): unknown {
  const problems = (error as { validationErrors?: unknown } | null)?.validationErrors
  if (!Array.isArray(problems)) return error
  const lines = describeConfigProblems(problems as ValidationProblem[], config, schema)
  const count = lines.length === 1 ? 'a problem' : `${lines.length} problems`
  // Said after "Invalid AI Warp options: ".
  const converted = new AiOptionsError(`${where} has ${count}:\n${lines.join('\n')}`)
  return Object.assign(converted, { problems: lines, cause: error })
}
