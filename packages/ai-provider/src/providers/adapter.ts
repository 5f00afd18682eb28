// Layer providers/ (wire formats, pure functions, no I/O). May import the base files only;
// see docs/architecture.md.
//
// The shape every provider file satisfies. A provider is data plus pure functions: it never
// opens a socket, starts a timer or reads a stream. The transport (../transport.ts) does the
// network work once for all of them and calls these functions at the right moments.
//
// Pure functions throw AI_* errors (from ../errors.ts) when what they read is an error or
// cannot be read; `label` is `provider:model`, used in those errors' messages.

import type { AiUsage, ProviderType } from '../types.ts'
import type { ProviderAnswer, ProviderInput, ProviderStreamEvent } from '../provider.ts'

/** The end event of a stream. */
export type ProviderStreamEnd = Extract<ProviderStreamEvent, { type: 'end' }>

/**
 * What an adapter remembers between the events of one stream. Created per stream by
 * `createStreamState`; an adapter may return a larger object (its wire format's stream reader)
 * and read it back in `readStreamEvent`.
 */
export interface ProviderStreamState {
  /** The provider's own finish reason (e.g. `stop`, `MAX_TOKENS`), once a frame carried one. */
  finishReason: string | undefined
  /** The latest usage seen on the stream. */
  usage: AiUsage | undefined
}

/** The parts of a provider's options that shape its requests. */
export interface ProviderRequestOptions {
  /** API key, sent as the provider expects. */
  apiKey?: string
  /** Extra headers sent with every request; they win over the adapter's own. */
  headers: Record<string, string>
  /** Anthropic: the `anthropic-version` header (the adapter's default when absent). */
  version?: string
  /** Anthropic: the `anthropic-beta` flags. */
  beta?: readonly string[]
}

/** What a provider's configuration changes in its request bodies (built once per provider). */
export interface ProviderBodyOptions {
  /** Ask for a stream's token usage, where the wire format has such a switch. */
  streamUsage: boolean
  /**
   * The provider's configured name: with the model, it tells what this provider made itself
   * (OpenAI's encrypted reasoning goes back only to the provider and model that wrote it).
   */
  provider?: string
}

/** One provider wire format. */
export interface ProviderAdapter {
  /** The `type` of provider options that selects this adapter. */
  readonly type: ProviderType
  /** Origin (plus path prefix) of the public API; undefined when the user must give `baseUrl`. */
  readonly defaultBaseUrl: string | undefined
  /** The request headers (auth, content type, extra headers). Called once per configured provider. */
  buildHeaders (options: ProviderRequestOptions): Record<string, string>
  /**
   * The API version segment the paths start with (`/v1`, `/v1beta`), if any. A `baseUrl` whose
   * path already ends with it (`http://host/v1`, as the OpenAI SDK's `baseURL` is written) does
   * not get it twice.
   */
  readonly versionPrefix?: string
  /** Path of a complete (non-stream) call. `basePath` is the path of `baseUrl`, without trailing slash (`''` for an origin). */
  completePath (basePath: string, model: string): string
  /** Path of a stream call, with its query string if any. */
  streamPath (basePath: string, model: string): string
  /** The JSON request body (`options` default: `{ streamUsage: true }`). */
  buildBody (model: string, input: ProviderInput, stream: boolean, options?: ProviderBodyOptions): string
  /** Reads a parsed 2xx JSON answer. Throws AI_PROVIDER_MALFORMED_RESPONSE, AI_PROVIDER_EMPTY_RESPONSE, … */
  readAnswer (json: unknown, label: string): ProviderAnswer
  /** A fresh state for one stream. */
  createStreamState (): ProviderStreamState
  /**
   * Reads the data of one SSE event. Returns an event (a delta, a whole tool call, the end event
   * when this frame is the stream's terminator), several in order (a frame can complete several
   * tool calls at once, and end the stream after them: the end event is then the last one), or
   * undefined when the frame carries nothing to yield (keep-alive, usage only, a tool-call
   * fragment…). Throws AI_PROVIDER_STREAM_ERROR for an in-band error object,
   * AI_PROVIDER_MALFORMED_RESPONSE for data that cannot be read.
   */
  readStreamEvent (data: string, state: ProviderStreamState, label: string): ProviderStreamEvent | ProviderStreamEvent[] | undefined
  /**
   * Called when the body ended cleanly before `readStreamEvent` returned an end event.
   * Returns the end event (or the events still held, the end event last) when what was read
   * amounts to a finished answer, undefined when the stream was cut short (the transport then
   * fails with AI_PROVIDER_NETWORK_ERROR).
   */
  readStreamEnd (state: ProviderStreamState, label: string): ProviderStreamEnd | ProviderStreamEvent[] | undefined
  /** Maps a non-2xx answer (status and up to 64 KB of body text) to an AI_* error. */
  readError (status: number, body: string, label: string, retryAfterMs: number | undefined): Error
}
