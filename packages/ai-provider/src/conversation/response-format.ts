// Layer conversation/ (the conversation model: types and pure functions over them). Imports
// nothing.

/**
 * The shape of the answer: free text (the default), any JSON object, or JSON valid against a
 * schema.
 */
export type AiResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
    type: 'json_schema'
    /** The schema's name, `^[a-zA-Z0-9_-]{1,64}$`. */
    name: string
    /** A JSON Schema. */
    schema: Record<string, unknown>
    /** What the answer is for. */
    description?: string
    /** Ask the provider to follow the schema exactly (where it can). */
    strict?: boolean
  }
