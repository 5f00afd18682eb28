// Layer transport/ (one upstream call: pools, deadlines, retries, whole responses, SSE parsing).
// May import providers/, stores/ and the base files; see docs/architecture.md.
//
// Deadlines of upstream calls without a Node.js timer per call. A setTimeout with its
// clearTimeout costs about 0.7 µs (Node 24, measured), every call makes one and a stream
// re-arms its silence window on every chunk. Calls with the same timeout expire in the order
// they were armed, since a deadline is always now + timeout: so each timeout keeps its calls in
// a linked list in deadline order. Arming appends, disarming unlinks (both O(1), no allocation),
// and one timer per timeout wakes for the earliest deadline only.

/** An item of a queue: the upstream call itself carries the links. */
export interface Deadline {
  /** When it expires (performance.now() milliseconds); owned by the queue. */
  deadline: number
  earlier: Deadline | undefined
  later: Deadline | undefined
  queued: boolean
  /** Called once when the deadline passes while armed. */
  expire (): void
}

/** The armed deadlines of one timeout, earliest first. */
export class DeadlineQueue {
  readonly timeout: number
  private earliest: Deadline | undefined = undefined
  private latest: Deadline | undefined = undefined
  private timer: NodeJS.Timeout | undefined = undefined
  /** expireDue is running: it arms the timer itself once it is done. */
  private expiring = false

  constructor (timeout: number) {
    this.timeout = timeout
  }

  /** (Re)start the item's deadline: `timeout` milliseconds from now. */
  arm (item: Deadline): void {
    const deadline = performance.now() + this.timeout
    // The latest stays the latest with a later deadline (a lone stream's every chunk).
    if (item.queued && item === this.latest) {
      item.deadline = deadline
      return
    }
    if (item.queued) this.unlink(item)
    item.deadline = deadline
    item.queued = true
    item.earlier = this.latest
    item.later = undefined
    if (this.latest === undefined) {
      this.earliest = item
      // Armed deadlines keep the process up, as a timer of their own would.
      this.timer?.ref()
    } else {
      this.latest.later = item
    }
    this.latest = item
    if (this.timer === undefined && !this.expiring) this.wakeAt(item.deadline)
  }

  /** Stop the item's deadline (a no-op when it is not armed). */
  disarm (item: Deadline): void {
    if (item.queued) this.unlink(item)
  }

  private unlink (item: Deadline): void {
    if (item.earlier === undefined) this.earliest = item.later
    else item.earlier.later = item.later
    if (item.later === undefined) this.latest = item.earlier
    else item.later.earlier = item.earlier
    item.earlier = undefined
    item.later = undefined
    item.queued = false
    // Nothing armed: the timer may still fire (and find nothing) but holds the process no more.
    if (this.earliest === undefined) this.timer?.unref()
  }

  private wakeAt (deadline: number): void {
    this.timer = setTimeout(wake, Math.max(1, Math.ceil(deadline - performance.now())), this)
  }

  /** The timer fired: expire what is due, sleep until the next deadline. */
  expireDue (): void {
    this.timer = undefined
    this.expiring = true
    const now = performance.now()
    let item = this.earliest
    try {
      while (item !== undefined && item.deadline <= now) {
        this.unlink(item)
        try {
          item.expire()
        } catch (error) {
          // The others still expire; the error surfaces as it would from a timer of its own.
          rethrowLater(error)
        }
        item = this.earliest
      }
    } finally {
      this.expiring = false
      if (this.earliest !== undefined) this.wakeAt(this.earliest.deadline)
    }
  }
}

/** Throw `error` on the next tick, as an uncaught error of its own, without stopping the caller. */
export function rethrowLater (error: unknown): void {
  process.nextTick(rethrow, error)
}

function rethrow (error: unknown): never {
  throw error
}

function wake (queue: DeadlineQueue): void {
  queue.expireDue()
}

/** One queue per timeout value (a provider's models have one or a few). */
export class DeadlineQueues {
  private readonly queues = new Map<number, DeadlineQueue>()

  of (timeout: number): DeadlineQueue {
    let queue = this.queues.get(timeout)
    if (queue === undefined) {
      queue = new DeadlineQueue(timeout)
      this.queues.set(timeout, queue)
    }
    return queue
  }
}
