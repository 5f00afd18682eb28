// Request/response over the IPC channel of a forked child: the parent sends `{id, type, …}`,
// the child answers `{id, …}`. One tiny protocol for the mock, the gateways and the load generator.

import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { openSync } from 'node:fs'

/** A message of the protocol. */
export interface IpcMessage {
  id?: number
  type: string
  [field: string]: unknown
}

/** A child process started by the bench. */
export interface BenchChild {
  process: ChildProcess
  /** What the child sent when it was ready (its URL…). */
  ready: IpcMessage
  /** Send a request and resolve with the child's answer. */
  call (message: IpcMessage): Promise<IpcMessage>
  /** Ask the child to stop and wait for its exit (SIGKILL after `graceMs`). */
  stop (graceMs?: number): Promise<void>
}

export interface ForkOptions {
  args?: string[]
  execArgv?: string[]
  /** The program that runs the child (default: this Node.js); `execArgv` comes first after it. */
  execPath?: string
  /** File receiving the child's stdout and stderr (its logs). */
  logFile: string
}

/** Fork `file` and wait for its `{type: 'ready'}` message. */
export async function forkChild (file: string, options: ForkOptions): Promise<BenchChild> {
  const log = openSync(options.logFile, 'a')
  const child = fork(file, options.args ?? [], {
    execArgv: options.execArgv ?? [],
    execPath: options.execPath,
    stdio: ['ignore', log, log, 'ipc']
  })
  let nextId = 1
  const pending = new Map<number, { resolve: (message: IpcMessage) => void, reject: (error: Error) => void }>()
  const exited = new Promise<number | null>(function waitExit (resolve) { child.once('exit', resolve) })

  child.on('message', function onMessage (message: IpcMessage) {
    if (message.id === undefined) return
    const waiter = pending.get(message.id)
    pending.delete(message.id)
    if (message.type === 'error') waiter?.reject(new Error(String(message.message)))
    else waiter?.resolve(message)
  })
  exited.then(function failPending (code) {
    for (const waiter of pending.values()) waiter.reject(new Error(`${file} exited (${code}) before answering; see ${options.logFile}`))
    pending.clear()
  })

  const ready = await new Promise<IpcMessage>(function waitReady (resolve, reject) {
    function onReady (message: IpcMessage): void {
      if (message.type !== 'ready') return
      child.off('message', onReady)
      resolve(message)
    }
    child.on('message', onReady)
    exited.then(function failStart (code) { reject(new Error(`${file} exited (${code}) while starting; see ${options.logFile}`)) })
  })

  return {
    process: child,
    ready,
    call (message: IpcMessage): Promise<IpcMessage> {
      const id = nextId++
      return new Promise(function send (resolve, reject) {
        pending.set(id, { resolve, reject })
        child.send({ ...message, id })
      })
    },
    async stop (graceMs = 10_000): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.send({ type: 'stop' })
      const timer = setTimeout(function kill () { child.kill('SIGKILL') }, graceMs)
      await exited
      clearTimeout(timer)
    }
  }
}

/** In a child: answer the parent's requests with `handler`; `{type:'stop'}` calls `onStop`. */
export function serveParent (handler: (message: IpcMessage) => Promise<Record<string, unknown>>, onStop: () => Promise<void>): void {
  process.on('message', async function onMessage (message: IpcMessage) {
    if (message.type === 'stop') {
      await onStop()
      process.disconnect()
      // Whatever handle is left (a pool's keep-alive socket…) must not keep the bench waiting.
      setImmediate(function exit () { process.exit(0) })
      return
    }
    try {
      const answer = await handler(message)
      process.send?.({ type: 'answer', ...answer, id: message.id })
    } catch (error) {
      process.send?.({ type: 'error', id: message.id, message: (error as Error).stack ?? String(error) })
    }
  })
}

/** In a child: tell the parent it is ready. */
export function announceReady (fields: Record<string, unknown>): void {
  process.send?.({ type: 'ready', ...fields })
}
