import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client.js';

/** A Lua script run by its SHA-1, sent in full only when the server has not seen it yet. */
export interface LuaScript {
  run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Wraps a script for EVALSHA with an EVAL fallback. Scripts are how the store gets
 * atomicity (insert-only create, compare-and-swap update, index upkeep) in one round trip:
 * Redis runs a script without interleaving other commands.
 *
 * We do not use ioredis' `defineCommand`, which would add methods to the app's client.
 */
export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client, keys, args) {
      try {
        return await client.call('EVALSHA', sha, keys.length, ...keys, ...args);
      } catch (error) {
        // After a restart or SCRIPT FLUSH the server has forgotten the script.
        if (!isNoScript(error)) throw error;
        return client.call('EVAL', source, keys.length, ...keys, ...args);
      }
    },
  };
}
