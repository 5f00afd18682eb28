import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isoDate } from '../src/clock.ts'

test('isoDate formats like Date#toISOString for every millisecond of a second and across seconds', () => {
  const start = Date.UTC(2026, 10, 24, 8, 59, 59, 0)
  for (let ms = start - 1500; ms < start + 2500; ms += 1) {
    assert.equal(isoDate(ms), new Date(ms).toISOString())
  }
})

test('isoDate handles dates before 1970 and outside years 0–9999', () => {
  for (const ms of [-0.5, -500, -1000.5, -1500, 0.5, 1.5, -1, -999, -1000, -62167219200000, 253402300799999, 253402300800000, 253402300800001, -62167219200001]) {
    assert.equal(isoDate(ms), new Date(ms).toISOString(), String(ms))
    // The same millisecond again is the remembered text.
    assert.equal(isoDate(ms), new Date(ms).toISOString(), String(ms))
  }
})
