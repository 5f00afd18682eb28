// The floor: the least a gateway can do. A bare Fastify route that forwards the prompt to the
// mock's /v1/chat/completions over an undici Pool and answers JSON; for streams it pipes the
// upstream SSE through, re-framed minimally as `event: content` frames (JSON decoded and
// encoded again, as any gateway that speaks its own protocol must). No sessions, no store, no
// validation beyond JSON parsing, no fallback.

import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { Fastify, undici } from './deps.ts'
import { MODEL } from './setup.ts'

interface FloorBody {
  prompt: string
  models?: string[]
}

const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
  connection: 'keep-alive'
}

function upstreamModel (body: FloorBody): string {
  const chosen = body.models?.[0]
  return chosen === undefined ? MODEL : chosen.slice(chosen.indexOf(':') + 1)
}

/** Start the floor proxy in front of `mockUrl`. */
export async function startFloor (mockUrl: string): Promise<FastifyInstance> {
  const pool = new undici.Pool(mockUrl, { connections: null })
  const app = Fastify({ logger: { level: 'warn' } })
  const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench' }

  app.post<{ Body: FloorBody }>('/api/v1/prompt', async function prompt (request, reply) {
    const model = upstreamModel(request.body)
    const upstream = await pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers,
      body: JSON.stringify({ model, messages: [{ role: 'user', content: request.body.prompt }] })
    })
    const answer = await upstream.body.json() as { choices: Array<{ message: { content: string } }>, usage?: Record<string, number> }
    const sessionId = randomUUID()
    reply.header('x-session-id', sessionId)
    return { text: answer.choices[0].message.content, result: 'COMPLETE', sessionId, model: 'openai:' + model, usage: answer.usage }
  })

  app.post<{ Body: FloorBody }>('/api/v1/stream', async function stream (request, reply) {
    const model = upstreamModel(request.body)
    const controller = new AbortController()
    const upstream = await pool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers,
      signal: controller.signal,
      body: JSON.stringify({ model, messages: [{ role: 'user', content: request.body.prompt }], stream: true, stream_options: { include_usage: true } })
    })
    const sessionId = randomUUID()
    reply.hijack()
    const raw = reply.raw
    raw.writeHead(200, { ...SSE_HEADERS, 'x-session-id': sessionId })
    raw.on('close', function onClose () { if (!raw.writableEnded) controller.abort() })
    let buffered = ''
    let id = 0
    try {
      for await (const chunk of upstream.body) {
        buffered += chunk.toString()
        let end = buffered.indexOf('\n\n')
        while (end !== -1) {
          const frame = buffered.slice(0, end)
          buffered = buffered.slice(end + 2)
          end = buffered.indexOf('\n\n')
          if (!frame.startsWith('data: ')) continue
          const data = frame.slice(6)
          if (data === '[DONE]') {
            raw.write(`id: ${++id}\nevent: end\ndata: ${JSON.stringify({ response: 'COMPLETE', sessionId, model: 'openai:' + model })}\n\n`)
            continue
          }
          const content = (JSON.parse(data) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content
          if (content) raw.write(`id: ${++id}\nevent: content\ndata: ${JSON.stringify({ response: content })}\n\n`)
        }
      }
    } catch {
      // The client left: the upstream call was aborted.
    }
    raw.end()
  })

  app.addHook('onClose', async function closePool () { await pool.close() })
  return app
}
