import type { FastifySchemaCompiler } from 'fastify'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { ValueErrorType } from '@sinclair/typebox/errors'
import { AiBadRequestError } from '@platformatic/ai-provider'

// The plugin validates with TypeBox's compiler instead of Fastify's Ajv: Ajv as Fastify
// configures it coerces types (`"prompt": 123` becomes "123") and removes unknown fields of
// `additionalProperties: false` objects instead of refusing them. The API promises a 400
// naming the field for both, whatever Ajv options the host application chose.

/** `/models/0/provider` -> `models[0].provider` */
function fieldName (path: string): string {
  return path.split('/').slice(1).reduce(function join (name: string, part: string): string {
    if (/^[0-9]+$/.test(part)) return `${name}[${part}]`
    return name === '' ? part : `${name}.${part}`
  }, '')
}

/** Build a validator for one schema that rejects with AI_BAD_REQUEST naming the first bad field. */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = function compileValidator ({ schema, httpPart }) {
  const check = TypeCompiler.Compile(schema)
  const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'body')
  return function validate (data: unknown) {
    if (check.Check(data)) return { value: data }
    const first = check.Errors(data).First()
    if (first === undefined) return { error: new AiBadRequestError(`Invalid ${part}`) }
    const field = fieldName(first.path) || part
    let message: string
    if (first.type === ValueErrorType.ObjectAdditionalProperties) {
      message = `Unknown ${part} field "${field}"`
    } else if (first.type === ValueErrorType.ObjectRequiredProperty) {
      message = `Missing ${part} field "${field}"`
    } else if (first.path === '') {
      message = `The ${part} must be a JSON object`
    } else {
      const reason = typeof first.schema.errorMessage === 'string' ? first.schema.errorMessage : first.message
      message = `Invalid ${part} field "${field}": ${reason}`
    }
    const error = new AiBadRequestError(message)
    Object.assign(error, { details: { field, location: part, reason: first.message } })
    return { error }
  }
}
