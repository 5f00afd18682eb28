import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseTimeWindow } from '../src/time-window.ts'

test('time windows in every unit', () => {
  assert.equal(parseTimeWindow(1500, 'w'), 1500)
  assert.equal(parseTimeWindow('250', 'w'), 250)
  assert.equal(parseTimeWindow('500ms', 'w'), 500)
  assert.equal(parseTimeWindow('30s', 'w'), 30_000)
  assert.equal(parseTimeWindow('1.5m', 'w'), 90_000)
  assert.equal(parseTimeWindow('2h', 'w'), 7_200_000)
  assert.equal(parseTimeWindow('1d', 'w'), 86_400_000)
})

test('bad time windows name the option and the value', () => {
  for (const value of ['1w', '-1s', 'soon', '', -1, Number.NaN, null, {}]) {
    assert.throws(() => parseTimeWindow(value, 'restore.timeout'), { code: 'AI_OPTIONS_INVALID', message: /restore\.timeout must be a time window/ })
  }
})
