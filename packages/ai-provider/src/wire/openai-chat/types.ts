// Layer wire/ (wire formats, both directions). Imports conversation/ and the base files only.
//
// The OpenAI Chat Completions wire format, written from OpenAI's API reference
// (https://platform.openai.com/docs/api-reference/chat): the request body, the answer, the stream
// chunk and the error body. Only what AI Warp reads or writes is typed in detail; what arrives
// from the network is still checked field by field by the readers (these types say what the
// format allows, not what a server actually sent).

/** A text part (every role's array content). */
export interface OpenAiChatTextPart {
  type: 'text'
  text: string
}

/** An image by URL (`https:` or `data:<type>;base64,…`). */
export interface OpenAiChatImagePart {
  type: 'image_url'
  image_url: {
    url: string
    /** How closely the model looks: `low` costs fewer tokens. Default `auto`. */
    detail?: 'auto' | 'low' | 'high'
  }
}

/** A file (e.g. a PDF), inline as a data URL or by the id of an uploaded file. */
export interface OpenAiChatFilePart {
  type: 'file'
  file: {
    /** `data:<media type>;base64,<bytes>`. */
    file_data?: string
    /** An uploaded file's id (`file-…`). */
    file_id?: string
    /** The file's name, shown to the model. */
    filename?: string
  }
}

/** Audio input (`wav`, `mp3`), base64. */
export interface OpenAiChatAudioPart {
  type: 'input_audio'
  input_audio: { data: string, format: 'wav' | 'mp3' }
}

/** A refusal part (assistant array content only). */
export interface OpenAiChatRefusalPart {
  type: 'refusal'
  refusal: string
}

/** One part of a user message's array content. */
export type OpenAiChatUserPart = OpenAiChatTextPart | OpenAiChatImagePart | OpenAiChatFilePart | OpenAiChatAudioPart

/** A function call the assistant made, as sent back in history and as answered. */
export interface OpenAiChatToolCall {
  id: string
  type: 'function'
  function: {
    name: string
    /** The arguments as the JSON text the model produced (not always valid JSON). */
    arguments: string
  }
}

/** Instructions (`developer` is the newer name for reasoning models; both are accepted). */
export interface OpenAiChatSystemMessage {
  role: 'system' | 'developer'
  content: string | OpenAiChatTextPart[]
  /** A name telling participants of the same role apart. */
  name?: string
}

/** What the user says. */
export interface OpenAiChatUserMessage {
  role: 'user'
  content: string | OpenAiChatUserPart[]
  /** A name telling participants of the same role apart. */
  name?: string
}

/** What the model said earlier: text and/or tool calls. */
export interface OpenAiChatAssistantMessage {
  role: 'assistant'
  /** Null (or absent) when the message only holds tool calls. */
  content?: string | Array<OpenAiChatTextPart | OpenAiChatRefusalPart> | null
  /** The model's refusal, when it refused. */
  refusal?: string | null
  /** The calls it made. */
  tool_calls?: OpenAiChatToolCall[]
  /** A name telling participants of the same role apart. */
  name?: string
}

/** The result of a tool call. */
export interface OpenAiChatToolMessage {
  role: 'tool'
  /** The `id` of the call it answers. */
  tool_call_id: string
  content: string | OpenAiChatTextPart[]
}

/** One message of the request's `messages`. (`function` messages, deprecated, are not written.) */
export type OpenAiChatMessage = OpenAiChatSystemMessage | OpenAiChatUserMessage | OpenAiChatAssistantMessage | OpenAiChatToolMessage

/** A function the model may call. */
export interface OpenAiChatTool {
  type: 'function'
  function: {
    /** `^[a-zA-Z0-9_-]{1,64}$`. */
    name: string
    description?: string
    /** A JSON Schema object; absent for a function without arguments. */
    parameters?: Record<string, unknown>
    /** Hold the arguments to the schema exactly (structured outputs). */
    strict?: boolean
  }
}

/** `auto`, `none`, `required`, or one named function. */
export type OpenAiChatToolChoice = 'auto' | 'none' | 'required' | { type: 'function', function: { name: string } }

/** The shape of the answer. */
export type OpenAiChatResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
    type: 'json_schema'
    json_schema: {
      /** `^[a-zA-Z0-9_-]{1,64}$`. */
      name: string
      description?: string
      /** A JSON Schema. */
      schema?: Record<string, unknown>
      /** Follow the schema exactly (a subset of JSON Schema is then allowed). */
      strict?: boolean | null
    }
  }

/** The request body of `POST /v1/chat/completions` (the fields AI Warp writes or reads). */
export interface OpenAiChatRequest {
  model: string
  messages: OpenAiChatMessage[]
  /** Stream the answer as server-sent events. */
  stream?: boolean
  /** With `stream`: `include_usage` adds a last chunk with the usage and `choices: []`. */
  stream_options?: { include_usage?: boolean }
  temperature?: number
  top_p?: number
  /** Up to 4 sequences where the model stops. */
  stop?: string | string[]
  /** The output budget, reasoning included; current OpenAI models take this one. */
  max_completion_tokens?: number
  /** The classic output budget (deprecated at OpenAI, the one compatible servers know). */
  max_tokens?: number
  tools?: OpenAiChatTool[]
  tool_choice?: OpenAiChatToolChoice
  /** Let the model call several tools in one answer (default true). Only with `tools`. */
  parallel_tool_calls?: boolean
  response_format?: OpenAiChatResponseFormat
  /** How many answers to generate; AI Warp serves 1. */
  n?: number
  /** A stable id of the end user, for abuse monitoring. */
  user?: string
  seed?: number
  frequency_penalty?: number
  presence_penalty?: number
  /** Reasoning models: `minimal`, `low`, `medium`, `high`. */
  reasoning_effort?: string
}

/** Why the model stopped (`function_call` is the deprecated form of `tool_calls`). */
export type OpenAiChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call'

/** Token counts. */
export interface OpenAiChatUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details?: {
    /** Prompt tokens read from the prompt cache. */
    cached_tokens?: number
    audio_tokens?: number
  } | null
  completion_tokens_details?: {
    /** Output tokens the model spent reasoning (counted in `completion_tokens`). */
    reasoning_tokens?: number
    audio_tokens?: number
    accepted_prediction_tokens?: number
    rejected_prediction_tokens?: number
  } | null
  /** DeepSeek: prompt tokens read from its context cache. */
  prompt_cache_hit_tokens?: number
  /** DeepSeek: prompt tokens not in the cache. */
  prompt_cache_miss_tokens?: number
}

/** The message of an answer's choice. */
export interface OpenAiChatAnswerMessage {
  role: 'assistant'
  /** Null when the model only called tools (or refused). */
  content: string | null
  /** The model's refusal, when it refused (then `content` is null). */
  refusal?: string | null
  tool_calls?: OpenAiChatToolCall[]
  /** Web search citations and the like. */
  annotations?: unknown[]
  /** DeepSeek reasoner: its thinking, never part of the answer. */
  reasoning_content?: string | null
}

/** One choice of an answer. */
export interface OpenAiChatChoice {
  index: number
  message: OpenAiChatAnswerMessage
  finish_reason: OpenAiChatFinishReason | null
  logprobs?: unknown
}

/** The body of a complete (non-stream) answer: `chat.completion`. */
export interface OpenAiChatAnswer {
  id: string
  object: 'chat.completion'
  /** Unix seconds. */
  created: number
  model: string
  choices: OpenAiChatChoice[]
  usage?: OpenAiChatUsage
  system_fingerprint?: string | null
  service_tier?: string | null
}

/** One entry of a chunk's `delta.tool_calls`: the first of a call has `id`, `type` and `function.name`, the next ones add to `function.arguments`. */
export interface OpenAiChatToolCallDelta {
  /** Which call of the answer it belongs to. */
  index: number
  id?: string
  type?: 'function'
  function?: { name?: string, arguments?: string }
}

/** What one chunk adds to the answer. */
export interface OpenAiChatDelta {
  /** In the first chunk. */
  role?: 'assistant'
  content?: string | null
  refusal?: string | null
  tool_calls?: OpenAiChatToolCallDelta[]
  /** DeepSeek reasoner: its thinking, never part of the answer. */
  reasoning_content?: string | null
}

/** One choice of a stream chunk. */
export interface OpenAiChatChunkChoice {
  index: number
  delta: OpenAiChatDelta
  /** Set in the chunk that ends the choice. */
  finish_reason: OpenAiChatFinishReason | null
  logprobs?: unknown
}

/** The data of one stream event (`chat.completion.chunk`); the stream ends with `data: [DONE]`. */
export interface OpenAiChatChunk {
  id: string
  object: 'chat.completion.chunk'
  /** Unix seconds, the same in every chunk. */
  created: number
  model: string
  /** Empty in the usage chunk (and in some servers' keep-alive chunks). */
  choices: OpenAiChatChunkChoice[]
  /** With `stream_options.include_usage`: null in every chunk but the last, which has `choices: []`. */
  usage?: OpenAiChatUsage | null
  system_fingerprint?: string | null
  service_tier?: string | null
}

/** The body of an error answer (and of an in-band stream error). */
export interface OpenAiChatErrorBody {
  error: {
    message: string
    /** `invalid_request_error`, `server_error`… */
    type: string
    /** The request field at fault, if any. */
    param: string | null
    /** `context_length_exceeded`, `rate_limit_exceeded`, `insufficient_quota`… */
    code: string | null
  }
}

/** The data payload that ends a stream. */
export const OPENAI_CHAT_DONE = '[DONE]'
