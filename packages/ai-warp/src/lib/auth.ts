// JWT authentication of the AI routes (SPEC §7). The token comes from `Authorization: Bearer`, or
// from `x-api-key` (where Anthropic's SDKs and Claude Code put an API key), is verified with
// fast-jwt against a secret or the issuer's JWKS (get-jwks), and its user id claim becomes the
// owner of the sessions the request creates or reads.

import type { FastifyRequest } from 'fastify'
import { createVerifier } from 'fast-jwt'
import buildGetJwks from 'get-jwks'
import { AiOptionsError, AiUnauthorizedError } from '@platformatic/ai-provider'

type StringOrList = string | string[]

/** JWKS options (the issuer's keys are fetched from `<iss>/.well-known/jwks.json`). */
export interface JwksOptions {
  /** Issuers (`iss`) whose JWKS may be fetched. */
  issuersWhitelist?: string[]
  /** Find the JWKS URL through the issuer's OpenID configuration. Default false. */
  providerDiscovery?: boolean
  /** Path of the JWKS under the issuer. Default `/.well-known/jwks.json`. */
  jwksPath?: string
  /** Keys kept in the cache. Default 100. */
  max?: number
  /** Milliseconds a key stays cached. Default 60000. */
  ttl?: number
}

/** The `auth` section of the configuration. */
export interface AuthOptions {
  /** Refuse requests without a valid token (401). Default false. */
  required?: boolean
  /** Claim holding the user id. Default `sub`. */
  userIdClaim?: string
  /** A token whose `rolesClaim` holds this role is an admin's: it may read the usage report. None by default. */
  adminRole?: string
  /** Claim holding the token's roles: a string or an array of strings. Default `roles`. */
  rolesClaim?: string
  /** How tokens are verified: `secret` or `jwks` (one of them is required). */
  jwt: {
    /** Shared secret or PEM public key. */
    secret?: string | { public: string, private?: string }
    /** Fetch keys from the issuer's JWKS. */
    jwks?: boolean | JwksOptions
    /** Accepted algorithms. */
    algorithms?: string[]
    /** Extra claim checks. */
    verify?: {
      /** Accepted issuers (`iss`); with `jwks`, also the only issuers whose keys are fetched. */
      allowedIss?: StringOrList
      /** Accepted audiences (`aud`). */
      allowedAud?: StringOrList
      /** Accepted subjects (`sub`). */
      allowedSub?: StringOrList
      /** Claims that must be present. */
      requiredClaims?: string[]
      /** Milliseconds after `iat` a token is accepted. */
      maxAge?: number
      /** Milliseconds of clock skew tolerated on `exp`/`nbf`/`iat`. Default 0. */
      clockTolerance?: number
    }
  }
}

/** What the service needs from auth: a hook for the AI routes and the owner of a request. */
export interface Authenticator {
  /** onRequest hook: rejects invalid tokens (and missing ones when required) with AI_UNAUTHORIZED. */
  authenticate (request: FastifyRequest): Promise<void>
  /** The user id of an authenticated request, undefined for anonymous ones. */
  ownerOf (request: FastifyRequest): string | undefined
  /** True when the request's token carries `adminRole`. */
  isAdmin (request: FastifyRequest): boolean
}

type KeyResolver = string | ((decoded: { header: Record<string, unknown>, payload: Record<string, unknown> }) => Promise<string>)

function buildKeyResolver (jwt: AuthOptions['jwt']): KeyResolver {
  if (jwt.secret !== undefined) {
    return typeof jwt.secret === 'string' ? jwt.secret : jwt.secret.public
  }
  const jwks: JwksOptions = typeof jwt.jwks === 'object' ? jwt.jwks : {}
  const allowedIss = jwt.verify?.allowedIss
  // fast-jwt fetches the key before it checks the claims, so `verify.allowedIss` alone would
  // not stop a token from making the service fetch keys from a URL of its author's choosing:
  // the issuers allowed to be fetched are the whitelist, or else the allowed issuers.
  const issuersWhitelist = (jwks.issuersWhitelist?.length ?? 0) > 0
    ? jwks.issuersWhitelist
    : allowedIss === undefined ? [] : [allowedIss].flat()
  if (issuersWhitelist === undefined || issuersWhitelist.length === 0) {
    throw new AiOptionsError('auth.jwt.jwks needs auth.jwt.jwks.issuersWhitelist or auth.jwt.verify.allowedIss')
  }
  const getJwks = buildGetJwks({ ...jwks, issuersWhitelist })
  return async function resolveJwksKey (decoded) {
    const { kid, alg } = decoded.header
    const iss = decoded.payload.iss
    if (typeof iss !== 'string') throw new AiUnauthorizedError('The token has no "iss" claim')
    return getJwks.getPublicKey({ domain: iss, kid: kid as string | undefined, alg: alg as string | undefined })
  }
}

/**
 * The request's token: `Authorization: Bearer <token>`, else the `x-api-key` header (Claude Code
 * sends `ANTHROPIC_AUTH_TOKEN` as a bearer token and `ANTHROPIC_API_KEY` as `x-api-key`). Either
 * one is the same token, verified alike and giving the same caller.
 */
function readToken (request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  if (header === undefined) {
    const apiKey = request.headers['x-api-key']
    const value = Array.isArray(apiKey) ? apiKey[0] : apiKey
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (match === null) throw new AiUnauthorizedError('The Authorization header must be "Bearer <token>"')
  return match[1]
}

/** Build the authenticator of an `auth` section; configuration mistakes throw AI_OPTIONS_INVALID. */
export function createAuthenticator (options: AuthOptions): Authenticator {
  const required = options.required ?? false
  const userIdClaim = options.userIdClaim ?? 'sub'
  const { verify = {} } = options.jwt
  if (options.jwt.secret === undefined && (options.jwt.jwks === undefined || options.jwt.jwks === false)) {
    throw new AiOptionsError('auth.jwt needs a secret or jwks')
  }
  const key = buildKeyResolver(options.jwt)
  const verifier = createVerifier({
    // fast-jwt's overloads split sync and async keys; both are valid here.
    key: key as string,
    algorithms: options.jwt.algorithms as never,
    allowedIss: verify.allowedIss,
    allowedAud: verify.allowedAud,
    allowedSub: verify.allowedSub,
    requiredClaims: verify.requiredClaims,
    maxAge: verify.maxAge,
    clockTolerance: verify.clockTolerance,
    cache: true
  }) as (token: string) => Promise<Record<string, unknown>> | Record<string, unknown>
  const owners = new WeakMap<FastifyRequest, string>()
  const admins = new WeakSet<FastifyRequest>()
  const adminRole = options.adminRole
  const rolesClaim = options.rolesClaim ?? 'roles'

  async function authenticate (request: FastifyRequest): Promise<void> {
    const token = readToken(request)
    // A value that is not even shaped like a JWT (no dot: `unused`, `sk-…`) is the placeholder an
    // OpenAI or Anthropic SDK must send as its apiKey, not an attempt at a token: it counts as
    // no token. Anything shaped like a JWT is verified, and refused when it does not verify.
    if (token === undefined || !token.includes('.')) {
      if (required) throw new AiUnauthorizedError('A valid bearer token is required')
      return
    }
    let payload: Record<string, unknown>
    try {
      payload = await verifier(token)
    } catch (error) {
      request.log.debug({ err: error }, 'AI Warp rejected a token')
      const unauthorized = new AiUnauthorizedError('Invalid token: ' + (error as Error).message)
      unauthorized.cause = error
      throw unauthorized
    }
    const userId = payload[userIdClaim]
    if ((typeof userId !== 'string' || userId === '') && typeof userId !== 'number') {
      throw new AiUnauthorizedError(`The token has no "${userIdClaim}" claim`)
    }
    owners.set(request, String(userId))
    if (adminRole !== undefined && hasRole(payload[rolesClaim], adminRole)) admins.add(request)
  }

  function ownerOf (request: FastifyRequest): string | undefined {
    return owners.get(request)
  }

  function isAdmin (request: FastifyRequest): boolean {
    return admins.has(request)
  }

  return { authenticate, ownerOf, isAdmin }
}

/** A roles claim (`"admin"` or `["admin", "dev"]`) holding `role`. */
function hasRole (claim: unknown, role: string): boolean {
  return claim === role || (Array.isArray(claim) && claim.includes(role))
}
