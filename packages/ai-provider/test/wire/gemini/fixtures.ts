// The Gemini fixtures of test/fixtures/gemini/: wire bodies from the published docs' examples,
// with the conversation model each stands for beside them.

import { readFileSync } from 'node:fs'

/** A fixture file parsed as JSON. */
export function fixture<T = any> (name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/gemini/${name}`, import.meta.url), 'utf8'))
}

/** The data payloads of a `.chunks.txt` fixture, one per line, parsed. */
export function chunks (name: string): any[] {
  return readFileSync(new URL(`../../fixtures/gemini/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter(function notBlank (line) { return line.trim() !== '' })
    .map(function parse (line) { return JSON.parse(line) })
}
