// Layer stores/ (the AiStore interface in memory and on Valkey). May import the base files only;
// see docs/architecture.md.
//
// The Lua scripts of the Valkey store. Each runs atomically on the server (no other command
// interleaves with a script), so a multi-step update is never a read-modify-write from
// JavaScript and several gateway instances sharing one Valkey cannot race each other.
// Every script leaves a TTL on every key it touches.
import { createHash } from 'node:crypto'

/** A script and its SHA1, for EVALSHA with an EVAL fallback. */
export interface ValkeyScript {
  name: string
  lua: string
  sha: string
}

/** Every script defined below: a cluster store loads them on each master it connects to. */
export const everyScript: ValkeyScript[] = []

function defineScript (name: string, lua: string): ValkeyScript {
  const script = { name, lua, sha: createHash('sha1').update(lua).digest('hex') }
  everyScript.push(script)
  return script
}

/**
 * The body of a fixed-window take, on the counter `counter` (a KEYS reference): ARGV[1] max,
 * ARGV[2] window ms. INCR only while under max (a refused call takes nothing); the first unit
 * opens the window with PEXPIRE. Returns {allowed 0|1, count, pttl}. A counter that somehow
 * lost its TTL gets the window again, so it can never block a model forever.
 */
function takeUnitLua (counter: string): string {
  return `
local max = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local count = tonumber(redis.call('GET', ${counter}) or '0')
local allowed = 0
if count < max then
  count = redis.call('INCR', ${counter})
  allowed = 1
  if count == 1 then redis.call('PEXPIRE', ${counter}, window) end
end
local ttl = redis.call('PTTL', ${counter})
if ttl == -1 then
  redis.call('PEXPIRE', ${counter}, window)
  ttl = window
elseif ttl < 0 then
  ttl = window
end
return {allowed, count, ttl}
`
}

/** Take one unit of a fixed window. KEYS[1] counter; ARGV[1] max, ARGV[2] window ms. */
export const consumeScript = defineScript('consume', takeUnitLua('KEYS[1]'))

/**
 * Take one unit unless a guard is set. KEYS[1] guard, KEYS[2] counter; ARGV as consume.
 * Returns {-1, guard value} when the guard is set (nothing taken), else what consume returns.
 */
export const consumeUnlessScript = defineScript('consumeUnless', `
local guard = redis.call('GET', KEYS[1])
if guard then return {-1, guard} end
${takeUnitLua('KEYS[2]')}`)

/**
 * The check of a WriteCondition, as the first lines of a script: returns `refused` unless the
 * key `key` exists and, when the ARGV at `mode` is '1', holds the ARGV at `expected`. A mode of
 * '-' means no condition (the key is then a placeholder, never read).
 */
function conditionLua (key: string, mode: string, expected: string, refused: string): string {
  return `
if ${mode} ~= '-' then
  local held = redis.call('GET', ${key})
  if not held or (${mode} == '1' and held ~= ${expected}) then return ${refused} end
end`
}

/**
 * A write under a condition. KEYS[1] key, KEYS[2] condition key; ARGV[1] value, ARGV[2] ttl ms (0: none),
 * ARGV[3] condition mode ('0' exists, '1' equals), ARGV[4] the value it must equal. Returns 1
 * when written, 0 when refused.
 */
export const setIfScript = defineScript('setIf', `${conditionLua('KEYS[2]', 'ARGV[3]', 'ARGV[4]', '0')}
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
`)

/**
 * Drop an event log (not its sequence) under a condition. KEYS[1] log, KEYS[2] condition key;
 * ARGV[1] condition mode, ARGV[2] the value it must equal. Returns 1 when done, 0 when refused.
 */
export const clearEventsIfScript = defineScript('clearEventsIf', `${conditionLua('KEYS[2]', 'ARGV[1]', 'ARGV[2]', '0')}
redis.call('DEL', KEYS[1])
return 1
`)

/**
 * Write a value and return the one it replaces. KEYS[1] key, KEYS[2] condition key; ARGV as
 * setIf (mode '-' for none). Returns {1, previous or false}, or {0} when refused.
 */
export const replaceScript = defineScript('replace', `${conditionLua('KEYS[2]', 'ARGV[3]', 'ARGV[4]', '{0}')}
local previous = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, previous}
`)

/**
 * Capped list. KEYS[1] list, KEYS[2] condition key; ARGV[1] value, ARGV[2] max length, ARGV[3]
 * ttl ms, ARGV[4] condition mode ('-' none, '0' exists, '1' equals), ARGV[5] the value it must
 * equal. Returns 1 when written, 0 when refused.
 */
export const listPushScript = defineScript('listPush', `${conditionLua('KEYS[2]', 'ARGV[4]', 'ARGV[5]', '0')}
if tonumber(ARGV[2]) < 1 then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`)

/**
 * Append events to an event log. KEYS[1] log (sorted set scored by id), KEYS[2] sequence,
 * KEYS[3] condition key; ARGV[1] ttl ms, ARGV[2] channel, ARGV[3] condition mode ('-' none, '0'
 * exists, '1' equals), ARGV[4] the value it must equal, ARGV[5…] the events' data. They take
 * consecutive ids; each entry and published message is `<id>|<data>`. Publishing inside the
 * script means a follower can never see an id that is not stored yet, and ids are published in
 * order. Returns the first id, or 0 when the condition refused them.
 */
export const appendEventsScript = defineScript('appendEvents', `${conditionLua('KEYS[3]', 'ARGV[3]', 'ARGV[4]', '0')}
local count = #ARGV - 4
if count == 0 then
  return (tonumber(redis.call('GET', KEYS[2])) or 0) + 1
end
local last = redis.call('INCRBY', KEYS[2], count)
local first = last - count + 1
for i = 1, count do
  local entry = (first + i - 1) .. '|' .. ARGV[i + 4]
  redis.call('ZADD', KEYS[1], first + i - 1, entry)
  redis.call('PUBLISH', ARGV[2], entry)
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return first
`)

/** Reset the TTL of existing keys. KEYS: the keys; ARGV[1] ttl ms. */
export const expireScript = defineScript('expire', `
for _, key in ipairs(KEYS) do
  redis.call('PEXPIRE', key, ARGV[1])
end
return 1
`)

/**
 * Reserve amounts in a spend window (a hash: `id` and one field per counter). KEYS[1] window;
 * ARGV[1] window ms, ARGV[2] the id of a window this call opens, then per counter its field, its
 * amount and its max ('' for none). A missing window, or one without a TTL, is opened afresh
 * (counters at 0). Refused while any counter with a max holds at least it: nothing is added, and
 * the reply is {0, '', pttl, field}. Admitted: every amount is added (HINCRBY) and the reply is
 * {1, id, pttl}; the call that opens a window sets its id and its TTL.
 */
export const reserveScript = defineScript('reserve', `
local window = tonumber(ARGV[1])
local id = redis.call('HGET', KEYS[1], 'id')
local ttl = redis.call('PTTL', KEYS[1])
if not id or ttl < 0 then
  id = false
  ttl = window
end
for i = 3, #ARGV, 3 do
  if ARGV[i + 2] ~= '' then
    local used = 0
    if id then used = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') end
    if used >= tonumber(ARGV[i + 2]) then return {0, '', ttl, ARGV[i]} end
  end
end
if not id then
  redis.call('DEL', KEYS[1])
  id = ARGV[2]
  redis.call('HSET', KEYS[1], 'id', id)
  redis.call('PEXPIRE', KEYS[1], window)
end
for i = 3, #ARGV, 3 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
return {1, id, ttl}
`)

/**
 * Settle reservations and record usage in one step. KEYS: the adjusted windows, then the counter
 * hashes to increment. ARGV[1] the number of windows; then per window its id, its number of
 * counters and each counter's field and delta; then per hash its TTL ms, its number of counters
 * and each counter's field and amount. A window's deltas apply only while it holds that id (a
 * window that ended, or a later one, is left alone) and a counter never goes below 0. Each hash
 * gets its TTL after its increments.
 */
export const settleScript = defineScript('settle', `
local windows = tonumber(ARGV[1])
local at = 2
for k = 1, #KEYS do
  if k <= windows then
    local live = redis.call('HGET', KEYS[k], 'id') == ARGV[at]
    local count = tonumber(ARGV[at + 1])
    at = at + 2
    for i = 1, count do
      if live and redis.call('HINCRBY', KEYS[k], ARGV[at], ARGV[at + 1]) < 0 then
        redis.call('HSET', KEYS[k], ARGV[at], 0)
      end
      at = at + 2
    end
  else
    local ttl = ARGV[at]
    local count = tonumber(ARGV[at + 1])
    at = at + 2
    for i = 1, count do
      redis.call('HINCRBY', KEYS[k], ARGV[at], ARGV[at + 1])
      at = at + 2
    end
    redis.call('PEXPIRE', KEYS[k], ttl)
  end
end
return 1
`)
