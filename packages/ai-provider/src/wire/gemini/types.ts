// Layer wire/ (wire formats, both directions, pure). May import conversation/ and the base files.
//
// Gemini's native API (generateContent / streamGenerateContent), the fields AI Warp reads or
// writes, written once from the published reference:
// https://ai.google.dev/api/generate-content, https://ai.google.dev/api/caching#Content,
// https://ai.google.dev/gemini-api/docs/function-calling,
// https://ai.google.dev/gemini-api/docs/thought-signatures,
// https://ai.google.dev/gemini-api/docs/structured-output.
// Fields read from answers are optional and `unknown` where the reader must check them.

/** Raw bytes of a file or image inside the request. */
export interface GeminiBlob {
  /** IANA media type (`image/png`, `application/pdf`…). */
  mimeType: string
  /** The bytes, base64. */
  data: string
}

/** A file by URI (a Files API URI, or an external URL where the model accepts one). */
export interface GeminiFileData {
  /** IANA media type of the file. */
  mimeType?: string
  /** Where Gemini fetches the file. */
  fileUri: string
}

/** A function call the model predicted. */
export interface GeminiFunctionCall {
  /** The call's id, when Gemini gives one (the matching response echoes it). */
  id?: string
  /** The declared function's name. */
  name: string
  /** The arguments, a JSON object. */
  args?: Record<string, unknown>
}

/** The result of a function call, sent back by the client. */
export interface GeminiFunctionResponse {
  /** The `id` of the call it answers, when that call had one. */
  id?: string
  /** The called function's name. */
  name: string
  /** The result as a JSON object; by convention `{ output }` or `{ error }`. */
  response: Record<string, unknown>
}

/** One part of a content: exactly one of text, inlineData, fileData, functionCall, functionResponse. */
export interface GeminiPart {
  /** Text. */
  text?: string
  /** True on a part that is the model's thinking, not its answer. */
  thought?: boolean
  /** Opaque signature of the model's reasoning; must come back on the same part next turn. */
  thoughtSignature?: string
  /** Inline bytes. */
  inlineData?: GeminiBlob
  /** A file by URI. */
  fileData?: GeminiFileData
  /** A call predicted by the model (role `model` only). */
  functionCall?: GeminiFunctionCall
  /** A call's result (role `user`). */
  functionResponse?: GeminiFunctionResponse
}

/** Who speaks a content. */
export type GeminiRole = 'user' | 'model'

/** One turn of the conversation. */
export interface GeminiContent {
  /** `user` (the caller, tool results included) or `model`; optional in the API (single-turn bodies, embeddings), always set in conversations. */
  role?: GeminiRole
  /** What it says, in order. */
  parts: GeminiPart[]
}

/** A function the model may call; its parameters as JSON Schema (`parametersJsonSchema`). */
export interface GeminiFunctionDeclaration {
  /** `^[a-zA-Z0-9_.:-]{1,64}$` for Gemini; AI Warp's tool names are a subset. */
  name: string
  /** What the function does. */
  description?: string
  /** The arguments as JSON Schema (the subset Gemini documents); exclusive with `parameters`. */
  parametersJsonSchema?: Record<string, unknown>
}

/** A tool: the functions it declares. */
export interface GeminiTool {
  /** The declared functions. */
  functionDeclarations: GeminiFunctionDeclaration[]
}

/**
 * How the model may call functions: `AUTO` (it decides), `ANY` (it must call one), `NONE` (it
 * must not), `VALIDATED` (it decides, with calls held to their schema; not used by AI Warp).
 */
export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED'

/** `toolConfig`. */
export interface GeminiToolConfig {
  functionCallingConfig: {
    /** The mode. */
    mode: GeminiFunctionCallingMode
    /** With `ANY` (or `VALIDATED`), the only functions it may call. */
    allowedFunctionNames?: string[]
  }
}

/** `generationConfig`: sampling and output shape. */
export interface GeminiGenerationConfig {
  temperature?: number
  /** Output budget in tokens. */
  maxOutputTokens?: number
  topP?: number
  stopSequences?: string[]
  /** `application/json` for JSON output (`text/plain` is the default). */
  responseMimeType?: string
  /** The JSON Schema the output follows (the subset Gemini documents); needs `responseMimeType`. */
  responseJsonSchema?: Record<string, unknown>
}

/** The body of generateContent and streamGenerateContent. */
export interface GeminiRequest {
  /** The conversation, oldest first. */
  contents: GeminiContent[]
  /** The system messages, as text parts (no role). */
  systemInstruction?: { parts: GeminiPart[] }
  /** Functions the model may call. */
  tools?: GeminiTool[]
  /** How it may call them. */
  toolConfig?: GeminiToolConfig
  generationConfig?: GeminiGenerationConfig
}

/**
 * Why a candidate stopped. `STOP` is a natural end (an answer with function calls says `STOP`
 * too); the others end it early or replace it.
 */
export type GeminiFinishReason =
  | 'FINISH_REASON_UNSPECIFIED' | 'STOP' | 'MAX_TOKENS' | 'SAFETY' | 'RECITATION' | 'LANGUAGE'
  | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'SPII' | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY' | 'IMAGE_PROHIBITED_CONTENT' | 'IMAGE_OTHER' | 'NO_IMAGE' | 'IMAGE_RECITATION'
  | 'UNEXPECTED_TOOL_CALL' | 'TOO_MANY_TOOL_CALLS' | 'MISSING_THOUGHT_SIGNATURE' | 'MALFORMED_RESPONSE'

/** One candidate answer, as read (unchecked). */
export interface GeminiCandidate {
  /** Absent on a candidate that produced nothing. */
  content?: { role?: unknown, parts?: unknown }
  /** A GeminiFinishReason, on the candidate's last frame. */
  finishReason?: unknown
  index?: unknown
}

/** Token counts, as read (unchecked). */
export interface GeminiUsageMetadata {
  /** The prompt, cached part included. */
  promptTokenCount?: unknown
  /** Of the prompt, the tokens read from a cached content. */
  cachedContentTokenCount?: unknown
  /** The answer (candidates), thoughts excluded. */
  candidatesTokenCount?: unknown
  /** The model's thinking (billed as output). */
  thoughtsTokenCount?: unknown
  /** Everything. */
  totalTokenCount?: unknown
}

/** A generateContent answer, or one frame of a stream, as read (unchecked). */
export interface GeminiResponse {
  candidates?: unknown
  /** Set when the prompt itself was blocked (then no candidate). */
  promptFeedback?: { blockReason?: unknown }
  usageMetadata?: GeminiUsageMetadata
  /** The model version that answered. */
  modelVersion?: unknown
  /** The answer's id, the same on every frame of a stream. */
  responseId?: unknown
}
