// Type-level checks, enforced by `tsc -p tsconfig.json`: the client's shapes and the server's
// protocol types must stay assignable both ways, so neither side can drift alone.
// The runtime assertions only keep node:test honest; the real test is the typecheck.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import pino from 'pino'
import type {
  EndEventData,
  ErrorEventData,
  ModelStatusBody,
  PromptResponseBody,
  SessionResponseBody
} from '@platformatic/fastify-ai/protocol'
import { buildClient } from '../src/index.ts'
import type {
  AskContent,
  AskContentResponse,
  AskDoneResponse,
  AskStreamMessage,
  AskStreamResponse,
  ModelStatus,
  Session
} from '../src/index.ts'
import { toDoneResponse } from '../src/stream-message.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
function expectType<T extends true> (value: T): T { return value }

// The done response is the end event's data with `response` renamed `result`.
type EndAsDone = Omit<EndEventData, 'response'> & { result: EndEventData['response'] }
expectType<Equal<Required<EndAsDone>, Required<AskDoneResponse>>>(true)
expectType<Equal<keyof EndAsDone, keyof AskDoneResponse>>(true)
// And the non-streamed answer is exactly the prompt route's body.
expectType<Equal<Required<AskContent>, Required<PromptResponseBody>>>(true)
expectType<Equal<Session, SessionResponseBody>>(true)
expectType<Equal<ModelStatus, ModelStatusBody>>(true)

function fromServer (end: EndEventData, prompt: PromptResponseBody): [AskDoneResponse, AskContent] {
  return [toDoneResponse(end), prompt]
}
function toServer (done: AskDoneResponse, content: AskContent): [EndEventData, PromptResponseBody] {
  const { result, ...rest } = done
  return [{ ...rest, response: result }, content]
}
function errorToServer (message: AskStreamMessage): ErrorEventData | undefined {
  return message.type === 'error' ? { code: message.error.code, message: message.error.message } : undefined
}

async function overloads (): Promise<unknown[]> {
  // A pino logger is accepted as it is.
  const client = buildClient({ url: 'http://127.0.0.1:1', logger: pino({ level: 'silent' }) })
  const streamed: AskStreamResponse = await client.ask({ prompt: 'x' })
  const explicit: AskStreamResponse = await client.ask({ prompt: 'x', stream: true })
  const json: AskContentResponse = await client.ask({ prompt: 'x', stream: false })
  // @ts-expect-error a JSON answer has no stream
  const wrong: AskStreamResponse = await client.ask({ prompt: 'x', stream: false })
  const either = await client.ask({ prompt: 'x', stream: Math.random() > 0.5 })
  // @ts-expect-error either kind may come back
  const narrowed: AskStreamResponse = either
  for await (const message of streamed.stream) {
    if (message.type === 'done') expectType<Equal<typeof message.response.result, EndEventData['response']>>(true)
  }
  return [explicit, json, wrong, narrowed]
}

test('client types match the server protocol (checked by tsc)', () => {
  const end: EndEventData = { response: 'COMPLETE', sessionId: 's', model: 'm' }
  const prompt: PromptResponseBody = { text: 't', result: 'COMPLETE', sessionId: 's', model: 'm' }
  const [done, content] = fromServer(end, prompt)
  assert.deepEqual(toServer(done, content), [end, prompt])
  assert.equal(errorToServer({ type: 'content', content: 'x' }), undefined)
  assert.equal(typeof overloads, 'function')
})
