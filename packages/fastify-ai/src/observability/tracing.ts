// Layer observability/ (metrics, spans and the request log line). May import the base files only;
// see docs/architecture.md.
//
// OpenTelemetry spans through @opentelemetry/api only (whatever SDK the application registered,
// or the tracer it gives): one span per gateway request (`chat {model}`) with the GenAI
// attributes, one child per call to a provider, so a fallback shows as two children. The parent
// is the incoming request's trace. Prompt and answer are recorded only with `recordContent`.

import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, createTraceState, propagation, trace } from '@opentelemetry/api'
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api'
import type { AiObserver, AiRequest, ObservedAttempt, ObservedRequest } from '@platformatic/ai-provider'
import type { FastifyRequest } from 'fastify'
import { FINISH_REASONS } from './labels.ts'

/** How spans are made. */
export interface TracingSettings {
  tracer: Tracer
  /** The parent of a gateway request's span, when the application knows it better (Watt's HTTP span). */
  parentContext: ((request: FastifyRequest) => Context | undefined) | undefined
  /** Record prompt, system instructions and answer on the request span. */
  recordContent: boolean
}

const OPERATION = 'chat'
// W3C trace context: version-traceid-parentid-flags (https://www.w3.org/TR/trace-context/).
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-|$)/
const INVALID_TRACE_ID = '0'.repeat(32)
const INVALID_SPAN_ID = '0'.repeat(16)

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

/** A request's span, and the context its children start in. */
interface RequestSpan {
  span: Span
  context: Context
}

/** The spans of one gateway; `requestOf` finds the HTTP request behind a core request. */
export function createGatewayTracing (settings: TracingSettings, requestOf: (aiRequest: AiRequest) => FastifyRequest | undefined): AiObserver {
  const { tracer, parentContext, recordContent } = settings
  const requestSpans = new WeakMap<ObservedRequest, RequestSpan>()
  const attemptSpans = new WeakMap<ObservedAttempt, Span>()

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

  function requestAttributes (observed: ObservedRequest): Attributes {
    const requested = observed.candidates[0]
    const request = observed.request
    const attributes: Attributes = {
      'gen_ai.operation.name': OPERATION,
      'gen_ai.provider.name': requested.provider,
      'gen_ai.system': requested.provider,
      'gen_ai.request.model': requested.model,
      'ai_warp.stream': observed.operation === 'stream'
    }
    if (request.maxTokens !== undefined) attributes['gen_ai.request.max_tokens'] = request.maxTokens
    if (request.temperature !== undefined) attributes['gen_ai.request.temperature'] = request.temperature
    if (request.topP !== undefined) attributes['gen_ai.request.top_p'] = request.topP
    if (request.sessionId !== undefined) attributes['gen_ai.conversation.id'] = request.sessionId
    if (recordContent) {
      if (request.context !== undefined) attributes['gen_ai.system_instructions'] = JSON.stringify([{ type: 'text', content: request.context }])
      attributes['gen_ai.input.messages'] = JSON.stringify(inputMessages(request))
    }
    return attributes
  }

  return {
    requestStart (observed: ObservedRequest): void {
      const parent = parentOf(observed.request)
      const span = tracer.startSpan(`${OPERATION} ${observed.candidates[0].model}`, { kind: SpanKind.INTERNAL }, parent)
      // No SDK (or a sampler said no): nothing more is built for this request.
      if (!span.isRecording()) return
      span.setAttributes(requestAttributes(observed))
      requestSpans.set(observed, { span, context: trace.setSpan(parent, span) })
    },
    attemptStart (attempt: ObservedAttempt): void {
      const parent = requestSpans.get(attempt.request)
      if (parent === undefined) return
      const model = attempt.model
      const span = tracer.startSpan(`${OPERATION} ${model.model}`, { kind: SpanKind.CLIENT }, parent.context)
      span.setAttributes({
        'gen_ai.operation.name': OPERATION,
        'gen_ai.provider.name': model.provider,
        'gen_ai.system': model.provider,
        'gen_ai.request.model': model.model,
        'ai_warp.model': model.name,
        'ai_warp.retry': attempt.retry
      })
      attemptSpans.set(attempt, span)
    },
    attemptEnd (attempt: ObservedAttempt): void {
      const span = attemptSpans.get(attempt)
      if (span === undefined) return
      if (attempt.code !== 'OK') {
        span.setAttribute('error.type', attempt.code as string)
        span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.code })
      }
      span.end()
    },
    firstToken (observed: ObservedRequest): void {
      requestSpans.get(observed)?.span.addEvent('gen_ai.first_token')
    },
    detached (observed: ObservedRequest): void {
      requestSpans.get(observed)?.span.addEvent('ai_warp.client_left')
    },
    requestEnd (observed: ObservedRequest): void {
      const entry = requestSpans.get(observed)
      if (entry === undefined) return
      const span = entry.span
      const attributes: Attributes = {}
      const model = observed.model
      if (model !== undefined) {
        attributes['gen_ai.response.model'] = model.model
        attributes['gen_ai.provider.name'] = model.provider
        attributes['gen_ai.system'] = model.provider
        attributes['ai_warp.model'] = model.name
      }
      if (observed.sessionId !== undefined) attributes['gen_ai.conversation.id'] = observed.sessionId
      if (observed.usage !== undefined) {
        attributes['gen_ai.usage.input_tokens'] = observed.usage.promptTokens
        attributes['gen_ai.usage.output_tokens'] = observed.usage.completionTokens
      }
      if (observed.result !== undefined) attributes['gen_ai.response.finish_reasons'] = [FINISH_REASONS[observed.result] ?? 'other']
      if (observed.misses.length > 0) attributes['ai_warp.models_missed'] = observed.misses.map(function describeMiss (miss) { return `${miss.model} ${miss.code}` })
      if (observed.resumed) attributes['ai_warp.resumed'] = true
      if (recordContent && observed.text !== undefined) {
        attributes['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: observed.text }], finish_reason: attributes['gen_ai.response.finish_reasons']?.toString() }])
      }
      if (observed.code !== undefined) {
        attributes['error.type'] = observed.code
        span.setStatus({ code: SpanStatusCode.ERROR, message: observed.code })
      }
      span.setAttributes(attributes)
      span.end()
    }
  }
}

/** The conversation a request sends, in the GenAI conventions' message shape (only with `recordContent`). */
function inputMessages (request: AiRequest): unknown[] {
  const messages: unknown[] = []
  for (const turn of request.history ?? []) {
    messages.push({ role: 'user', parts: [{ type: 'text', content: turn.prompt }] })
    messages.push({ role: 'assistant', parts: [{ type: 'text', content: turn.response }] })
  }
  messages.push({ role: 'user', parts: [{ type: 'text', content: request.prompt }] })
  return messages
}
