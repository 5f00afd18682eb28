import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import * as errors from '../src/errors.ts'

const docPath = new URL('../../../docs/errors.md', import.meta.url)

function codesOfErrorsModule (): Array<{ code: string, statusCode: number }> {
  return Object.values(errors).map((ErrorClass) => {
    const error = new (ErrorClass as unknown as new (...args: unknown[]) => { code: string, statusCode: number })('x', 1, 'y')
    return { code: error.code, statusCode: error.statusCode }
  })
}

test('docs/errors.md lists every code of errors.ts with its status', async () => {
  const doc = await readFile(docPath, 'utf8')
  const codes = codesOfErrorsModule()
  assert.ok(codes.length >= 20)
  for (const { code, statusCode } of codes) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`))
    assert.ok(row !== undefined, `${code} is missing from docs/errors.md`)
    assert.match(row, new RegExp(`^\\| \`${code}\` \\| ${statusCode} \\|`), `${code} must be documented with status ${statusCode}`)
  }
})

test('every code is AI_ and named like its class', () => {
  for (const [name, ErrorClass] of Object.entries(errors)) {
    const { code } = new (ErrorClass as unknown as new (...args: unknown[]) => { code: string })('x', 1, 'y')
    assert.match(code, /^AI_[A-Z_]+$/)
    const words = name.replace(/Error$/, '').replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()
    assert.ok(code.startsWith(words), `${name} and ${code} must say the same words`)
  }
})
