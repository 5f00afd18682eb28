// A stream nobody can resume (chat completions, Messages: always a new turn) stops upstream when
// its client leaves, after detachTimeout, instead of paying for tokens nobody reads.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OPENAI_MODEL, startAnthropicGateway } from './anthropic-gateway.ts'

const routes: Array<[string, Record<string, string>, unknown]> = [
  ['/v1/chat/completions', {}, { model: OPENAI_MODEL, stream: true, messages: [{ role: 'user', content: 'a long answer' }] }],
  ['/v1/messages', { 'anthropic-version': '2023-06-01' }, { model: OPENAI_MODEL, stream: true, max_tokens: 500, messages: [{ role: 'user', content: 'a long answer' }] }]
]

for (const [path, headers, body] of routes) {
  test(`${path}: the client leaving mid-answer stops the upstream call`, async (t) => {
    const { baseURL, mock } = await startAnthropicGateway(t, { plugin: { limits: { retry: { max: 0, interval: 0 }, detachTimeout: 100 } } })
    mock.setBehaviour('gpt-4o-mini', { deltas: Array.from({ length: 100 }, (_, i) => `word${i} `), deltaDelayMs: 50 })
    const response = await fetch(`${baseURL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
    const reader = (response.body as ReadableStream<Uint8Array>).getReader()
    await reader.read()
    await reader.cancel()
    // The mock sees its client (the gateway) close the exchange before the 100 deltas were sent.
    assert.equal(await mock.requests[0].closed, true)
  })
}
