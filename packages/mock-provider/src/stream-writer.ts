import { cut, pause, untilClosed } from './exchange.ts'
import type { Exchange } from './exchange.ts'
import type { MockBehaviour } from './types.ts'
import type { StreamScript } from './wire-format.ts'

/** Pause between the pieces of a split frame, so they leave as separate TCP writes. */
const SPLIT_PAUSE_MS = 1

/** What the writer needs besides the script: line ending and the in-band error object. */
export interface StreamPlan {
  /** The frames to send. */
  script: StreamScript
  /** Line ending: '\n' or '\r\n'. */
  eol: string
  /** Object sent as in-band error frame. */
  inBandError: unknown
  /** The `event:` line's name of a frame, for formats that name their events. */
  eventName?: (payload: string) => string | undefined
}

/**
 * Plays a stream script on an exchange whose headers are already sent, applying the behaviour's
 * faults. A fault "after N" fires once N content deltas were written.
 */
export async function playStream (exchange: Exchange, plan: StreamPlan, behaviour: MockBehaviour): Promise<void> {
  const { script, eol } = plan
  const delay = behaviour.deltaDelayMs ?? 0
  let written = 0

  async function send (payload: string): Promise<void> {
    if (written > 0 && delay > 0) await pause(exchange, delay)
    if (exchange.over) return
    const name = plan.eventName?.(payload)
    const frame = (name === undefined ? '' : 'event: ' + name + eol) + 'data: ' + payload + eol + eol
    if (behaviour.splitFrames === true) await writeSplit(exchange, frame)
    else exchange.response.write(frame)
    written++
  }

  for (const payload of script.before) await send(payload)
  for (let i = 0; i <= script.deltas.length; i++) {
    if (exchange.over) return
    if (behaviour.stallAfter === i) return untilClosed(exchange)
    if (behaviour.cutAfter === i) return cut(exchange)
    if (behaviour.inBandErrorAfter === i) {
      const error = behaviour.errorBody ?? plan.inBandError
      await send(script.failure === undefined ? JSON.stringify(error) : script.failure(written, error))
      return end(exchange)
    }
    if (behaviour.malformedAfter === i) {
      await send('{"id":"broken", this is not json')
      return end(exchange)
    }
    if (i === script.deltas.length) break
    for (const payload of script.leading?.[i] ?? []) await send(payload)
    await send(script.deltas[i])
  }
  for (const payload of script.after) await send(payload)
  end(exchange)
}

function end (exchange: Exchange): void {
  if (!exchange.over) exchange.response.end()
}

/**
 * Writes one frame in several pieces: inside `data:`, inside the first multi-byte UTF-8
 * character, in the middle of the line and between the two line endings (or between CR and LF).
 */
async function writeSplit (exchange: Exchange, frame: string): Promise<void> {
  const bytes = Buffer.from(frame)
  const cuts = new Set<number>([3, bytes.length >> 1, bytes.length - 1])
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] >= 0xc0) {
      cuts.add(i + 1)
      break
    }
  }
  const points = [...cuts].filter((point) => point > 0 && point < bytes.length).sort((a, b) => a - b)
  let start = 0
  for (const point of [...points, bytes.length]) {
    if (exchange.over) return
    if (start > 0) await pause(exchange, SPLIT_PAUSE_MS)
    if (exchange.over) return
    exchange.response.write(bytes.subarray(start, point))
    start = point
  }
}
