// JSON schema of the `auth` and `callerRateLimit` sections (ai-warp only, SPEC §7).

import { timeWindow } from './ai-schema.ts'

const stringOrList = {
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }]
}

export const auth = {
  $id: '#auth',
  type: 'object',
  description: 'Who may call the AI routes: JSON Web Tokens in `Authorization: Bearer <token>` or in `x-api-key` (as Claude Code and the Anthropic SDKs send their key), checked with a secret or a JWKS. Health routes are never behind auth.',
  additionalProperties: false,
  required: ['jwt'],
  properties: {
    required: {
      type: 'boolean',
      default: false,
      description: 'When true, AI routes answer 401 AI_UNAUTHORIZED without a valid token. When false, a missing token is anonymous; an invalid one is still 401.'
    },
    userIdClaim: {
      type: 'string',
      default: 'sub',
      description: 'Claim holding the user id. The user id owns the sessions it creates (another user gets 404) and keys the caller rate limit.'
    },
    adminRole: {
      type: 'string',
      minLength: 1,
      description: 'A token whose `rolesClaim` holds this role is an admin\'s: it may read the usage report. None by default.'
    },
    rolesClaim: {
      type: 'string',
      default: 'roles',
      description: 'Claim holding a token\'s roles: a string or an array of strings.'
    },
    jwt: {
      type: 'object',
      description: 'How tokens are verified: `secret` or `jwks` (one of them is required).',
      additionalProperties: false,
      anyOf: [{ required: ['secret'] }, { required: ['jwks'] }],
      properties: {
        secret: {
          description: 'A shared secret (HS256/384/512) or a PEM public key, or `{ "public": "<PEM>" }`.',
          anyOf: [
            { type: 'string', minLength: 1 },
            {
              type: 'object',
              additionalProperties: false,
              required: ['public'],
              properties: {
                public: { type: 'string', minLength: 1, description: 'PEM public key (RS*, ES*, PS*, EdDSA).' },
                private: { type: 'string', description: 'Accepted for compatibility; unused (AI Warp does not sign tokens).' }
              }
            }
          ]
        },
        jwks: {
          description: 'Fetch keys from the issuer\'s JWKS (`<iss>/.well-known/jwks.json`): `true` or options. Requires `issuersWhitelist` or `verify.allowedIss`, so a token cannot name its own key server.',
          anyOf: [
            { type: 'boolean' },
            {
              type: 'object',
              additionalProperties: false,
              properties: {
                issuersWhitelist: { type: 'array', items: { type: 'string' }, description: 'Issuers (`iss`) whose JWKS may be fetched.' },
                providerDiscovery: { type: 'boolean', description: 'Find the JWKS URL through `<iss>/.well-known/openid-configuration`. Default false.' },
                jwksPath: { type: 'string', description: 'Path of the JWKS under the issuer. Default `/.well-known/jwks.json`.' },
                max: { type: 'integer', minimum: 1, description: 'Keys kept in the cache. Default 100.' },
                ttl: { type: 'integer', minimum: 1, description: 'Milliseconds a key stays cached. Default 60000.' }
              }
            }
          ]
        },
        algorithms: { type: 'array', items: { type: 'string' }, description: 'Accepted algorithms. Default: those that fit the key.' },
        verify: {
          type: 'object',
          description: 'Extra claim checks.',
          additionalProperties: false,
          properties: {
            allowedIss: { ...stringOrList, description: 'Accepted issuers (`iss`).' },
            allowedAud: { ...stringOrList, description: 'Accepted audiences (`aud`).' },
            allowedSub: { ...stringOrList, description: 'Accepted subjects (`sub`).' },
            requiredClaims: { type: 'array', items: { type: 'string' }, description: 'Claims that must be present.' },
            maxAge: { type: 'integer', minimum: 1, description: 'Milliseconds after `iat` a token is accepted.' },
            clockTolerance: { type: 'integer', minimum: 0, description: 'Milliseconds of clock skew tolerated on `exp`/`nbf`/`iat`. Default 0.' }
          }
        }
      }
    }
  }
} as const

export const callerRateLimit = {
  $id: '#callerRateLimit',
  type: 'object',
  description: 'Requests each caller may make to the AI routes per window: per user id when authenticated, else per IP. Counted in the AI store, so shared by every instance on Valkey. Over the limit: 429 AI_CALLER_RATE_LIMITED with Retry-After.',
  additionalProperties: false,
  required: ['max', 'timeWindow'],
  properties: {
    max: { type: 'integer', minimum: 1, description: 'Requests per window and caller.' },
    timeWindow: { ...timeWindow, description: 'Window length. ' + timeWindow.description }
  }
} as const
