// npm run soak — a bounded soak of the example app (not part of `npm test`).
//
// Builds the example app with buildExample(), starts it as a child process on 127.0.0.1 (on
// the backend the environment names: DATABASE_URL, REDIS_URL, SESSION_STORE; by default the
// embedded SQLite file in a fresh DATA_DIR), and drives it for a fixed time with concurrent
// clients over plain fetch. Clients share session cookies in groups, so their writes really
// contend: cart adds (functional `update`, through tRPC and GraphQL), preference writes to
// other keys, and reads. At the end every acknowledged cart item is looked for in its session,
// and the server's memory is compared between the start, the middle and the end.
//
//   node scripts/soak.mjs [--seconds 30] [--clients 50] [--share 5]
//
// Exits 1 unless there were 0 errors, 0 lost writes and a heap that did not keep growing.
// This same file, loaded with `--import` into the server process (SOAK_ROLE=probe), answers
// memory questions over the IPC channel.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

if (process.env.SOAK_ROLE === 'probe') {
  // In the server: report memory when the soak asks, after a full GC when it says so.
  process.on('message', (message) => {
    if (message?.type !== 'memory') return;
    if (message.gc && typeof globalThis.gc === 'function') globalThis.gc();
    process.send?.({ type: 'memory', id: message.id, usage: process.memoryUsage() });
  });
  // Keep the IPC channel from holding the server open on its own.
  process.channel?.unref();
} else {
  await main();
}

async function main() {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' }, clients: { type: 'string', default: '50' }, share: { type: 'string', default: '5' } } });
  const seconds = Number(values.seconds);
  const clientCount = Number(values.clients);
  const share = Number(values.share);
  // Stay well inside maxDataBytes (16 KiB): a session whose cart reaches this starts afresh.
  const cartLimit = 300;

  const { buildExample } = await import('../examples/fullstack/build.mjs');
  const server = await buildExample();
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-soak-'));
  const child = fork(server, [], {
    execArgv: ['--expose-gc', '--import', fileURLToPath(import.meta.url)],
    env: {
      ...process.env,
      SOAK_ROLE: 'probe',
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SESSION_SECRET: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url'),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let serverErrors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (serverErrors += chunk));
  const origin = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const url = /example app on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`the example app exited (${code}): ${serverErrors || out}`)));
  });
  const banner = await fetch(`${origin}/healthz`).then((response) => response.status);
  if (banner !== 200) throw new Error(`/healthz answered ${banner}`);

  let askId = 0;
  const memory = (gc) =>
    new Promise((resolve) => {
      const id = ++askId;
      const onMessage = (message) => {
        if (message?.type === 'memory' && message.id === id) {
          child.off('message', onMessage);
          resolve(message.usage);
        }
      };
      child.on('message', onMessage);
      child.send({ type: 'memory', id, gc });
    });

  // ── the workload ────────────────────────────────────────────────────────────────────
  const headers = (cookie, write) => ({
    ...(write ? { 'content-type': 'application/json', origin, 'sec-fetch-site': 'same-origin' } : { 'sec-fetch-site': 'same-origin' }),
    ...(cookie ? { cookie } : {}),
  });
  const stats = { requests: 0, errors: 0, acknowledged: 0, latencies: [], firstErrors: [] };
  const fail = (what) => {
    stats.errors++;
    if (stats.firstErrors.length < 5) stats.firstErrors.push(what);
  };

  /** One HTTP call; resolves the parsed body and the session cookie a response set, or null on an error. */
  async function call(path, { cookie, body }) {
    const started = performance.now();
    stats.requests++;
    try {
      const response = await fetch(`${origin}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: headers(cookie, body !== undefined),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      stats.latencies.push(performance.now() - started);
      const parsed = JSON.parse(text);
      if (!response.ok || parsed.errors) {
        fail(`${path} ${response.status} ${text.slice(0, 200)}`);
        return null;
      }
      const set = response.headers
        .getSetCookie()
        .map((line) => line.split(';', 1)[0])
        .find((pair) => pair.startsWith('sid='));
      return { body: parsed, setCookie: set ?? null };
    } catch (error) {
      fail(`${path} ${error.message}`);
      return null;
    }
  }

  // Every session a group has used: its cookie and the items acknowledged in it.
  const ledger = [];
  function newGroupSession(group) {
    group.session = { cookie: null, items: [] };
    ledger.push(group.session);
  }
  const groups = Array.from({ length: Math.ceil(clientCount / share) }, (_, g) => ({ g, session: null, rotating: null, n: 0 }));
  for (const group of groups) newGroupSession(group);

  /** Opens a group's session with one add, so its clients never race to create it. */
  async function openSession(group) {
    const item = `g${group.g}-${group.n++}`;
    const result = await call('/trpc/cart.add', { cookie: null, body: { item } });
    if (result?.setCookie) {
      group.session.cookie = result.setCookie;
      group.session.items.push(item);
      stats.acknowledged++;
    }
  }
  for (const group of groups) await openSession(group);

  const deadline = Date.now() + seconds * 1000;
  async function client(c) {
    const group = groups[c % groups.length];
    while (Date.now() < deadline) {
      if (group.rotating) {
        await group.rotating;
        continue;
      }
      const session = group.session;
      if (session.items.length >= cartLimit) {
        group.rotating = (async () => {
          newGroupSession(group);
          await openSession(group);
          group.rotating = null;
        })();
        continue;
      }
      const roll = Math.random();
      if (roll < 0.3) {
        const item = `g${group.g}-${group.n++}`;
        const result = await call('/trpc/cart.add', { cookie: session.cookie, body: { item } });
        if (result) {
          session.items.push(item);
          stats.acknowledged++;
        }
      } else if (roll < 0.55) {
        const item = `g${group.g}-${group.n++}`;
        const result = await call('/graphql', { cookie: session.cookie, body: { query: 'mutation($item: String!) { addToCart(item: $item) }', variables: { item } } });
        if (result) {
          session.items.push(item);
          stats.acknowledged++;
        }
      } else if (roll < 0.65) {
        await call('/trpc/preferences.set', { cookie: session.cookie, body: { key: ['theme', 'language', 'currency'][c % 3], value: `v${c}` } });
      } else if (roll < 0.85) {
        await call('/trpc/cart.get', { cookie: session.cookie });
      } else {
        await call('/graphql', { cookie: session.cookie, body: { query: '{ cart session { id } }' } });
      }
    }
  }

  const samples = [];
  const sample = async (label) => {
    const usage = await memory(true);
    samples.push({ label, rssMB: usage.rss / 1e6, heapUsedMB: usage.heapUsed / 1e6 });
  };
  // Warm up (JIT, pools, caches) before the first sample.
  const warm = Date.now();
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (Date.now() - warm < 1500) await call('/trpc/session.me', { cookie: null });
    }),
  );
  await sample('start');
  const started = performance.now();
  const middle = setTimeout(() => void sample('middle'), (seconds * 1000) / 2);
  await Promise.all(Array.from({ length: clientCount }, (_, c) => client(c)));
  const elapsed = (performance.now() - started) / 1000;
  clearTimeout(middle);
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (samples.length < 2) await sample('middle');
  await sample('end');

  // ── every acknowledged write must be there ──────────────────────────────────────────
  let lost = 0;
  let checked = 0;
  for (const session of ledger) {
    if (session.cookie === null) continue;
    const result = await call('/trpc/cart.get', { cookie: session.cookie });
    const cart = new Set(result?.body?.result?.data ?? []);
    for (const item of session.items) {
      checked++;
      if (!cart.has(item)) lost++;
    }
  }
  const unlogged = ledger.filter((session) => session.cookie === null).reduce((sum, session) => sum + session.items.length, 0);

  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });

  const sorted = stats.latencies.sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]?.toFixed(1);
  const [start, mid, end] = samples;
  const heapGrowthMB = end.heapUsedMB - start.heapUsedMB;
  // Stable: after a full GC the heap at the end is within 20 MB (or 50 %) of the start.
  const stable = heapGrowthMB <= Math.max(20, start.heapUsedMB * 0.5);
  const ok = stats.errors === 0 && lost === 0 && unlogged === 0 && stable && serverErrors.trim() === '';

  console.log(
    `soak: ${clientCount} clients (${groups.length} shared sessions at a time, ${share} clients each), ${seconds} s, loopback, ${process.env.DATABASE_URL || process.env.REDIS_URL ? 'the configured backend' : 'embedded SQLite'}`,
  );
  console.log(`  requests ${stats.requests.toLocaleString('en')} (${Math.round(stats.requests / elapsed).toLocaleString('en')}/s), latency p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`);
  console.log(`  errors ${stats.errors}${stats.firstErrors.length ? `: ${stats.firstErrors.join(' | ')}` : ''}`);
  console.log(`  writes: ${stats.acknowledged.toLocaleString('en')} cart adds acknowledged in ${ledger.length} sessions, ${checked.toLocaleString('en')} checked, ${lost} lost`);
  for (const s of [start, mid, end]) if (s) console.log(`  memory ${s.label.padEnd(6)} rss ${s.rssMB.toFixed(1)} MB, heap used ${s.heapUsedMB.toFixed(1)} MB (after GC)`);
  console.log(`  heap growth ${heapGrowthMB.toFixed(1)} MB: ${stable ? 'stable' : 'GROWING'}`);
  if (serverErrors.trim()) console.log(`  server stderr: ${serverErrors.trim().slice(0, 500)}`);
  console.log(ok ? 'soak: ok' : 'soak: FAILED');
  process.exitCode = ok ? 0 : 1;
}
