// What one valid-session load allocates, tessera (a read operation of sessions.open(), as
// timed in bench/inprocess.js) vs the floor (bench/lib/floor.js), on the 10k database.
// - bytes per load: V8 heap (`heapUsed`) and ArrayBuffer (`arrayBuffers`) growth over a batch
//   of loads started right after a full GC, kept only when v8.GCProfiler saw no collection
//   during the batch; the median of the kept batches.
// - young-generation collections (scavenges) per 100,000 loads, counted by v8.GCProfiler.
// run.js starts it with the young generation pinned at 16 MiB a semi-space (V8's default
// maximum on 64-bit), so both sides run with the same nursery from the first load.
// Usage: node --expose-gc --min-semi-space-size=16 --max-semi-space-size=16 bench/alloc.js <out.json>
import { writeFileSync } from 'node:fs';
import { GCProfiler } from 'node:v8';
import { createFloor, openFloorDb } from './lib/floor.js';
import { ensureDatabase, fillerToken, request, sampleIndices, SERVER_SECRET } from './lib/dataset.js';
import { median } from './lib/measure.js';

const [out] = process.argv.slice(2);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
const lib = new URL('./.tmp/lib/', import.meta.url);
const { createSessions } = await import(new URL('index.js', lib));
const { sqliteStore } = await import(new URL('sqlite.js', lib));
const log = (line) => process.stderr.write(`${line}\n`);

const dataset = await ensureDatabase(10_000, { sqliteStore, reserve: 800, log });
const store = await sqliteStore(dataset.path);
const sessions = createSessions({ store, secrets: [SERVER_SECRET] });
const floor = createFloor(openFloorDb(dataset.path), SERVER_SECRET);
const LIVE = 1000;
const tokens = sampleIndices(dataset.fillerRows, LIVE).map(fillerToken);
const reqs = tokens.map((token) => request(token));
const cookies = reqs.map((req) => req.headers.cookie);

let touches = 0;
async function read(req) {
  const scope = sessions.open(req);
  const turn = scope.begin('read');
  if (turn !== undefined) await turn;
  const session = await scope.session();
  const ending = scope.end('read');
  if (ending !== undefined) {
    touches++;
    await ending;
  }
  return session;
}

let sink = null;
const cases = {
  'floor: load': async (n) => {
    for (let i = 0; i < n; i++) sink = floor.load(cookies[i % LIVE]);
  },
  'tessera: load': async (n) => {
    for (let i = 0; i < n; i++) sink = (await read(reqs[i % LIVE])).userId;
  },
};

// Sanity and steady state (every session seen within the touch interval, as in inprocess.js).
for (let i = 0; i < LIVE; i++) {
  if ((await read(reqs[i])).userId !== floor.load(cookies[i])?.userId) throw new Error('tessera and the floor disagree');
}
touches = 0;

const BATCH = 1000;
const BATCHES = 15;
const PER_COUNT = 100_000;
const result = {};
for (const [name, run] of Object.entries(cases)) {
  await run(20_000); // warm-up: optimized code, caches filled
  const heap = [];
  const buffers = [];
  let discarded = 0;
  while (heap.length < BATCHES && discarded < 50) {
    globalThis.gc();
    const profiler = new GCProfiler();
    profiler.start();
    const before = process.memoryUsage();
    await run(BATCH);
    const after = process.memoryUsage();
    const collections = profiler.stop().statistics.length;
    if (collections > 0) {
      discarded++;
      continue;
    }
    heap.push((after.heapUsed - before.heapUsed) / BATCH);
    buffers.push((after.arrayBuffers - before.arrayBuffers) / BATCH);
  }
  globalThis.gc();
  const profiler = new GCProfiler();
  profiler.start();
  await run(PER_COUNT);
  const stats = profiler.stop().statistics;
  result[name] = {
    heapBytesPerLoad: Math.round(median(heap)),
    arrayBufferBytesPerLoad: Math.round(median(buffers)),
    batchesKept: heap.length,
    batchesDiscarded: discarded,
    scavengesPer100k: stats.filter((entry) => entry.gcType === 'Scavenge').length,
    otherCollectionsPer100k: stats.filter((entry) => entry.gcType !== 'Scavenge').length,
  };
  log(`  ${name}: ${result[name].heapBytesPerLoad} heap B + ${result[name].arrayBufferBytesPerLoad} ArrayBuffer B per load, ${result[name].scavengesPer100k} scavenges per 100k loads`);
}
void sink;
const t = result['tessera: load'];
const f = result['floor: load'];
writeFileSync(
  out,
  JSON.stringify(
    {
      batch: BATCH,
      loadsCounted: PER_COUNT,
      semiSpaceMiB: 16,
      touchesDuringCountedReads: touches,
      cases: result,
      heapRatio: t.heapBytesPerLoad / f.heapBytesPerLoad,
      scavengeRatio: f.scavengesPer100k === 0 ? null : t.scavengesPer100k / f.scavengesPer100k,
    },
    null,
    2,
  ),
);
await store.close();
