import { luaScript } from './lua-script.js';

/**
 * The Lua scripts of `redisStore`. Key layout under the prefix `P`:
 * - `P s:<id>`: the record, a hash (`v`, `r`, `l`, `e`, and `u` when it has a user); its TTL is its `expiresAt`;
 * - `P u:<userId>`: the user's index, a sorted set of record ids scored by `expiresAt`;
 * - `P expiry`: every record id scored by `expiresAt`, for `deleteExpired` and lazy sweeping.
 * The character after the prefix (`s`, `u`, `e`) keeps the three kinds of key apart whatever an id or user id contains.
 * ARGV[1] is always the prefix.
 */

/**
 * How long a record whose deadline is already behind Redis's clock is kept anyway. Redis would
 * drop such a key at once; the engine's clock, not Redis's, decides expiry (it may be skewed, or
 * a test clock), so the record stays readable briefly and `deleteExpired` still counts it.
 * Live records expire at exactly `expiresAt`.
 */
export const PAST_DEADLINE_RETENTION_MS = 60_000;

const PRELUDE = `
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function deadline(at)
  local floor = nowMs() + ${PAST_DEADLINE_RETENTION_MS}
  if at < floor then return floor end
  return at
end
local function expireAt(key, at)
  redis.call('PEXPIREAT', key, deadline(at))
end
-- An index lives as long as its longest-lived member: it only ever moves later.
local function extendAt(key, at)
  local target = deadline(at)
  local ttl = redis.call('PTTL', key)
  if ttl == -1 or nowMs() + ttl < target then redis.call('PEXPIREAT', key, target) end
end
-- Writes v r l e (and u) from ARGV[3..8] into key and indexes the id ARGV[2].
local function writeRecord(key)
  local p, id, e = ARGV[1], ARGV[2], ARGV[6]
  redis.call('HSET', key, 'v', ARGV[3], 'r', ARGV[4], 'l', ARGV[5], 'e', e)
  if ARGV[7] == '1' then
    redis.call('HSET', key, 'u', ARGV[8])
    local userKey = p .. 'u:' .. ARGV[8]
    redis.call('ZADD', userKey, e, id)
    extendAt(userKey, tonumber(e))
  else
    redis.call('HDEL', key, 'u')
  end
  redis.call('ZADD', p .. 'expiry', e, id)
  expireAt(key, tonumber(e))
end
`;

/** Insert-only: 0 when the id exists. Also sweeps a few index entries of records Redis has expired. */
export const createScript = luaScript(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
writeRecord(KEYS[1])
local p = ARGV[1]
local stale = redis.call('ZRANGEBYSCORE', p .. 'expiry', '-inf', nowMs() - ${PAST_DEADLINE_RETENTION_MS}, 'LIMIT', 0, 16)
for _, id in ipairs(stale) do
  if redis.call('EXISTS', p .. 's:' .. id) == 0 then redis.call('ZREM', p .. 'expiry', id) end
end
return 1`);

/** Compare-and-swap on `v` (ARGV[9] is the expected version); never inserts. Moves the id between user indexes on login. */
export const updateScript = luaScript(`${PRELUDE}
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[9] then return 0 end
local old = redis.call('HGET', KEYS[1], 'u')
if old and (ARGV[7] ~= '1' or old ~= ARGV[8]) then redis.call('ZREM', ARGV[1] .. 'u:' .. old, ARGV[2]) end
writeRecord(KEYS[1])
return 1`);

/** Moves `l` and `e` (ARGV[3], ARGV[4]) and the TTL; never inserts, never changes `v`. */
export const touchScript = luaScript(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local p, id, e = ARGV[1], ARGV[2], ARGV[4]
redis.call('HSET', KEYS[1], 'l', ARGV[3], 'e', e)
redis.call('ZADD', p .. 'expiry', e, id)
local user = redis.call('HGET', KEYS[1], 'u')
if user then
  redis.call('ZADD', p .. 'u:' .. user, e, id)
  extendAt(p .. 'u:' .. user, tonumber(e))
end
expireAt(KEYS[1], tonumber(e))
return 1`);

/** Deletes the record and its index entries; 1 when it existed. */
export const deleteScript = luaScript(`
local user = redis.call('HGET', KEYS[1], 'u')
local deleted = redis.call('DEL', KEYS[1])
redis.call('ZREM', ARGV[1] .. 'expiry', ARGV[2])
if user then redis.call('ZREM', ARGV[1] .. 'u:' .. user, ARGV[2]) end
return deleted`);

/** The user's records as [id, v, r, l, e] rows; index entries of vanished records are dropped on the way. */
export const listByUserScript = luaScript(`
local p, user = ARGV[1], ARGV[2]
local rows = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local f = redis.call('HMGET', p .. 's:' .. id, 'v', 'r', 'l', 'e', 'u')
  if f[1] and f[5] == user then
    rows[#rows + 1] = { id, f[1], f[2], f[3], f[4] }
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return rows`);

/** Deletes the user's records except ARGV[4] (when ARGV[3] is '1'); resolves the count. */
export const deleteByUserScript = luaScript(`
local p, user = ARGV[1], ARGV[2]
local count = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if not (ARGV[3] == '1' and id == ARGV[4]) then
    local key = p .. 's:' .. id
    if redis.call('HGET', key, 'u') == user then
      count = count + redis.call('DEL', key)
    end
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZREM', p .. 'expiry', id)
  end
end
return count`);

/**
 * Deletes up to ARGV[3] records whose stored `e` is at or before ARGV[2] (the engine's clock),
 * dropping index entries of records Redis already expired; loops until the limit is met or none are left.
 */
export const deleteExpiredScript = luaScript(`
local p, now, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local deleted = 0
while deleted < limit do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, limit - deleted)
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    local key = p .. 's:' .. id
    local f = redis.call('HMGET', key, 'e', 'u')
    if f[1] and tonumber(f[1]) <= now then
      redis.call('DEL', key)
      if f[2] then redis.call('ZREM', p .. 'u:' .. f[2], id) end
      redis.call('ZREM', KEYS[1], id)
      deleted = deleted + 1
    elseif f[1] then
      redis.call('ZADD', KEYS[1], f[1], id)
    else
      redis.call('ZREM', KEYS[1], id)
    end
  end
end
return deleted`);
