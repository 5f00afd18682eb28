// Who may read the usage report: a request that `isAdmin` accepts (e.g. a role claim of its JWT)
// or that carries the configured `adminToken` as its bearer token. With neither configured, nobody
// may: the report is never open by default.

import type { FastifyRequest } from 'fastify'
import { createHash, timingSafeEqual } from 'node:crypto'
import { AiUnauthorizedError } from '@platformatic/ai-provider'
import type { HttpOptions } from './options.ts'
import { AiForbiddenError } from './errors.ts'

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** True when the request's bearer token is `adminToken` (compared in constant time). */
export function hasAdminToken (request: FastifyRequest, adminToken: string | undefined): boolean {
  if (adminToken === undefined) return false
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')
  // Digests of equal length: the comparison says nothing about the token's length either.
  return match !== null && timingSafeEqual(digest(match[1]), digest(adminToken))
}

/**
 * An onRequest hook for admin-only routes: an admin goes on; a request without credentials is
 * 401 `AI_UNAUTHORIZED`, one with credentials that do not make it an admin 403 `AI_FORBIDDEN`.
 */
export function adminOnly (http: HttpOptions): (request: FastifyRequest) => Promise<void> {
  return async function requireAdmin (request: FastifyRequest): Promise<void> {
    if (http.isAdmin(request) || hasAdminToken(request, http.adminToken)) return
    if (request.headers.authorization === undefined) throw new AiUnauthorizedError('The usage report needs an admin: send the admin token as a bearer token, or a token with the admin role')
    throw new AiForbiddenError('Only an admin may read the usage report')
  }
}
