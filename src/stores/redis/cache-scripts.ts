import { luaScript } from './lua-script.js';

/**
 * The Lua scripts of `cachedStore`. Key layout under the cache prefix `P`:
 * - `P gen`: the current generation, a random token (absent means `'0'`);
 * - `P e:<gen>:<id>`: a cached record (a hash `v`, `r`, `l`, `e`, as `redisStore` keeps it), or a
 *   fill lease (a hash with only `k`, the token of the reader that may fill the slot).
 *
 * Every script reads the generation first, so renewing it (one SET) makes every entry cached
 * before that moment unreachable at once; those entries then expire on their own TTL.
 *
 * The rule that keeps a revoked session out of the cache: a writer never fills an empty slot.
 * Only a reader fills, only into the slot it leased before reading the database, and only if
 * nobody invalidated that slot (or the generation) in between. ARGV[1] is always the prefix.
 */

const PRELUDE = `
local function generation(p) return redis.call('GET', p .. 'gen') or '0' end
local function entryKey(p, g, id) return p .. 'e:' .. g .. ':' .. id end
`;

/**
 * ARGV: P, id, lease token, lease ms. Replies `{'hit', gen, v, r, l, e}`; or `{'lease', gen}` when
 * the slot was empty and is now leased to this reader; or `{'busy', gen}` when another reader holds it.
 */
export const cacheGetScript = luaScript(`${PRELUDE}
local p, id = ARGV[1], ARGV[2]
local g = generation(p)
local key = entryKey(p, g, id)
local f = redis.call('HMGET', key, 'v', 'r', 'l', 'e', 'k')
if f[1] then return { 'hit', g, f[1], f[2], f[3], f[4] } end
if f[5] then return { 'busy', g } end
redis.call('HSET', key, 'k', ARGV[3])
redis.call('PEXPIRE', key, ARGV[4])
return { 'lease', g }`);

/** ARGV: P, gen, id, token, v, r, l, e, ttl ms. Fills the leased slot; 0 when the lease or the generation is gone. */
export const cacheFillScript = luaScript(`${PRELUDE}
local p, g, id = ARGV[1], ARGV[2], ARGV[3]
local key = entryKey(p, g, id)
if redis.call('HGET', key, 'k') ~= ARGV[4] then return 0 end
redis.call('DEL', key)
if generation(p) ~= g then return 0 end
redis.call('HSET', key, 'v', ARGV[5], 'r', ARGV[6], 'l', ARGV[7], 'e', ARGV[8])
redis.call('PEXPIRE', key, ARGV[9])
return 1`);

/** ARGV: P, gen, id, token. Gives up a lease (the database had no such record). */
export const cacheReleaseScript = luaScript(`${PRELUDE}
local key = entryKey(ARGV[1], ARGV[2], ARGV[3])
if redis.call('HGET', key, 'k') == ARGV[4] then redis.call('DEL', key) end
return 1`);

/**
 * ARGV: P, id, v, r, l, e, ttl ms. After a successful compare-and-swap: replaces a cached
 * entry of a lower version; drops a lease (its reader may have read the old version); leaves
 * an empty slot empty (the record may have been revoked since our write).
 */
export const cacheUpdateScript = luaScript(`${PRELUDE}
local key = entryKey(ARGV[1], generation(ARGV[1]), ARGV[2])
local f = redis.call('HMGET', key, 'v', 'k')
if f[1] then
  if tonumber(f[1]) >= tonumber(ARGV[3]) then return 0 end
  redis.call('DEL', key)
  redis.call('HSET', key, 'v', ARGV[3], 'r', ARGV[4], 'l', ARGV[5], 'e', ARGV[6])
  redis.call('PEXPIRE', key, ARGV[7])
  return 1
end
if f[2] then redis.call('DEL', key) end
return 0`);

/** ARGV: P, id, l, e. After a touch: moves the deadlines of a cached entry forward; drops a lease. */
export const cacheTouchScript = luaScript(`${PRELUDE}
local key = entryKey(ARGV[1], generation(ARGV[1]), ARGV[2])
local f = redis.call('HMGET', key, 'v', 'l', 'k')
if f[1] then
  if tonumber(f[2]) < tonumber(ARGV[3]) then redis.call('HSET', key, 'l', ARGV[3], 'e', ARGV[4]) end
  return 1
end
if f[3] then redis.call('DEL', key) end
return 0`);

/** ARGV: P, id. Drops the slot (entry or lease) in the current generation. */
export const cacheInvalidateScript = luaScript(`${PRELUDE}
return redis.call('DEL', entryKey(ARGV[1], generation(ARGV[1]), ARGV[2]))`);
