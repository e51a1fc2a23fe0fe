import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore, type SessionLogEntry } from '../../src/index.js';
import { cachedStore } from '../../src/stores/redis/index.js';
import { cookieFrom, post, roundTrip, SECRET, directSessions } from '../helpers/engine.js';
import { keysUnder, ready } from './redis-helpers.js';

/**
 * These tests stop, freeze and restart Redis, so they run their own redis-server on a free
 * port (never the shared one). It keeps an append-only file fsynced on every write, so what
 * was cached before a crash is really there again after the restart: the danger under test.
 */
const available = spawnSync('redis-server', ['--version']).status === 0;
if (!available) {
  const message = 'redis-server is not on PATH; the Redis outage tests need it to run a private instance.';
  if (process.env['TESSERA_REQUIRE_SERVICES'] === '1') throw new Error(`TESSERA_REQUIRE_SERVICES=1 but ${message}`);
  console.warn(`[tessera tests] skipping Redis outage tests: ${message}`);
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A private redis-server the test can kill, freeze and restart. */
class PrivateRedis {
  process: ChildProcess | null = null;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  start(): void {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', this.dir];
    this.process = spawn('redis-server', args, { stdio: 'ignore' });
  }

  /** SIGKILL: a crash, not a clean shutdown. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    this.process = null;
  }

  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    this.process?.kill(signal);
  }
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A client as the docs recommend: fail fast while Redis is away, reconnect quickly. */
function connectTo(port: number): Redis {
  const client = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: false, commandTimeout: 200, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
  client.on('error', () => {}); // connection errors are expected here; the store logs its own
  return client;
}

describe.skipIf(!available)('cachedStore while Redis fails', () => {
  let redis: PrivateRedis;
  let dir: string;
  const clients: Redis[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-redis-'));
    redis = new PrivateRedis(await freePort(), dir);
    redis.start();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    redis?.signal('SIGCONT');
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const client = async () => {
    const made = connectTo(redis.port);
    clients.push(made);
    await ready(made);
    return made;
  };

  it('a session revoked while Redis is down stays revoked after Redis comes back', async () => {
    const cache = await client();
    const db = memoryStore();
    const logs: SessionLogEntry[] = [];
    const prefix = 'tessera-outage:';
    const sessions = directSessions({ store: cachedStore({ cache, store: db, prefix, logger: (entry) => logs.push(entry) }), secrets: [SECRET] });
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(async (user) => cookieFrom(await roundTrip(sessions, post(), (s) => s.login(user)))));
    // Warm the cache: each session is read from the database once, then from Redis.
    for (const cookie of [alice, bob, carol]) expect((await sessions.load(post(cookie))).userId).not.toBe(null);
    const aliceId = (await sessions.load(post(alice))).id as string;
    const cached = (await keysUnder(cache, prefix)).filter((key) => key.includes(':e:'));
    expect(cached).toHaveLength(3);

    await redis.stop();
    await until(() => cache.status !== 'ready');
    const started = performance.now();
    expect(await sessions.revokeSession(aliceId)).toBe(true); // the database delete succeeds, the cache delete cannot
    expect(await sessions.revokeUser('bob')).toBe(1);
    expect((await sessions.load(post(carol))).userId).toBe('carol'); // the database still serves
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await db.get(aliceId)).toBe(null);
    const warnings = logs.filter((entry) => entry.event === 'session.cache.unavailable');
    expect(warnings).toHaveLength(1); // once per outage, not per request
    expect(warnings[0]?.level).toBe('warn');
    expect(warnings[0]?.message).toMatch(/during delete/);

    redis.start();
    await ready(cache);
    // Redis is back with everything it had cached, the revoked sessions included…
    for (const key of cached) expect(await cache.exists(key)).toBe(1);
    const stale = await Promise.all(cached.map((key) => cache.hget(key, 'r')));
    expect(stale.some((json) => JSON.parse(json ?? '{}').userId === 'alice')).toBe(true);
    await until(() => logs.some((entry) => entry.event === 'session.cache.recovered'));
    // …and none of it is read again: not here…
    expect((await sessions.load(post(alice))).userId).toBe(null);
    expect((await sessions.load(post(bob))).userId).toBe(null);
    expect((await sessions.load(post(carol))).userId).toBe('carol');
    // …nor in a process that never saw the outage.
    const other = directSessions({ store: cachedStore({ cache: await client(), store: db, prefix }), secrets: [SECRET] });
    expect((await other.load(post(alice))).userId).toBe(null);
    expect((await other.load(post(bob))).userId).toBe(null);
    expect((await other.load(post(carol))).userId).toBe('carol');
  });

  it('a Redis that stops answering costs a request at most the timeout, and the cache is used again after', async () => {
    const cache = await client();
    const db = memoryStore();
    const logs: SessionLogEntry[] = [];
    const sessions = directSessions({ store: cachedStore({ cache, store: db, prefix: 'tessera-hang:', timeoutSeconds: 0.2, logger: (entry) => logs.push(entry) }), secrets: [SECRET] });
    const dave = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('dave')));
    const erin = cookieFrom(await roundTrip(sessions, post(), (s) => s.login('erin')));
    await sessions.load(post(dave));
    const erinId = (await sessions.load(post(erin))).id as string;

    redis.signal('SIGSTOP');
    try {
      const started = performance.now();
      expect((await sessions.load(post(dave))).userId).toBe('dave');
      expect(await sessions.revokeSession(erinId)).toBe(true);
      expect(performance.now() - started).toBeLessThan(1500);
    } finally {
      redis.signal('SIGCONT');
    }
    expect(logs.map((entry) => entry.event)).toContain('session.cache.unavailable');
    expect((await sessions.load(post(erin))).userId).toBe(null);
    expect((await sessions.load(post(dave))).userId).toBe('dave');
    expect(logs.map((entry) => entry.event)).toContain('session.cache.recovered');
  });
});
