// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// The OpenAI Responses API (`POST /v1/responses`) as AI Warp reads and answers it, written from
// OpenAI's API reference: the request's input items, the response object and its output items,
// and the typed stream events. Only what the gateway reads or writes is typed; the request side
// is read from `unknown` by from-openai-responses-request.ts.

/** A text part of an input message. */
export interface ResponsesInputText {
  type: 'input_text'
  text: string
}

/** An image part of an input message: `image_url` is an https or `data:` URL (`file_id` is refused). */
export interface ResponsesInputImage {
  type: 'input_image'
  image_url?: string
  file_id?: string
  detail?: 'auto' | 'low' | 'high'
}

/** A file part of an input message: `file_data` is a base64 `data:` URL (`file_id` and `file_url` are refused). */
export interface ResponsesInputFile {
  type: 'input_file'
  file_data?: string
  filename?: string
  file_id?: string
  file_url?: string
}

/** Text an assistant message of the input carries (what an earlier response said). */
export interface ResponsesOutputText {
  type: 'output_text'
  text: string
  /** Always `[]` here: the gateway adds no citations. */
  annotations: unknown[]
}

/** A content part of an input message. */
export type ResponsesInputPart = ResponsesInputText | ResponsesInputImage | ResponsesInputFile | ResponsesOutputText

/** A message item of the input (`type` may be left out). */
export interface ResponsesInputMessage {
  type?: 'message'
  role: 'user' | 'system' | 'developer' | 'assistant'
  content: string | ResponsesInputPart[]
}

/** A call the model made, sent back as history by a client without `previous_response_id`. */
export interface ResponsesFunctionCall {
  type: 'function_call'
  /** The item's own id (`fc_…`). */
  id?: string
  /** The call's id: the `function_call_output` answering it names it. */
  call_id: string
  name: string
  /** The arguments as the JSON text the model produced. */
  arguments: string
  status?: 'in_progress' | 'completed' | 'incomplete'
}

/** The result of a call, as the client ran it. */
export interface ResponsesFunctionCallOutput {
  type: 'function_call_output'
  call_id: string
  /** What the tool returned: text, or input parts. */
  output: string | ResponsesInputPart[]
}

/** One item of `input`. */
export type ResponsesInputItem = ResponsesInputMessage | ResponsesFunctionCall | ResponsesFunctionCallOutput

/** A function tool (`tools[]` with `type: "function"`; the hosted tool types are refused). */
export interface ResponsesFunctionTool {
  type: 'function'
  name: string
  description?: string | null
  parameters?: Record<string, unknown> | null
  strict?: boolean | null
}

/** `tool_choice` */
export type ResponsesToolChoice = 'auto' | 'none' | 'required' | { type: 'function', name: string }

/** `text.format` */
export type ResponsesTextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema', name: string, schema: Record<string, unknown>, description?: string, strict?: boolean }

/** A message the model wrote (an output item). */
export interface ResponsesOutputMessage {
  type: 'message'
  id: string
  status: 'in_progress' | 'completed' | 'incomplete'
  role: 'assistant'
  content: ResponsesOutputText[]
}

/** A call the model made (an output item). */
export interface ResponsesOutputFunctionCall {
  type: 'function_call'
  id: string
  call_id: string
  name: string
  arguments: string
  status: 'in_progress' | 'completed' | 'incomplete'
}

/** One item of a response's `output`. */
export type ResponsesOutputItem = ResponsesOutputMessage | ResponsesOutputFunctionCall

/** A response's token usage. */
export interface ResponsesUsage {
  input_tokens: number
  input_tokens_details: { cached_tokens: number }
  output_tokens: number
  output_tokens_details: { reasoning_tokens: number }
  total_tokens: number
}

/** Why a response is `incomplete`. */
export type ResponsesIncompleteReason = 'max_output_tokens' | 'content_filter'

/** A response's status. */
export type ResponsesStatus = 'completed' | 'incomplete' | 'in_progress' | 'failed' | 'cancelled' | 'queued'

/** The response object: the answer of `POST /v1/responses` and `GET /v1/responses/{id}`. */
export interface ResponsesResponse {
  id: string
  object: 'response'
  /** Unix seconds. */
  created_at: number
  status: ResponsesStatus
  /** Set when `status` is `failed`. */
  error: { code: string, message: string } | null
  incomplete_details: { reason: ResponsesIncompleteReason } | null
  instructions: string | null
  max_output_tokens: number | null
  /** The `provider:model` that answered (or is answering). */
  model: string
  output: ResponsesOutputItem[]
  parallel_tool_calls: boolean
  previous_response_id: string | null
  temperature: number | null
  top_p: number | null
  tool_choice: ResponsesToolChoice
  tools: ResponsesFunctionTool[]
  text: { format: ResponsesTextFormat }
  truncation: 'disabled'
  metadata: Record<string, string>
  store: boolean
  background: false
  usage: ResponsesUsage | null
}

/** The fields every stream event has. */
interface ResponsesEventBase {
  /** 0, 1, 2… in the order the events of one response are sent; a resume says where it stopped. */
  sequence_number: number
}

/** One typed event of a streamed response. */
export type ResponsesStreamEvent = ResponsesEventBase & (
  | { type: 'response.created' | 'response.in_progress' | 'response.completed' | 'response.incomplete' | 'response.failed', response: ResponsesResponse }
  | { type: 'response.output_item.added' | 'response.output_item.done', output_index: number, item: ResponsesOutputItem }
  | { type: 'response.content_part.added' | 'response.content_part.done', item_id: string, output_index: number, content_index: number, part: ResponsesOutputText }
  | { type: 'response.output_text.delta', item_id: string, output_index: number, content_index: number, delta: string, logprobs: unknown[] }
  | { type: 'response.output_text.done', item_id: string, output_index: number, content_index: number, text: string, logprobs: unknown[] }
  | { type: 'response.function_call_arguments.delta', item_id: string, output_index: number, delta: string }
  | { type: 'response.function_call_arguments.done', item_id: string, output_index: number, name: string, arguments: string }
  | { type: 'error', code: string, message: string, param: string | null }
)

/**
 * A reasoning item: the model's thinking, as summaries and (for a client that keeps no state
 * upstream, `store: false`) the encrypted content it may send back on the next request.
 */
export interface ResponsesReasoningItem {
  type: 'reasoning'
  id: string
  summary: Array<{ type: 'summary_text', text: string }>
  encrypted_content?: string | null
  status?: 'in_progress' | 'completed' | 'incomplete'
}

/** A message of the request's `input` in its short form: a role and its content. */
export interface ResponsesEasyMessage {
  role: 'user' | 'system' | 'developer' | 'assistant'
  content: string | ResponsesInputPart[]
}

/** One item of the `input` AI Warp sends upstream. */
export type ResponsesRequestItem = ResponsesEasyMessage | ResponsesFunctionCall | ResponsesFunctionCallOutput | ResponsesReasoningItem

/**
 * The body of `POST /v1/responses` as AI Warp sends it to a provider: stateless (`store: false`),
 * the whole conversation in `input` every time, since the conversation is the gateway's own.
 */
export interface ResponsesRequest {
  model: string
  input: ResponsesRequestItem[]
  store: false
  /** `["reasoning.encrypted_content"]`: what a stateless conversation needs back of a reasoning model. */
  include?: string[]
  /** Asks a reasoning model for a summary of its reasoning. */
  reasoning?: { summary: 'auto' }
  stream?: true
  temperature?: number
  top_p?: number
  max_output_tokens?: number
  tools?: Array<ResponsesFunctionTool & { parameters: Record<string, unknown>, strict: boolean }>
  tool_choice?: ResponsesToolChoice
  parallel_tool_calls?: boolean
  text?: { format: ResponsesTextFormat }
}
