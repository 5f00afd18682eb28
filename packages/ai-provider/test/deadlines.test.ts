import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Deadline } from '../src/deadlines.ts'
import { DeadlineQueue, DeadlineQueues } from '../src/deadlines.ts'

/** An item that records when it expired. */
function item (name: string, expired: string[]): Deadline & { expiredAt?: number } {
  const result: Deadline & { expiredAt?: number } = {
    deadline: 0,
    earlier: undefined,
    later: undefined,
    queued: false,
    expire () {
      result.expiredAt = performance.now()
      expired.push(name)
    }
  }
  return result
}

test('armed items expire in deadline order, not before their timeout', async () => {
  const queue = new DeadlineQueue(40)
  const expired: string[] = []
  const first = item('first', expired)
  const second = item('second', expired)
  const armedAt = performance.now()
  queue.arm(first)
  await sleep(15)
  queue.arm(second)
  await sleep(100)
  assert.deepEqual(expired, ['first', 'second'])
  assert.ok((first.expiredAt as number) - armedAt >= 39, 'not before its timeout')
  assert.ok((second.expiredAt as number) - (first.expiredAt as number) >= 10, 'the second later, by its own deadline')
  assert.equal(first.queued, false)
  assert.equal(second.queued, false)
})

test('a disarmed item never expires, and the others still do', async () => {
  const queue = new DeadlineQueue(30)
  const expired: string[] = []
  const kept = item('kept', expired)
  const dropped = item('dropped', expired)
  queue.arm(dropped)
  queue.arm(kept)
  queue.disarm(dropped)
  queue.disarm(dropped)
  await sleep(80)
  assert.deepEqual(expired, ['kept'])
})

test('re-arming moves the deadline later (a stream that keeps speaking never times out)', async () => {
  const queue = new DeadlineQueue(40)
  const expired: string[] = []
  const talking = item('talking', expired)
  const silent = item('silent', expired)
  queue.arm(talking)
  queue.arm(silent)
  for (let i = 0; i < 6; i++) {
    await sleep(15)
    queue.arm(talking)
  }
  assert.deepEqual(expired, ['silent'])
  queue.disarm(talking)
  await sleep(60)
  assert.deepEqual(expired, ['silent'])
})

test('an item armed again after it expired expires again', async () => {
  const queue = new DeadlineQueue(20)
  const expired: string[] = []
  const each = item('each', expired)
  queue.arm(each)
  await sleep(50)
  queue.arm(each)
  await sleep(50)
  assert.deepEqual(expired, ['each', 'each'])
})

test('each timeout has its own queue', async () => {
  const queues = new DeadlineQueues()
  assert.equal(queues.of(25), queues.of(25))
  assert.notEqual(queues.of(25), queues.of(200))
  const expired: string[] = []
  queues.of(200).arm(item('slow', expired))
  queues.of(25).arm(item('fast', expired))
  await sleep(80)
  assert.deepEqual(expired, ['fast'])
})
