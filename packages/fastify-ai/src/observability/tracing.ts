// Layer observability/ (metrics, spans and the request log line). May import the base files only;
// see docs/architecture.md.
//
// OpenTelemetry spans through @opentelemetry/api only (whatever SDK the application registered,
// or the tracer it gives): one span per gateway request (`chat {model}`) with the GenAI
// attributes, one child per call to a provider, so a fallback shows as two children, and one
// child per store call made for it (`store <operation>`). The parent is the incoming request's trace. Prompt and answer are recorded only with `recordContent`.

import { ProxyTracerProvider, ROOT_CONTEXT, SpanKind, SpanStatusCode, context, createTraceState, propagation, trace } from '@opentelemetry/api'
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api'
import type { AiObserver, AiRequest, NormalizedModel, ObservedAttempt, ObservedRequest, ObservedStoreCall } from '@platformatic/ai-provider'
import type { FastifyRequest } from 'fastify'
import { contentText } from '@platformatic/ai-provider'
import type { AiMessage } from '@platformatic/ai-provider'
import { FINISH_REASONS } from './labels.ts'

/** How spans are made. */
export interface TracingSettings {
  /** Undefined: the global tracer of @opentelemetry/api, used while an SDK has registered a provider. */
  tracer: Tracer | undefined
  /** The parent of a gateway request's span, when the application knows it better (Watt's HTTP span). */
  parentContext: ((request: FastifyRequest) => Context | undefined) | undefined
  /** Record prompt, system instructions and answer on the request span. */
  recordContent: boolean
  /** Send each attempt's trace context to its provider (the attempt's `upstreamHeaders`). */
  propagateUpstream: boolean
}

const OPERATION = 'chat'
const EMBEDDINGS = 'embeddings'
// W3C trace context: version-traceid-parentid-flags (https://www.w3.org/TR/trace-context/).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-|$)/
const INVALID_TRACE_ID = '0'.repeat(32)
const INVALID_SPAN_ID = '0'.repeat(16)
/** What the global provider delegates to while no SDK registered one. */
const NO_PROVIDER = new ProxyTracerProvider().getDelegate()

/** The global tracer, or undefined while no SDK registered a provider (nothing would record). */
function globalTracer (): Tracer | undefined {
  const provider = trace.getTracerProvider()
  if (provider instanceof ProxyTracerProvider && provider.getDelegate() === NO_PROVIDER) return undefined
  return trace.getTracer('@platformatic/fastify-ai')
}

function headerValue (value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** The remote parent a `traceparent` header names, when valid. */
export function remoteParent (traceparent: string | undefined, tracestate: string | undefined): Context | undefined {
  if (traceparent === undefined) return undefined
  const match = TRACEPARENT.exec(traceparent.trim())
  if (match === null || match[1] === 'ff' || match[2] === INVALID_TRACE_ID || match[3] === INVALID_SPAN_ID) return undefined
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: match[2],
    spanId: match[3],
    traceFlags: Number.parseInt(match[4], 16) & 1,
    isRemote: true,
    traceState: tracestate === undefined ? undefined : createTraceState(tracestate)
  })
}

/** The headers that carry `spanContext` on to a provider: the global propagator's, else W3C Trace Context. */
function traceHeaders (spanContext: Context): Record<string, string> {
  const carrier: Record<string, string> = {}
  if (propagation.fields().length > 0) {
    propagation.inject(spanContext, carrier)
    return carrier
  }
  const span = trace.getSpanContext(spanContext)
  if (span === undefined) return carrier
  carrier.traceparent = `00-${span.traceId}-${span.spanId}-0${span.traceFlags & 1}`
  const state = span.traceState?.serialize()
  if (state !== undefined && state !== '') carrier.tracestate = state
  return carrier
}

/** A request's span, and the context its children start in. */
interface RequestSpan {
  span: Span
  context: Context
  tracer: Tracer
}

// The spans are kept on the core's event objects, under symbols of their own (observer.ts lets an
// observer do so): a WeakMap entry per request weighs on the garbage collector.
const kRequestSpan = Symbol('fastify-ai request span')
const kAttemptSpan = Symbol('fastify-ai attempt span')
type Spanned = ObservedRequest & { [kRequestSpan]?: RequestSpan }
type SpannedAttempt = ObservedAttempt & { [kAttemptSpan]?: Span }

/** The spans of one gateway; `requestOf` finds the HTTP request behind a core request. */
export function createGatewayTracing (settings: TracingSettings, requestOf: (aiRequest: AiRequest) => FastifyRequest | undefined): AiObserver {
  const { parentContext, recordContent, propagateUpstream } = settings
  /** What is the same for every span of a model: its name and its first attributes, built once. */
  const perModel = new Map<NormalizedModel, { name: string, attributes: Attributes }>()

  function modelSpan (model: NormalizedModel): { name: string, attributes: Attributes } {
    let known = perModel.get(model)
    if (known === undefined) {
      // An embedding model's spans are `embeddings {model}`, as the GenAI conventions name that operation.
      const operation = model.type === 'embedding' ? EMBEDDINGS : OPERATION
      known = {
        name: `${operation} ${model.model}`,
        attributes: Object.freeze({
          'gen_ai.operation.name': operation,
          'gen_ai.provider.name': model.provider,
          'gen_ai.system': model.provider,
          'gen_ai.request.model': model.model,
          'ai_warp.model': model.name
        })
      }
      perModel.set(model, known)
    }
    return known
  }

  function parentOf (aiRequest: AiRequest): Context {
    const active = context.active()
    const request = requestOf(aiRequest)
    if (request === undefined) return active
    const given = parentContext?.(request)
    if (given !== undefined) return given
    // An instrumentation (or the application) made the HTTP request's span the active one.
    if (trace.getSpan(active) !== undefined) return active
    const headers = request.headers
    // A propagator registered globally reads what it knows; without one, W3C trace context.
    if (propagation.fields().length > 0) return propagation.extract(active, headers)
    return remoteParent(headerValue(headers.traceparent), headerValue(headers.tracestate)) ?? active
  }

  /** What a request span says from its start, beyond its model's attributes. */
  function setRequestAttributes (span: Span, observed: ObservedRequest): void {
    const request = observed.request
    span.setAttribute('ai_warp.stream', observed.operation === 'stream')
    if (request.maxTokens !== undefined) span.setAttribute('gen_ai.request.max_tokens', request.maxTokens)
    if (request.temperature !== undefined) span.setAttribute('gen_ai.request.temperature', request.temperature)
    if (request.topP !== undefined) span.setAttribute('gen_ai.request.top_p', request.topP)
    if (request.sessionId !== undefined) span.setAttribute('gen_ai.conversation.id', request.sessionId)
    if (recordContent) {
      if (request.context !== undefined) span.setAttribute('gen_ai.system_instructions', JSON.stringify([{ type: 'text', content: request.context }]))
      span.setAttribute('gen_ai.input.messages', JSON.stringify(inputMessages(request)))
    }
  }

  const observer: AiObserver = {
    requestStart (observed: Spanned): void {
      const tracer = settings.tracer ?? globalTracer()
      if (tracer === undefined) return
      const parent = parentOf(observed.request)
      const requested = modelSpan(observed.candidates[0])
      const span = tracer.startSpan(requested.name, { kind: SpanKind.INTERNAL, attributes: requested.attributes }, parent)
      // A sampler said no: nothing more is built for this request.
      if (!span.isRecording()) return
      setRequestAttributes(span, observed)
      observed[kRequestSpan] = { span, context: trace.setSpan(parent, span), tracer }
      // Its store calls become its children too (storeCall below).
      observed.traceStore = true
    },
    storeCall (call: ObservedStoreCall): void {
      const request = call.request as Spanned | undefined
      const parent = request?.[kRequestSpan]
      // Calls after the request's end (a stream giving its lease back) are not its children.
      if (parent === undefined || call.startedAt === undefined || request?.endedAt !== undefined) return
      const span = parent.tracer.startSpan(`store ${call.operation}`, {
        kind: SpanKind.CLIENT,
        startTime: performance.timeOrigin + call.startedAt,
        attributes: { 'db.operation.name': call.operation }
      }, parent.context)
      if (call.code !== undefined) {
        span.setAttribute('error.type', call.code)
        span.setStatus({ code: SpanStatusCode.ERROR, message: call.code })
      }
      span.end(performance.timeOrigin + call.startedAt + (call.durationMs ?? 0))
    },
    attemptStart (attempt: SpannedAttempt): void {
      const parent = (attempt.request as Spanned)[kRequestSpan]
      if (parent === undefined) return
      const model = modelSpan(attempt.model)
      const span = parent.tracer.startSpan(model.name, { kind: SpanKind.CLIENT, attributes: model.attributes }, parent.context)
      span.setAttribute('ai_warp.retry', attempt.retry)
      attempt[kAttemptSpan] = span
      if (propagateUpstream) attempt.upstreamHeaders = traceHeaders(trace.setSpan(parent.context, span))
    },
    attemptEnd (attempt: SpannedAttempt): void {
      const span = attempt[kAttemptSpan]
      if (span === undefined) return
      if (attempt.code !== 'OK') {
        span.setAttribute('error.type', attempt.code as string)
        span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.code })
      }
      span.end()
    },
    firstToken (observed: Spanned): void {
      observed[kRequestSpan]?.span.addEvent('gen_ai.first_token')
    },
    detached (observed: Spanned): void {
      observed[kRequestSpan]?.span.addEvent('ai_warp.client_left')
    },
    requestEnd (observed: Spanned): void {
      const entry = observed[kRequestSpan]
      if (entry === undefined) return
      const span = entry.span
      const model = observed.model
      if (model !== undefined) {
        span.setAttribute('gen_ai.response.model', model.model)
        span.setAttribute('gen_ai.provider.name', model.provider)
        span.setAttribute('gen_ai.system', model.provider)
        span.setAttribute('ai_warp.model', model.name)
      }
      if (observed.sessionId !== undefined) span.setAttribute('gen_ai.conversation.id', observed.sessionId)
      const usage = observed.usage
      if (usage !== undefined) {
        span.setAttribute('gen_ai.usage.input_tokens', usage.promptTokens)
        span.setAttribute('gen_ai.usage.output_tokens', usage.completionTokens)
      }
      const finish = observed.result === undefined ? undefined : FINISH_REASONS[observed.result] ?? 'other'
      if (finish !== undefined) span.setAttribute('gen_ai.response.finish_reasons', [finish])
      if (observed.misses.length > 0) span.setAttribute('ai_warp.models_missed', observed.misses.map(function describeMiss (miss) { return `${miss.model} ${miss.code}` }))
      if (observed.resumed) span.setAttribute('ai_warp.resumed', true)
      if (recordContent && observed.text !== undefined) {
        span.setAttribute('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: observed.text }], finish_reason: finish }]))
      }
      if (observed.code !== undefined) {
        span.setAttribute('error.type', observed.code)
        span.setStatus({ code: SpanStatusCode.ERROR, message: observed.code })
      }
      span.end()
    }
  }
  // Store calls are timed and joined to their request only when spans can be made: a gateway
  // with no tracer (none given, no SDK registered when it starts) does no store-call work at all.
  if (settings.tracer === undefined && globalTracer() === undefined) delete observer.storeCall
  return observer
}

/** The conversation a request sends, in the GenAI conventions' message shape (only with `recordContent`). */
function inputMessages (request: AiRequest): unknown[] {
  const messages: unknown[] = []
  for (const turn of request.history ?? []) {
    messages.push({ role: 'user', parts: [{ type: 'text', content: turn.prompt }] })
    messages.push({ role: 'assistant', parts: [{ type: 'text', content: turn.response }] })
  }
  for (const message of request.messages ?? []) messages.push({ role: message.role, parts: partsOf(message) })
  if (request.prompt !== undefined) messages.push({ role: 'user', parts: [{ type: 'text', content: request.prompt }] })
  for (const result of request.toolResults ?? []) messages.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: result.toolCallId, response: result.content }] })
  return messages
}

/** A message's parts in the GenAI conventions' shape. */
function partsOf (message: AiMessage): unknown[] {
  const parts: unknown[] = []
  if (message.role === 'tool') {
    parts.push({ type: 'tool_call_response', id: message.toolCallId, response: contentText(message.content) })
    return parts
  }
  if (typeof message.content === 'string') {
    if (message.content !== '') parts.push({ type: 'text', content: message.content })
  } else {
    for (const part of message.content) {
      parts.push(part.type === 'text' ? { type: 'text', content: part.text } : { type: part.type === 'image' ? 'image' : 'file', mime_type: part.mediaType })
    }
  }
  if (message.role === 'assistant') {
    for (const call of message.toolCalls ?? []) parts.push({ type: 'tool_call', id: call.id, name: call.name, arguments: call.arguments })
  }
  return parts
}
