// Layer sse/ (SSE frames, heartbeat, backpressure, open streams). May import the base files only;
// see docs/architecture.md.
//
// Reading the core's stream a batch at a time: every stream route writes a batch's frames in one
// socket write.

import type { AiStreamEvent } from '@platformatic/ai-provider'

/**
 * The core's live streams can hand over every event queued at once (`nextBatch`), which
 * saves a promise and a socket write per event; a resumed stream is read one event at a time.
 */
export interface BatchedEvents extends AsyncIterator<AiStreamEvent> {
  nextBatch?: () => Promise<AiStreamEvent[] | undefined>
}

/** The next events: a batch when the stream gives them so, else the next one alone; undefined at the end. */
export function readBatch (events: BatchedEvents): Promise<AiStreamEvent[] | undefined> {
  if (events.nextBatch !== undefined) return events.nextBatch()
  return events.next().then(function asBatch (next) { return next.done === true ? undefined : [next.value] })
}
