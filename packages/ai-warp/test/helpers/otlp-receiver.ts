// A tiny OTLP/HTTP trace receiver for tests: it takes what an OpenTelemetry exporter POSTs to
// `/v1/traces` (protobuf, as Watt's `otlp` exporter sends it, or OTLP/JSON) and keeps the spans.
// The protobuf side reads the wire format directly, only the fields of trace.proto a test looks at.

import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzipSync } from 'node:zlib'

/** A span as received. */
export interface ReceivedSpan {
  traceId: string
  spanId: string
  /** '' for a root span. */
  parentSpanId: string
  name: string
  /** 1 internal, 2 server, 3 client (OTLP's SpanKind). */
  kind: number
  attributes: Record<string, unknown>
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:PORT/v1/traces`. */
  url: string
  readonly spans: ReceivedSpan[]
  /** Content types of the POSTs received. */
  readonly contentTypes: string[]
  close (): Promise<void>
}

type Field = { number: number, wire: number, value: bigint | Buffer }

/** The fields of one protobuf message, in order. */
function fields (buffer: Buffer): Field[] {
  const result: Field[] = []
  let offset = 0
  function varint (): bigint {
    let value = 0n
    let shift = 0n
    while (true) {
      const byte = buffer[offset++]
      value |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) return value
      shift += 7n
    }
  }
  while (offset < buffer.length) {
    const key = Number(varint())
    const number = key >>> 3
    const wire = key & 7
    if (wire === 0) {
      result.push({ number, wire, value: varint() })
    } else if (wire === 1) {
      result.push({ number, wire, value: buffer.subarray(offset, offset + 8) })
      offset += 8
    } else if (wire === 2) {
      const length = Number(varint())
      result.push({ number, wire, value: buffer.subarray(offset, offset + length) })
      offset += length
    } else if (wire === 5) {
      result.push({ number, wire, value: buffer.subarray(offset, offset + 4) })
      offset += 4
    } else {
      throw new Error(`unsupported protobuf wire type ${wire}`)
    }
  }
  return result
}

function all (buffer: Buffer, number: number): Array<bigint | Buffer> {
  return fields(buffer).filter((field) => field.number === number).map((field) => field.value)
}

function one (buffer: Buffer, number: number): bigint | Buffer | undefined {
  return all(buffer, number)[0]
}

/** An AnyValue message. */
function anyValue (buffer: Buffer): unknown {
  const [field] = fields(buffer)
  if (field === undefined) return undefined
  switch (field.number) {
    case 1: return (field.value as Buffer).toString('utf8')
    case 2: return field.value === 1n
    case 3: return Number(field.value)
    case 4: return (field.value as Buffer).readDoubleLE(0)
    case 5: return all(field.value as Buffer, 1).map((value) => anyValue(value as Buffer))
    default: return (field.value as Buffer).toString('hex')
  }
}

function attributesOf (keyValues: Array<bigint | Buffer>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {}
  for (const keyValue of keyValues) {
    const key = (one(keyValue as Buffer, 1) as Buffer).toString('utf8')
    const value = one(keyValue as Buffer, 2) as Buffer | undefined
    attributes[key] = value === undefined ? undefined : anyValue(value)
  }
  return attributes
}

/** The spans of an ExportTraceServiceRequest in protobuf. */
function protobufSpans (body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = []
  for (const resourceSpans of all(body, 1)) {
    for (const scopeSpans of all(resourceSpans as Buffer, 2)) {
      for (const span of all(scopeSpans as Buffer, 2)) {
        const message = span as Buffer
        const status = one(message, 15) as Buffer | undefined
        spans.push({
          traceId: (one(message, 1) as Buffer).toString('hex'),
          spanId: (one(message, 2) as Buffer).toString('hex'),
          parentSpanId: (one(message, 4) as Buffer | undefined)?.toString('hex') ?? '',
          name: (one(message, 5) as Buffer).toString('utf8'),
          kind: Number(one(message, 6) ?? 0n),
          attributes: attributesOf(all(message, 9)),
          statusCode: status === undefined ? 0 : Number(one(status, 3) ?? 0n)
        })
      }
    }
  }
  return spans
}

interface JsonValue { stringValue?: string, boolValue?: boolean, intValue?: string | number, doubleValue?: number, arrayValue?: { values?: JsonValue[] } }

function jsonValue (value: JsonValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue
  if (value.boolValue !== undefined) return value.boolValue
  if (value.intValue !== undefined) return Number(value.intValue)
  if (value.doubleValue !== undefined) return value.doubleValue
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(jsonValue)
  return undefined
}

/** The spans of an ExportTraceServiceRequest in OTLP/JSON. */
function jsonSpans (body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString('utf8'))
  const spans: ReceivedSpan[] = []
  for (const resourceSpans of request.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const attributes: Record<string, unknown> = {}
        for (const { key, value } of span.attributes ?? []) attributes[key] = jsonValue(value)
        spans.push({ traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? '', name: span.name, kind: span.kind, attributes, statusCode: span.status?.code ?? 0 })
      }
    }
  }
  return spans
}

/** Start a receiver on a free port. */
export async function startOtlpReceiver (): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  const contentTypes: string[] = []
  const server = createServer(function receive (request, response) {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      let body = Buffer.concat(chunks)
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body)
      const contentType = request.headers['content-type'] ?? ''
      contentTypes.push(contentType)
      if (request.method === 'POST' && request.url === '/v1/traces') {
        spans.push(...(contentType.includes('json') ? jsonSpans(body) : protobufSpans(body)))
      }
      // An empty ExportTraceServiceResponse: all accepted.
      response.writeHead(200, { 'content-type': contentType.includes('json') ? 'application/json' : 'application/x-protobuf' })
      response.end(contentType.includes('json') ? '{}' : '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    spans,
    contentTypes,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}
