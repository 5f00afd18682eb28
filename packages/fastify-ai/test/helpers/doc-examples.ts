// The examples of the documentation, read from the Markdown fences that mark them, and the
// comparison of an answer with the one the page shows. One mechanism for every page:
// protocol-doc.test.ts replays the `http request` / `http response` pairs of docs/protocol.md,
// runnable-docs.test.ts runs the programs marked `run=` everywhere.
//
// A fence's info string is `<language> [word…] [key=value…]`:
//   ```http request prompt setup=session      a request of docs/protocol.md, named, with a setup
//   ```sh run=demo                            a program run against the demo (or examples/…)
//   ```json output                            what the program before it prints
//   ```sh norun=needs-real-keys               an example deliberately not run, and why
import assert from 'node:assert/strict'
import type { SseFrame } from './sse.ts'

/** One fenced block of a Markdown page. */
export interface Fence {
  /** The page, relative to the repository. */
  file: string
  /** Line of the opening fence, from 1. */
  line: number
  /** First word of the info string (`sh`, `js`, `http`…). */
  lang: string
  /** The other words that are not `key=value`. */
  words: string[]
  /** The `key=value` words. */
  attributes: Record<string, string>
  /** The text between the fences, without their indentation. */
  body: string
}

/** Every fenced block of `markdown`, indented ones (in lists) included. */
export function readFences (markdown: string, file: string): Fence[] {
  const fences: Fence[] = []
  const lines = markdown.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const open = /^( *)```(.*)$/.exec(lines[index])
    if (open === null) continue
    const indent = open[1].length
    const [lang = '', ...rest] = open[2].trim().split(/\s+/)
    const words: string[] = []
    const attributes: Record<string, string> = {}
    for (const word of rest) {
      const equals = word.indexOf('=')
      if (equals === -1) words.push(word)
      else attributes[word.slice(0, equals)] = word.slice(equals + 1)
    }
    const body: string[] = []
    let end = index + 1
    while (end < lines.length && !/^ *```\s*$/.test(lines[end])) body.push(lines[end++].slice(indent))
    fences.push({ file, line: index + 1, lang, words, attributes, body: body.join('\n') })
    index = end
  }
  return fences
}

/** `file:line` of a fence, for messages. */
export function where (fence: Fence): string {
  return `${fence.file}:${fence.line}`
}

/** Keys whose documented value must be the real one (the others only keep their type). */
const EXACT_KEYS = new Set(['code', 'result', 'state', 'field', 'location', 'statusCode', 'provider', 'model', 'name', 'reason', 'object', 'finish_reason', 'role', 'type'])

/** Same keys, same value types; values of EXACT_KEYS equal. */
export function assertShape (actual: unknown, expected: unknown, path: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is an array`)
    assert.equal(actual.length, expected.length, `${path} length`)
    expected.forEach((item, index) => assertShape(actual[index], item, `${path}[${index}]`))
    return
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path} is an object`)
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path} keys`)
    for (const [key, value] of Object.entries(expected)) {
      const child: unknown = (actual as Record<string, unknown>)[key]
      if (EXACT_KEYS.has(key) && typeof value !== 'object') assert.equal(child, value, `${path}.${key}`)
      else assertShape(child, value, `${path}.${key}`)
    }
    return
  }
  assert.equal(typeof actual, typeof expected, `${path} type`)
}

/** The frames of an SSE text (a page's, or what curl printed), comments left out. */
export function framesOfText (text: string): SseFrame[] {
  return text.replace(/\r\n/g, '\n').split('\n\n').filter((raw) => raw.trim() !== '').map(function frame (raw) {
    const result: SseFrame = { raw }
    for (const line of raw.split('\n')) {
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = line.slice(0, colon)
      const value = line.slice(colon + 1).replace(/^ /, '')
      if (field === 'id') result.id = value
      else if (field === 'event') result.event = value
      else if (field === 'data') result.data = JSON.parse(value)
    }
    return result
  }).filter((frame) => frame.event !== undefined || frame.data !== undefined)
}

/** content, content, end -> content, end */
export function sequence (frames: SseFrame[]): string[] {
  return frames.map((frame) => frame.event ?? '').filter((event, index, all) => event !== all[index - 1])
}

/** Same event sequence as the page, and each kind of event with the documented data's shape. */
export function assertSseShape (actual: SseFrame[], expected: SseFrame[]): void {
  assert.deepEqual(sequence(actual), sequence(expected), 'event sequence')
  for (const documented of expected) {
    const real = actual.find((frame) => frame.event === documented.event)
    assertShape(real?.data, documented.data, `${documented.event}.data`)
    if (documented.event === 'end') assert.equal(real?.data.response, documented.data.response, 'end.data.response')
  }
}

/** The JSON values of a text holding several one after the other (what two curls print). */
export function jsonValues (text: string): unknown[] {
  const values: unknown[] = []
  let depth = 0
  let start = -1
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (inString) {
      if (char === '\\') index++
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') inString = true
    else if (char === '{' || char === '[') {
      if (depth++ === 0) start = index
    } else if ((char === '}' || char === ']') && --depth === 0) {
      values.push(JSON.parse(text.slice(start, index + 1)))
    }
  }
  return values
}

/**
 * The page's text with `…` standing for any text: the rest must be the same, line by line
 * (trailing spaces and the blank lines around it aside).
 */
export function assertTextShape (actual: string, expected: string): void {
  const tidy = (text: string) => text.replace(/\r\n/g, '\n').split('\n').map((line) => line.trimEnd()).join('\n').trim()
  const pattern = tidy(expected).split('…').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\\s\\S]*?')
  assert.match(tidy(actual), new RegExp(`^${pattern}$`), 'printed text')
}
