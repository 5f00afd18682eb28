import { test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Deadline } from '../../src/transport/deadlines.ts'
import { DeadlineQueue, DeadlineQueues } from '../../src/transport/deadlines.ts'

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

/** Re-arm `target` every 15 ms, `times` times: a stream whose upstream keeps speaking. */
async function keepSpeaking (queue: DeadlineQueue, target: Deadline, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await sleep(15)
    queue.arm(target)
  }
}

test('armed items expire in deadline order, not before their timeout', async () => {
  const queue = new DeadlineQueue(40)
  const expired: string[] = []
  const first = item('first', expired)
  const second = item('second', expired)
  const firstArmedAt = performance.now()
  queue.arm(first)
  await sleep(15)
  const secondArmedAt = performance.now()
  queue.arm(second)
  await sleep(100)
  assert.deepEqual(expired, ['first', 'second'])
  assert.ok((first.expiredAt as number) - firstArmedAt >= 39, 'not before its timeout')
  assert.ok((second.expiredAt as number) - secondArmedAt >= 39, 'nor the second, armed later')
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
  await keepSpeaking(queue, talking, 6)
  assert.deepEqual(expired, ['silent'])
  queue.disarm(talking)
  await sleep(60)
  assert.deepEqual(expired, ['silent'])
})

test('a lone item re-armed in place keeps its deadline moving, and expires once silent', async () => {
  const queue = new DeadlineQueue(40)
  const expired: string[] = []
  const lone = item('lone', expired)
  queue.arm(lone)
  await keepSpeaking(queue, lone, 6)
  assert.deepEqual(expired, [])
  const silentFrom = performance.now()
  await sleep(100)
  assert.deepEqual(expired, ['lone'])
  assert.ok((lone.expiredAt as number) - silentFrom >= 20, 'its last deadline, not an earlier one')
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

test('an item armed while others expire does not hold back the ones due before it', async () => {
  const queue = new DeadlineQueue(100)
  const expired: string[] = []
  const late = item('late', expired)
  const first = item('first', expired)
  // Expiring the first arms another (deadline 200 ms): the second (140 ms) must not wait for it.
  first.expire = function armAnother () {
    expired.push('first')
    queue.arm(late)
  }
  const second = item('second', expired)
  queue.arm(first)
  await sleep(40)
  const secondArmedAt = performance.now()
  queue.arm(second)
  await sleep(220)
  assert.deepEqual(expired.slice(0, 2), ['first', 'second'])
  // Held back, it would expire with the late one, 160 ms after it was armed.
  assert.ok((second.expiredAt as number) - secondArmedAt < 150, 'the second expired on its own deadline')
})

const run = promisify(execFile)
const deadlinesModule = new URL('../../src/transport/deadlines.ts', import.meta.url).href

test('an armed deadline keeps the process up until it expires; an expire that throws does not stop the others', async () => {
  // A child with nothing but the queue: it must wait for the deadlines, and the throw must
  // surface as an uncaught exception. The child reports it and lives on, so the second item
  // expires whether the two fall due in the same sweep or (armed a millisecond apart) not.
  const script = `
    import { DeadlineQueue } from ${JSON.stringify(deadlinesModule)}
    process.on('uncaughtException', (error) => { console.error(error.message); process.exitCode = 1 })
    const queue = new DeadlineQueue(50)
    const item = (expire) => ({ deadline: 0, earlier: undefined, later: undefined, queued: false, expire })
    queue.arm(item(() => { throw new Error('listener failed') }))
    queue.arm(item(() => { console.log('second expired') }))
  `
  const failure = await run(process.execPath, ['--input-type=module', '-e', script]).then(() => undefined, (error: { code: number, stdout: string, stderr: string }) => error)
  assert.ok(failure !== undefined, 'the throw surfaces')
  assert.match(failure.stdout, /second expired/)
  assert.match(failure.stderr, /listener failed/)

  const quiet = `
    import { DeadlineQueue } from ${JSON.stringify(deadlinesModule)}
    const queue = new DeadlineQueue(50)
    queue.arm({ deadline: 0, earlier: undefined, later: undefined, queued: false, expire () { console.log('expired') } })
  `
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', quiet])
  assert.equal(stdout.trim(), 'expired')
})
