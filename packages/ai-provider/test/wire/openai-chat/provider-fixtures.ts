// The provider-direction fixtures of test/fixtures/openai-chat/: wire bodies from OpenAI's (and
// DeepSeek's) published examples, with the conversation model each stands for beside them.

import { readFileSync } from 'node:fs'

function read (name: string): string {
  return readFileSync(new URL(`../../fixtures/openai-chat/${name}`, import.meta.url), 'utf8')
}

/** A fixture file parsed as JSON. */
export function fixture<T = any> (name: string): T {
  return JSON.parse(read(name))
}

/** The data payloads of a `.chunks.txt` fixture, one per line, as sent (`[DONE]` included). */
export function payloads (name: string): string[] {
  return read(name).split('\n').filter(function notBlank (line) { return line.trim() !== '' })
}
