import type { RateLimitAttempt, ResolvedConfig, SessionData } from './config.js';
import { SessionError } from './errors.js';
import { durationToMs, type Duration } from './duration.js';

/** Options of {@link memoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  /** Attempts of one kind allowed per client address and window. */
  readonly limit: number;
  /** The window length: milliseconds or a string such as `'1m'`, `'500ms'`. Default `'1m'`. */
  readonly window?: Duration;
  /** The clock, for tests. */
  readonly clock?: () => Date;
}

/**
 * A fixed-window, in-process rate limiter for the `rateLimit` hook, keyed by attempt kind
 * and client address. Memory is bounded: the counters are dropped at every window change.
 * For several processes use a shared limiter (e.g. Redis) behind the same hook.
 *
 * @example
 * ```ts
 * const sessions = createSessions({ store, secrets, rateLimit: memoryRateLimiter({ limit: 30, window: '1m' }) });
 * ```
 */
export function memoryRateLimiter(options: MemoryRateLimiterOptions): (attempt: RateLimitAttempt) => boolean {
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new SessionError('INVALID_CONFIG', 'memoryRateLimiter: limit must be a positive integer');
  const windowMs = durationToMs(options.window ?? '1m', 'memoryRateLimiter: window');
  const now = options.clock ? () => options.clock!().getTime() : Date.now;
  let windowStart = 0;
  let counts = new Map<string, number>();
  return (attempt) => {
    const current = now();
    if (current - windowStart >= windowMs) {
      windowStart = current - (current % windowMs);
      counts = new Map();
    }
    const key = `${attempt.kind}|${attempt.clientAddress}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    return count <= options.limit;
  };
}

/**
 * Whether the configured `rateLimit` hook refuses this attempt. A client whose address cannot be
 * learned is not asked about (never pooled with every other such client), only counted.
 */
export async function rateLimited(config: Pick<ResolvedConfig<SessionData>, 'rateLimit' | 'emit' | 'now'>, kind: RateLimitAttempt['kind'], clientAddress: string | null): Promise<boolean> {
  if (!config.rateLimit) return false;
  if (clientAddress === null) {
    config.emit({ type: 'unlimited', kind, reason: 'no-client-address', at: new Date(config.now()) });
    return false;
  }
  return !(await config.rateLimit({ kind, clientAddress }));
}
