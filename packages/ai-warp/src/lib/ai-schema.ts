// JSON schema of the `ai` section: the options of the core (SPEC §2) plus the HTTP options of
// fastify-ai. Platformatic validates it at start-up (Ajv with coerceTypes and useDefaults), so a
// `{PLACEHOLDER}` replaced by "10" is accepted where a number is expected.

export const timeWindow = {
  description: 'Milliseconds, or a string `<n>ms|s|m|h|d` (a bare number is milliseconds) such as `"500ms"`, `"30s"`, `"1d"`.',
  anyOf: [
    { type: 'integer', minimum: 1 },
    { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)?$' }
  ]
}

const rate = {
  type: 'object',
  description: 'A fixed-window request budget, counted in the store (shared by every instance with Valkey).',
  additionalProperties: false,
  // No `required`: a model's limits override the global ones field by field (SPEC §2).
  properties: {
    max: { type: 'integer', minimum: 1, description: 'Requests admitted per window. Default 200.' },
    timeWindow: { ...timeWindow, description: 'Window length. Default "30s". ' + timeWindow.description }
  }
}

const tokens = {
  type: 'object',
  description: 'Tokens per window for a model (like a provider\'s TPM), counted in the store: a request reserves its estimate (prompt plus maximum output) before the call and is settled to its real usage after it; a model whose window is spent is skipped (AI_MODEL_TOKEN_LIMITED) until the window ends.',
  additionalProperties: false,
  properties: {
    max: { type: 'integer', minimum: 1, description: 'Tokens (prompt plus completion) admitted per window; a request is admitted while the window holds fewer.' },
    timeWindow: { ...timeWindow, description: 'Window length. Default "1m". ' + timeWindow.description }
  }
}

const price = {
  type: 'object',
  description: 'What the model costs per million tokens, in the currency you bill in (AI Warp ships no prices). Answers then carry `usage.cost`, and the usage report the cost per caller.',
  additionalProperties: false,
  required: ['input', 'output'],
  properties: {
    input: { type: 'number', minimum: 0, description: 'Per million prompt tokens.' },
    output: { type: 'number', minimum: 0, description: 'Per million completion tokens (reasoning tokens included).' },
    cachedInput: { type: 'number', minimum: 0, description: 'Per million prompt tokens read from the provider\'s prompt cache. Default: `input`.' }
  }
}

const retry = {
  type: 'object',
  description: 'Retries of transient failures (network errors, 5xx, 429) on the same model.',
  additionalProperties: false,
  properties: {
    max: { type: 'integer', minimum: 0, description: 'Extra attempts after the first one. Default 1.' },
    interval: { type: 'integer', minimum: 0, description: 'Milliseconds between attempts. Default 1000.' }
  }
}

const modelLimits = {
  maxTokens: { type: 'integer', minimum: 1, description: 'Upper bound of output tokens; a request\'s `maxTokens` is capped by it.' },
  rate,
  tokens,
  requestTimeout: { type: 'integer', minimum: 1, maximum: 2147483647, description: 'Milliseconds for one upstream call; for streams, until headers and between two chunks. Default 30000.' },
  retry,
  onDisconnect: { type: 'string', enum: ['continue', 'abort'], description: 'What a stream\'s generation does when its client goes away: "continue" goes on to its end and keeps it for a resume at any time; "abort" waits detachTimeout for a resume, then aborts upstream. Default "continue".' },
  maxGenerationTime: { ...timeWindow, description: 'Longest a streamed answer may be generated, with or without its client; then it is stopped with AI_GENERATION_TIMEOUT. Default "10m".' }
}

const restore = {
  type: 'object',
  description: 'How long a model cools down after each kind of failure.',
  additionalProperties: false,
  properties: {
    rateLimit: { ...timeWindow, description: 'Accepted for compatibility; has no effect: a model whose own rate limit is used up is skipped until its window ends. Default "1m".' },
    retry: { ...timeWindow, description: 'Accepted for compatibility; has no effect: failures cool a model down by their kind (timeout, providerCommunicationError, providerExceededError). Default "1m".' },
    timeout: { ...timeWindow, description: 'After a timeout. Default "1m".' },
    providerCommunicationError: { ...timeWindow, description: 'After a network failure, a 5xx, a malformed or empty answer, or a 401/403. Default "1m".' },
    providerExceededError: { ...timeWindow, description: 'After a 429 or a quota error (or the provider\'s Retry-After when longer). Default "10m".' }
  }
}

const provider = {
  type: 'object',
  description: 'One provider. The key in `providers` is its name, used in `provider:model`.',
  additionalProperties: false,
  properties: {
    type: {
      type: 'string',
      enum: ['openai', 'deepseek', 'gemini', 'anthropic', 'openai-compatible'],
      description: 'Wire format. Defaults to the key when that is `openai`, `deepseek`, `gemini` or `anthropic`; required otherwise.'
    },
    apiKey: { type: 'string', description: 'API key, sent as the provider expects. Use a placeholder such as `{PLT_OPENAI_API_KEY}`.' },
    baseUrl: { type: 'string', description: 'Origin plus optional path prefix, e.g. `http://127.0.0.1:11434/v1`. Defaults to the provider\'s public API.' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Extra headers sent with every upstream request.' },
    connections: { type: 'integer', minimum: 1, description: 'Maximum sockets to the provider. Default: unbounded.' },
    pipelining: { type: 'integer', minimum: 1, description: 'Requests pipelined per socket. Default 1.' },
    connectTimeout: { type: 'integer', minimum: 1, description: 'Milliseconds to establish a connection. Default 10000.' },
    keepAliveTimeout: { type: 'integer', minimum: 1, description: 'Milliseconds to keep an idle socket. Default 4000.' },
    streamUsage: { type: 'boolean', description: 'OpenAI wire format: ask for a stream\'s token usage (`stream_options`). Default true; false for servers that reject the field, such as Mistral.' },
    api: { type: 'string', enum: ['chat', 'responses'], description: '`openai` and `openai-compatible` only: the OpenAI API called. "chat" (default): Chat Completions. "responses": the Responses API, statelessly (`store: false`, the whole conversation every time; sessions and previous_response_id stay AI Warp\'s).' },
    version: { type: 'string', minLength: 1, description: 'Anthropic only: the `anthropic-version` header. Default "2023-06-01".' },
    beta: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Anthropic only: beta features, sent as the `anthropic-beta` header.' }
  }
}

const capabilities = {
  type: 'object',
  description: 'What the model serves beyond text, over its provider\'s defaults (docs/tools.md): the chain skips it (AI_MODEL_UNSUPPORTED) for a request that needs what it lacks. Defaults: everything for openai and gemini; everything but jsonObject for anthropic; tools, streamingTools and jsonObject for deepseek; text only for openai-compatible.',
  additionalProperties: false,
  properties: {
    tools: { type: 'boolean', description: 'Tool calls (`tools`, tool messages and tool results).' },
    streamingTools: { type: 'boolean', description: 'Tool calls in a streamed answer.' },
    vision: { type: 'boolean', description: 'Image parts.' },
    files: { type: 'boolean', description: 'File parts (PDF, text…).' },
    jsonSchema: { type: 'boolean', description: '`responseFormat` `json_schema` (OpenAI `response_format` of that type).' },
    jsonObject: { type: 'boolean', description: '`responseFormat` `json_object`.' }
  }
}

const modelDefinition = {
  type: 'object',
  description: 'A model in its object form.',
  additionalProperties: false,
  required: ['provider', 'model'],
  properties: {
    provider: { type: 'string', minLength: 1, description: 'A key of `providers`.' },
    model: { type: 'string', minLength: 1, description: 'The provider\'s model name (may contain `:`).' },
    type: { type: 'string', enum: ['chat', 'embedding'], default: 'chat', description: '`chat` (default) or `embedding`: an embedding model serves only embedding requests (POST /v1/embeddings, /api/v1/embeddings), in its own chain (the embedding models in config order), and a chat model never gets one (docs/embeddings.md). openai, gemini and openai-compatible providers have embeddings; deepseek has none.' },
    limits: {
      type: 'object',
      description: 'Overrides of the global limits for this model, field by field.',
      additionalProperties: false,
      properties: modelLimits
    },
    restore: { ...restore, description: 'Overrides of the global cool-down windows for this model.' },
    price,
    capabilities
  }
}

const valkeyNode = {
  description: 'A node\'s address: "host:port" or { host, port }.',
  anyOf: [
    { type: 'string', pattern: '^.+:[0-9]{1,5}$' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'port'],
      properties: {
        host: { type: 'string', minLength: 1, description: 'Host name or IP address.' },
        port: { type: 'integer', minimum: 1, maximum: 65535, description: 'TCP port.' }
      }
    }
  ]
}

const cluster = {
  type: 'object',
  description: 'valkey: a Valkey Cluster instead of one server (not with url, host, port, database or sentinels). Keys carry a hash tag per session and per model (docs/storage.md).',
  additionalProperties: false,
  required: ['nodes'],
  properties: {
    nodes: { type: 'array', minItems: 1, items: valkeyNode, description: 'Seed nodes: some of the cluster\'s nodes (one is enough); the others are found from them.' },
    natMap: { type: 'object', additionalProperties: valkeyNode, description: 'Addresses the nodes announce ("host:port"), mapped to the address this gateway reaches them at (NAT, Docker).' },
    options: { type: 'object', description: 'More options of iovalkey\'s Cluster client (maxRedirections, slotsRefreshInterval, redisOptions…); keyPrefix, enableOfflineQueue, lazyConnect, scaleReads and retryDelayOnFailover are set by the store.' }
  }
}

const storage = {
  type: 'object',
  description: 'Where sessions, limits and model state live. Default `{ "type": "memory" }`.',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['memory', 'valkey'], default: 'memory', description: '`memory` (one process) or `valkey` (shared by every instance pointing at the same server).' },
    maxSessions: { type: 'integer', minimum: 1, description: 'memory: most sessions kept at once; the least recently written is evicted beyond it. Default 100000.' },
    maxBytes: { type: 'integer', minimum: 1, description: 'memory: most data kept at once, in characters of what is stored (about bytes: turns, event logs, values, ~200 per key); the least recently written keys are evicted beyond it. Bounds memory when sessions are large (whole conversations, base64 images). Default 536870912.' },
    url: { type: 'string', description: 'valkey: `redis://` or `rediss://` URL. Takes precedence over host/port/username/password/database.' },
    host: { type: 'string', description: 'valkey: host. Default `127.0.0.1`.' },
    port: { type: 'integer', minimum: 1, maximum: 65535, description: 'valkey: port. Default 6379.' },
    username: { type: 'string', description: 'valkey: ACL user name.' },
    password: { type: 'string', description: 'valkey: password.' },
    database: { type: 'integer', minimum: 0, description: 'valkey: database index. Default 0.' },
    tls: {
      description: 'valkey: `true` or tls.connect options; implied by `rediss://`.',
      anyOf: [{ type: 'boolean' }, { type: 'object' }]
    },
    keyPrefix: { type: 'string', description: 'valkey: prefix of every key. Default `aiwarp:`.' },
    connectTimeout: { type: 'integer', minimum: 1, description: 'valkey: milliseconds to connect. Default 5000.' },
    commandTimeout: { type: 'integer', minimum: 1, description: 'valkey: milliseconds for one command before it fails with AI_STORAGE_UNAVAILABLE. Default 2000.' },
    cluster,
    sentinels: { type: 'array', minItems: 1, items: valkeyNode, description: 'valkey: the sentinels of a Sentinel group, which name its primary and follow its failovers (with name; not with url, host, port or cluster).' },
    name: { type: 'string', minLength: 1, description: 'valkey: the Sentinel group (sentinel monitor <name> …); required with sentinels.' },
    sentinelUsername: { type: 'string', description: 'valkey: ACL user on the sentinels, when they require one.' },
    sentinelPassword: { type: 'string', description: 'valkey: password of the sentinels, when they require one.' }
  }
}

const routes = {
  description: 'Which routes to register: `true` (default) all of them, `false` none (only `fastify.ai`), or one boolean per route.',
  anyOf: [
    { type: 'boolean' },
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        prompt: { type: 'boolean', description: 'POST promptPath.' },
        stream: { type: 'boolean', description: 'POST streamPath.' },
        sessions: { type: 'boolean', description: 'GET and DELETE sessionsPath/:sessionId.' },
        models: { type: 'boolean', description: 'GET modelsPath.' },
        usage: { type: 'boolean', description: 'GET usagePath (admins only).' },
        openai: { type: 'boolean', description: 'The OpenAI-compatible API under `openai.prefix` (chat completions, Responses, embeddings, models).' },
        anthropic: { type: 'boolean', description: 'The Anthropic Messages API under `anthropic.prefix` (`POST <prefix>/messages`, `POST <prefix>/messages/count_tokens`).' },
        embeddings: { type: 'boolean', description: 'POST embeddingsPath (the OpenAI API\'s `POST <prefix>/embeddings` belongs to `openai`).' }
      }
    }
  ]
}

export const ai = {
  $id: '#ai',
  type: 'object',
  description: 'The AI gateway: providers, the model fallback chain, limits, storage and the HTTP API.',
  additionalProperties: false,
  required: ['providers', 'models'],
  properties: {
    providers: {
      type: 'object',
      description: 'Providers by name. `openai`, `deepseek`, `gemini` and `anthropic` need no `type`; any other name needs `"type": "openai-compatible"`.',
      minProperties: 1,
      additionalProperties: provider
    },
    models: {
      type: 'array',
      description: 'The fallback chain, in order: `"provider:model"` (split at the first colon) or objects.',
      minItems: 1,
      items: {
        anyOf: [
          { type: 'string', pattern: '^[^:]+:.+$', description: '`provider:model`' },
          modelDefinition
        ]
      }
    },
    limits: {
      type: 'object',
      description: 'Global limits; a model\'s `limits` override them field by field.',
      additionalProperties: false,
      properties: {
        ...modelLimits,
        historyExpiration: { ...timeWindow, description: 'A session expires this long after its last write. Default "1d".' },
        historyLength: { type: 'integer', minimum: 1, description: 'Turns kept per session (older ones are dropped). Default 50.' },
        detachTimeout: { type: 'integer', minimum: 0, description: 'Milliseconds a stream keeps generating after its client went away, waiting for a resume; then it is aborted and stored as INTERRUPTED. Default 1000.' },
        streamLease: { ...timeWindow, description: 'How long a streamed answer holds its session without a sign of life: its instance renews the lease every third of it, and an answer whose instance or store died is seen as interrupted once it lapses. At least "1s". Default "10s".' },
        maxDetachedStreams: { type: 'integer', minimum: 1, description: 'Most answers an instance keeps generating without their client (onDisconnect "continue"); beyond it the oldest is aborted, with a logged reason. Default 1000.' }
      }
    },
    restore: { ...restore, description: 'Global cool-down windows; a model\'s `restore` override them field by field.' },
    storage,
    callerBudget: {
      type: 'object',
      description: 'What each caller (user id, else IP) may spend per window, shared by every instance on Valkey: a request reserves its estimate (prompt plus maximum output) before the call and is settled to its real usage after it. Over it: 429 AI_BUDGET_EXCEEDED with Retry-After.',
      additionalProperties: false,
      properties: {
        tokens: { type: 'integer', minimum: 1, description: 'Tokens (prompt plus completion) per window and caller.' },
        cost: { type: 'number', exclusiveMinimum: 0, description: 'Cost per window and caller, in the currency of the models\' `price` (every model needs one).' },
        timeWindow: { ...timeWindow, description: 'Window length. Default "1d". ' + timeWindow.description }
      }
    },
    usage: {
      type: 'object',
      description: 'The usage kept per day, caller and model, read with GET usagePath.',
      additionalProperties: false,
      properties: {
        record: { type: 'boolean', description: 'Record every request\'s usage. Default true.' },
        retention: { ...timeWindow, description: 'How long a day\'s usage is kept after its last request. Default "90d". ' + timeWindow.description }
      }
    },
    promptPath: { type: 'string', description: 'Path of the JSON prompt route. Default `/api/v1/prompt`.' },
    streamPath: { type: 'string', description: 'Path of the Server-Sent Events route. Default `/api/v1/stream`.' },
    sessionsPath: { type: 'string', description: 'Prefix of the sessions routes. Default `/api/v1/sessions`.' },
    modelsPath: { type: 'string', description: 'Path of the models route. Default `/api/v1/models`.' },
    usagePath: { type: 'string', description: 'Path of the usage report (admins only). Default `/api/v1/usage`.' },
    embeddingsPath: { type: 'string', description: 'Path of the native embeddings route. Default `/api/v1/embeddings`.' },
    embeddings: {
      type: 'object',
      description: 'Bounds of an embedding request, checked before any call (400 AI_BAD_REQUEST naming `input`).',
      additionalProperties: false,
      properties: {
        maxInputs: { type: 'integer', minimum: 1, description: 'Most inputs in one request. Default 2048.' },
        maxInputCharacters: { type: 'integer', minimum: 1, description: 'Most characters in one text input. Default 32768.' },
        maxInputTokens: { type: 'integer', minimum: 1, description: 'Most tokens in one token-array input. Default 8192.' }
      }
    },
    adminToken: { type: 'string', minLength: 16, description: 'Bearer token that opens the usage report (at least 16 characters; use a placeholder such as `{PLT_AI_ADMIN_TOKEN}`). Without it, only tokens with `auth.adminRole` may read the report; with neither, nobody.' },
    headerSessionIdName: { type: 'string', description: 'Header carrying the session id in answers. Default `x-session-id`.' },
    heartbeatInterval: { type: 'integer', minimum: 1, description: 'Milliseconds between `: ping` comments on an idle stream. Default 15000.' },
    maxPromptLength: { type: 'integer', minimum: 1, description: 'Longest text of one message, in characters (the prompt, the context, each history turn, each OpenAI message); longer is 413 AI_REQUEST_TOO_LARGE on every route. Default 100000.' },
    maxMessages: { type: 'integer', minimum: 1, description: 'Most messages in one request (on /api/v1 the prompt, the context and two per history turn; on the OpenAI route `messages`); more is 413 AI_REQUEST_TOO_LARGE. Default 1000.' },
    maxTools: { type: 'integer', minimum: 1, description: 'Most tools one request defines, on every route; more is 413 AI_REQUEST_TOO_LARGE. Default 128.' },
    bodyTimeout: { type: 'integer', minimum: 1, maximum: 2147483647, description: 'Milliseconds for a request body to arrive in full once its headers are in; past it the answer is 408 AI_REQUEST_TIMEOUT and the connection is closed. Also the time Node gives the headers themselves (at most 60000). Default 30000.' },
    bodyLimit: {
      type: 'object',
      description: 'Largest request body in bytes, per route group, over `server.bodyLimit` (1 MiB by default): images and files travel inline as base64, so raise the routes that take them. Larger is 413 AI_BODY_TOO_LARGE.',
      additionalProperties: false,
      properties: {
        prompt: { type: 'integer', minimum: 1, description: 'POST promptPath. Default: `server.bodyLimit`.' },
        stream: { type: 'integer', minimum: 1, description: 'POST streamPath. Default: `server.bodyLimit`.' },
        openai: { type: 'integer', minimum: 1, description: 'Every route of the OpenAI-compatible API. Default: `server.bodyLimit`.' },
        anthropic: { type: 'integer', minimum: 1, description: 'Every route of the Anthropic Messages API. Default: `server.bodyLimit`.' }
      }
    },
    routes,
    openai: {
      type: 'object',
      description: 'The OpenAI-compatible API (`POST <prefix>/chat/completions`, `GET <prefix>/models`).',
      additionalProperties: false,
      properties: {
        prefix: { type: 'string', description: 'Path prefix. Default `/v1`.' },
        aliases: {
          type: 'object',
          description: 'Model names clients may send, each mapped to a list of configured models (`provider:model`) to try in order.',
          additionalProperties: { type: 'array', items: { type: 'string' } }
        }
      }
    },
    anthropic: {
      type: 'object',
      description: 'The Anthropic Messages API (`POST <prefix>/messages`, `POST <prefix>/messages/count_tokens`): Claude Code and the Anthropic SDKs point their base URL here (docs/anthropic.md). Model names and aliases are those of `openai`.',
      additionalProperties: false,
      properties: {
        prefix: { type: 'string', description: 'Path prefix. Default `/v1`.' }
      }
    },
    tracing: {
      type: 'object',
      description: 'OpenTelemetry spans of the AI requests, recorded by the service\'s `telemetry` (docs/observability.md).',
      additionalProperties: false,
      properties: {
        recordContent: { type: 'boolean', description: 'Record prompts, system instructions and answers on the spans (`gen_ai.input.messages`, `gen_ai.output.messages`): only where traces may hold what users wrote. Default false.' },
        propagateUpstream: { type: 'boolean', description: 'Send the W3C trace context of each provider call (`traceparent`, `tracestate`) with the call, so a provider or a proxy that traces joins the trace. Default false: a public API has no use for it.' }
      }
    }
  }
} as const
