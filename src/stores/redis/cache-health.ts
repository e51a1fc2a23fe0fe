import { randomBytes } from 'node:crypto';
import type { SessionLogEntry } from '../../index.js';
import type { ObservableRedisClient } from './redis-client.js';

/** ioredis states in which a command would only wait or fail: skip Redis at once. */
const DOWN_STATES: ReadonlySet<string> = new Set(['reconnecting', 'close', 'end']);

/** The outcome of one cache call: Redis's reply, or `ok: false` when the cache was skipped or failed. */
export type CacheOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

const FAILED: CacheOutcome<never> = Object.freeze({ ok: false });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Guards every cache call of a `cachedStore`: bounds it by a timeout, turns any failure into
 * "no cache" (the database still serves), and remembers that the cache may now hold stale
 * entries. A delete or revocation made while Redis was unreachable could not remove the
 * cached copy, so after any failure no entry is read or written until the generation is
 * renewed: a fresh random token under `<prefix>gen`, which makes everything cached before
 * unreachable, for every process that shares the cache. The renewal runs as soon as the
 * client reports `ready` again, and before the next cache call in any case.
 */
export class CacheHealth {
  #stale = false;
  #waitingForReady = false;
  /** Counts failures, so a renewal that started before the latest failure does not clear it. */
  #failures = 0;
  #renewing: Promise<boolean> | null = null;

  constructor(
    private readonly client: ObservableRedisClient,
    private readonly prefix: string,
    private readonly timeoutMs: number,
    private readonly log: (entry: SessionLogEntry) => void,
  ) {}

  /** Runs `call` against Redis unless Redis is known to be down; never throws. */
  async use<T>(operation: string, call: () => Promise<T>): Promise<CacheOutcome<T>> {
    const status = this.client.status;
    if (status !== undefined && DOWN_STATES.has(status)) {
      this.#failed(operation, new Error(`Redis connection is ${status}`));
      return FAILED;
    }
    if (this.#stale && !(await this.renew())) return FAILED;
    try {
      return { ok: true, value: await withTimeout(call(), this.timeoutMs) };
    } catch (error) {
      this.#failed(operation, error);
      return FAILED;
    }
  }

  /**
   * Makes every entry cached so far unreachable, after a revocation that may cover sessions this
   * process never cached. Its own SET, issued after the caller's database write: joining a renewal
   * already in flight could land before that write.
   */
  async invalidateAll(operation: string): Promise<void> {
    await this.use(operation, () => this.#newGeneration());
  }

  /** Recovers from a failure: renews the generation once, however many requests ask. */
  renew(): Promise<boolean> {
    this.#renewing ??= (async () => {
      const failuresBefore = this.#failures;
      try {
        await withTimeout(this.#newGeneration(), this.timeoutMs);
        if (this.#failures !== failuresBefore) return false;
        if (this.#stale) {
          this.#stale = false;
          this.log({ level: 'info', event: 'session.cache.recovered', message: 'session cache reachable again; entries cached before the outage will not be read' });
        }
        return true;
      } catch (error) {
        this.#failed('renew generation', error);
        return false;
      } finally {
        this.#renewing = null;
      }
    })();
    return this.#renewing;
  }

  #newGeneration(): Promise<unknown> {
    return this.client.call('SET', `${this.prefix}gen`, randomBytes(16).toString('base64url'));
  }

  #failed(operation: string, error: unknown): void {
    this.#failures++;
    if (this.#stale) return;
    this.#stale = true;
    // Renew at once on reconnect, so other processes stop reading pre-outage entries sooner.
    // A one-off listener, added only while stale: a store adds nothing to the client otherwise.
    if (this.client.once && !this.#waitingForReady) {
      this.#waitingForReady = true;
      this.client.once('ready', () => {
        this.#waitingForReady = false;
        if (this.#stale) void this.renew();
      });
    }
    // Once per outage, not once per request.
    this.log({ level: 'warn', event: 'session.cache.unavailable', message: `session cache failed during ${operation}; serving from the store until Redis is back`, error });
  }
}
