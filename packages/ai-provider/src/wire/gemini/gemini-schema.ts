// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// JSON Schema (tool parameters, response formats) -> the subset Gemini documents for
// `parametersJsonSchema` and `responseJsonSchema`
// (https://ai.google.dev/gemini-api/docs/structured-output, "JSON Schema support"): types
// (`null` and type arrays included), title, description, properties, required,
// additionalProperties, propertyOrdering, items, prefixItems, minItems, maxItems, enum, format,
// minimum, maximum, anyOf, $ref, $defs. Three keywords say the same as a supported one and are
// translated; every other keyword is dropped (docs/providers.md lists them).

/** A keyword kept as is, and what its value holds. */
type Kept = 'value' | 'schema' | 'schemas' | 'schemaMap' | 'schemaOrBoolean'

const KEPT: Readonly<Record<string, Kept>> = {
  type: 'value',
  title: 'value',
  description: 'value',
  properties: 'schemaMap',
  required: 'value',
  additionalProperties: 'schemaOrBoolean',
  propertyOrdering: 'value',
  items: 'schema',
  prefixItems: 'schemas',
  minItems: 'value',
  maxItems: 'value',
  enum: 'value',
  format: 'value',
  minimum: 'value',
  maximum: 'value',
  anyOf: 'schemas',
  $ref: 'value',
  $defs: 'schemaMap'
}

/** Keywords written under another name: same meaning, the name Gemini reads. */
const RENAMED: Readonly<Record<string, string>> = {
  // Gemini reads anyOf only; for the generated value, one-of and any-of ask the same.
  oneOf: 'anyOf',
  // Draft-07 and earlier keep definitions here; $ref paths are rewritten along.
  definitions: '$defs'
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function schemaMap (value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined
  const result: Record<string, unknown> = {}
  for (const [name, schema] of Object.entries(value)) result[name] = toGeminiSchema(schema)
  return result
}

function schemaList (value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value.map(toGeminiSchema) : undefined
}

/**
 * A JSON Schema in the terms Gemini documents: unsupported keywords dropped, `oneOf` -> `anyOf`,
 * `definitions` -> `$defs` (with `#/definitions/` refs), `const: v` -> `enum: [v]`, a draft-04
 * tuple (`items: [...]`) -> `prefixItems`. A value that is not an object is returned as is.
 */
export function toGeminiSchema (schema: unknown): unknown {
  if (!isRecord(schema)) return schema
  const result: Record<string, unknown> = {}
  for (const [keyword, value] of Object.entries(schema)) {
    // A schema with both keeps its own anyOf; the oneOf beside it is dropped.
    if (keyword === 'oneOf' && 'anyOf' in schema) continue
    const name = RENAMED[keyword] ?? keyword
    const kind = KEPT[name]
    if (kind === undefined) continue
    let translated: unknown
    if (kind === 'schemaMap') translated = schemaMap(value)
    else if (kind === 'schemas') translated = schemaList(value)
    else if (kind === 'schema') translated = Array.isArray(value) ? undefined : toGeminiSchema(value)
    else if (kind === 'schemaOrBoolean') translated = typeof value === 'boolean' ? value : toGeminiSchema(value)
    else if (name === '$ref' && typeof value === 'string') translated = value.replace(/^#\/definitions\//, '#/$defs/')
    else translated = value
    if (translated !== undefined) result[name] = translated
  }
  if ('const' in schema && result.enum === undefined) result.enum = [schema.const]
  if (Array.isArray(schema.items) && result.prefixItems === undefined) result.prefixItems = schemaList(schema.items)
  return result
}
