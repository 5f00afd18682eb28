import assert from 'node:assert'
import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { createSigner } from 'fast-jwt'
import { mockAiSection, startAiWarp } from './helpers/ai-warp.ts'

const secret = 'a-test-secret-long-enough-for-hs256'
const signAsAlice = createSigner({ key: secret })

function bearer (token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}

async function startWithSecret (t: Parameters<typeof startAiWarp>[0], required: boolean) {
  return startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock),
    auth: { required, jwt: { secret } },
    server: { hostname: '127.0.0.1', port: 0, logger: { level: 'silent' }, healthCheck: { interval: 100000 } }
  }), { listen: true })
}

test('required: no token is 401, a valid token passes, health stays open', async (t) => {
  const { request } = await startWithSecret(t, true)
  const missing = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' } })
  assert.strictEqual(missing.statusCode, 401)
  assert.strictEqual(missing.json.code, 'AI_UNAUTHORIZED')
  const models = await request({ method: 'GET', url: '/api/v1/models' })
  assert.strictEqual(models.statusCode, 401, 'every AI route is behind auth')

  const valid = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: bearer(signAsAlice({ sub: 'alice' })) })
  assert.strictEqual(valid.statusCode, 200)
  assert.strictEqual(valid.json.text, 'Echo: hi')

  const status = await request({ method: 'GET', url: '/status' })
  assert.strictEqual(status.statusCode, 200)
})

test('invalid tokens are 401 even when auth is not required', async (t) => {
  const { request, mock } = await startWithSecret(t, false)
  const cases = {
    'wrong secret': bearer(createSigner({ key: 'another-secret-another-secret-xx' })({ sub: 'alice' })),
    garbage: bearer('not.a.jwt'),
    expired: bearer(createSigner({ key: secret, expiresIn: 1 })({ sub: 'alice', iat: 1000 })),
    'not bearer': { authorization: 'Basic YWxpY2U6cHc=' },
    'no sub claim': bearer(signAsAlice({ name: 'alice' }))
  }
  for (const [name, headers] of Object.entries(cases)) {
    const response = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers })
    assert.strictEqual(response.statusCode, 401, name)
    assert.strictEqual(response.json.code, 'AI_UNAUTHORIZED', name)
  }
  assert.strictEqual(mock.requests.length, 0, 'no provider call for a rejected request')

  const anonymous = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' } })
  assert.strictEqual(anonymous.statusCode, 200, 'no token is fine when auth is not required')
})

test('an OpenAI SDK\'s placeholder apiKey is no token: anonymous unless auth is required (it was 401)', async (t) => {
  const open = await startWithSecret(t, false)
  for (const placeholder of ['unused', 'sk-no-key-needed']) {
    const chat = await fetch(`${open.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(placeholder) },
      body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'hi' }] })
    })
    assert.strictEqual(chat.status, 200, placeholder)
    assert.strictEqual((await chat.json()).choices[0].message.content, 'Echo: hi')
  }
  // Whatever is shaped like a JWT is still verified.
  const forged = await fetch(`${open.url}/api/v1/prompt`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer('e30.e30.x') }, body: '{"prompt":"hi"}' })
  assert.strictEqual(forged.status, 401)

  const closed = await startWithSecret(t, true)
  const refused = await fetch(`${closed.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer('unused') },
    body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'hi' }] })
  })
  assert.strictEqual(refused.status, 401)
  assert.strictEqual((await refused.json()).error.code, 'invalid_api_key')
})

test('a session belongs to the user who created it', async (t) => {
  const { request } = await startWithSecret(t, false)
  const alice = bearer(signAsAlice({ sub: 'alice' }))
  const bob = bearer(signAsAlice({ sub: 'bob' }))
  const first = await request({ url: '/api/v1/prompt', body: { prompt: 'my secret plan' }, headers: alice })
  assert.strictEqual(first.statusCode, 200)
  const { sessionId } = first.json

  const own = await request({ method: 'GET', url: `/api/v1/sessions/${sessionId}`, headers: alice })
  assert.strictEqual(own.statusCode, 200)
  assert.strictEqual(own.json.turns[0].prompt, 'my secret plan')

  for (const [name, headers] of Object.entries({ bob, anonymous: {} as Record<string, string> })) {
    const read = await request({ method: 'GET', url: `/api/v1/sessions/${sessionId}`, headers })
    assert.strictEqual(read.statusCode, 404, `${name} cannot read it`)
    assert.strictEqual(read.json.code, 'AI_SESSION_NOT_FOUND')
    const follow = await request({ url: '/api/v1/prompt', body: { prompt: 'and then?', sessionId }, headers })
    assert.strictEqual(follow.statusCode, 404, `${name} cannot continue it`)
    const remove = await request({ method: 'DELETE', url: `/api/v1/sessions/${sessionId}`, headers })
    assert.strictEqual(remove.statusCode, 404, `${name} cannot delete it`)
  }

  const again = await request({ url: '/api/v1/prompt', body: { prompt: 'and then?', sessionId }, headers: alice })
  assert.strictEqual(again.statusCode, 200)
})

test('userIdClaim picks the claim that owns sessions', async (t) => {
  const { request } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock),
    auth: { required: true, userIdClaim: 'email', jwt: { secret } }
  }))
  const noEmail = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: bearer(signAsAlice({ sub: 'alice' })) })
  assert.strictEqual(noEmail.statusCode, 401)
  const withEmail = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: bearer(signAsAlice({ sub: 'x', email: 'alice@example.com' })) })
  assert.strictEqual(withEmail.statusCode, 200)
})

/** A JWKS issuer on port 0 that counts the requests it gets. */
async function startIssuer (t: Parameters<typeof startAiWarp>[0], jwk: Record<string, unknown>) {
  const issuer = { iss: '', fetches: 0 }
  const server = createServer(function serveJwks (request, response) {
    issuer.fetches++
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())))
  issuer.iss = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return issuer
}

function rsaKeys () {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key-1', alg: 'RS256', use: 'sig' }
  return { jwk, pem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string }
}

test('JWKS: keys are fetched from the issuer, other issuers are refused', async (t) => {
  const { jwk, pem } = rsaKeys()
  const issuer = await startIssuer(t, jwk)
  const { iss } = issuer

  const { request } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock),
    auth: { required: true, jwt: { jwks: { issuersWhitelist: [iss] } } }
  }))
  const sign = createSigner({ key: pem, algorithm: 'RS256', kid: 'key-1', iss })
  const valid = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: bearer(sign({ sub: 'carol' })) })
  assert.strictEqual(valid.statusCode, 200)
  assert.strictEqual(issuer.fetches, 1)

  const otherIssuer = createSigner({ key: pem, algorithm: 'RS256', kid: 'key-1', iss: 'http://127.0.0.1:1' })
  const refused = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: bearer(otherIssuer({ sub: 'carol' })) })
  assert.strictEqual(refused.statusCode, 401)

  const forged = createSigner({ key: rsaKeys().pem, algorithm: 'RS256', kid: 'key-1', iss })
  const bad = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: bearer(forged({ sub: 'carol' })) })
  assert.strictEqual(bad.statusCode, 401, 'a token signed with another key is refused')
})

test('JWKS with only verify.allowedIss: a token naming another issuer makes no key fetch there', async (t) => {
  const trusted = rsaKeys()
  const attacker = rsaKeys()
  const issuer = await startIssuer(t, trusted.jwk)
  const rogue = await startIssuer(t, attacker.jwk)

  const { request } = await startAiWarp(t, (mock) => ({
    ai: mockAiSection(mock),
    auth: { required: true, jwt: { jwks: true, verify: { allowedIss: issuer.iss } } }
  }))
  const valid = createSigner({ key: trusted.pem, algorithm: 'RS256', kid: 'key-1', iss: issuer.iss })
  assert.strictEqual((await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: bearer(valid({ sub: 'carol' })) })).statusCode, 200)

  const rogueToken = createSigner({ key: attacker.pem, algorithm: 'RS256', kid: 'key-1', iss: rogue.iss })
  const refused = await request({ url: '/api/v1/prompt', body: { prompt: 'hi' }, headers: bearer(rogueToken({ sub: 'carol' })) })
  assert.strictEqual(refused.statusCode, 401)
  assert.strictEqual(rogue.fetches, 0, 'the service never called the key server named by the token')
})
