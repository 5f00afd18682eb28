// Layer conversation/ (the conversation model: types and pure functions over them). Imports
// nothing.
//
// Tools a model may call, and the calls it makes.

/**
 * What a provider needs back on a later turn, by wire format: `{ gemini: { thoughtSignature } }`,
 * `{ anthropic: { signature } }`. A translator reads and writes only its own key; the others
 * travel through it untouched.
 */
export type AiProviderData = Record<string, Record<string, unknown>>

/** A JSON Schema object (`{"type": "object", "properties": …}` for tool parameters). */
export type AiJsonSchema = Record<string, unknown>

/** A function the model may call. */
export interface AiTool {
  /** `^[a-zA-Z0-9_-]{1,64}$`, unique in the request. */
  name: string
  /** What the function does, for the model to decide when to call it. */
  description?: string
  /** The arguments, as a JSON Schema of type `object`. Default: no arguments. */
  parameters?: AiJsonSchema
  /** Ask the provider to hold the arguments to the schema exactly (where it can). */
  strict?: boolean
  /** Provider hints for this tool (`{ anthropic: { cacheControl } }`); other formats ignore them. */
  providerData?: AiProviderData
}

/**
 * Whether and which tool the model must call: `auto` (it decides; the default), `none` (it
 * answers in text), `required` (it calls at least one), or `{ name }` (it calls that one).
 */
export type AiToolChoice = 'auto' | 'none' | 'required' | { name: string }

/** A call the model made. */
export interface AiToolCall {
  /** The call's id; the tool message carrying its result names it. */
  id: string
  /** The tool's name. */
  name: string
  /** The arguments as the JSON string the model produced (passed on as is, even when malformed). */
  arguments: string
  /** What the provider needs back with this call on the next turn (see AiProviderData). */
  providerData?: AiProviderData
}

/** The result of a tool call, as the native API's `toolResults` carry it. */
export interface AiToolResult {
  /** The `id` of the call it answers. */
  toolCallId: string
  /** What the tool returned (text, usually JSON). */
  content: string
}
