// npm run bench: builds the library from src/ (bench/lib/build.js), then runs each suite in
// its own process — in-process at 10,000 and 1,000,000 sessions, the load/login/rotate cases
// again pinned to one CPU (taskset -c 0), bytes allocated per load, peers, PostgreSQL, the
// adapters without sockets, HTTP (≥ 8 interleaved rounds) — and writes bench/results.json,
// bench/results.md and bench/chart.svg, printing the table.
// Environment: BENCH_QUICK=1 (fewer, shorter rounds), BENCH_SKIP_1M=1, BENCH_SKIP_HTTP=1.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildLib } from './lib/build.js';
import { chart, tables, targets } from './lib/report.js';
import { tmpDir } from './lib/dataset.js';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const rounds = quick ? '3' : '7';
const budget = quick ? '60' : '120';
const started = Date.now();
mkdirSync(tmpDir, { recursive: true });

console.log('building src/ for the bench (esbuild) …');
await buildLib();

function suite(name, script, args, { gc = true, flags = [] } = {}) {
  const out = `${tmpDir}${name}.json`;
  const t0 = Date.now();
  console.log(`\n▶ ${name}`);
  const run = spawnSync(process.execPath, [...(gc ? ['--expose-gc'] : []), ...flags, here(script), out, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) {
    console.log(`  ${name} failed (exit ${run.status}); see the output above`);
    return { failed: `exit ${run.status}` };
  }
  console.log(`  ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return JSON.parse(readFileSync(out, 'utf8'));
}
const inprocessSuite = (rows) => {
  const out = `${tmpDir}inprocess-${rows}.json`;
  const t0 = Date.now();
  console.log(`\n▶ in-process, ${rows.toLocaleString('en')} sessions`);
  const run = spawnSync(process.execPath, ['--expose-gc', here('./inprocess.js'), String(rows), out, rounds, budget], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) throw new Error(`in-process suite at ${rows} rows failed`);
  console.log(`  ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return JSON.parse(readFileSync(out, 'utf8'));
};
// The load, login and rotate cases (with their floor baselines) on one CPU: the process pinned
// to core 0 with taskset, so tessera's promise turns cannot borrow the other core's time.
const PINNED_CASES = '^tessera: (load|login|rotate)$';
const pinnedSuite = (rows) => {
  const out = `${tmpDir}pinned-${rows}.json`;
  const t0 = Date.now();
  console.log(`\n▶ in-process on one CPU (taskset -c 0), ${rows.toLocaleString('en')} sessions: load, login, rotate`);
  const run = spawnSync('taskset', ['-c', '0', process.execPath, '--expose-gc', here('./inprocess.js'), String(rows), out, rounds, budget], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, BENCH_ONLY: PINNED_CASES, BENCH_PINNED: 'taskset -c 0' },
  });
  if (run.status !== 0) {
    console.log(`  pinned suite at ${rows} rows failed (exit ${run.status}${run.error ? `, ${run.error.message}` : ''})`);
    return { failed: `exit ${run.status}` };
  }
  console.log(`  ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return JSON.parse(readFileSync(out, 'utf8'));
};
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

// Read from node_modules directly: some packages (kysely, better-auth) do not export package.json.
const version = (name) => {
  try {
    return JSON.parse(readFileSync(here(`../node_modules/${name}/package.json`), 'utf8')).version;
  } catch {
    return 'not installed';
  }
};
const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: here('..'), encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

const results = {
  date: new Date().toISOString(),
  commit: git('rev-parse', '--short', 'HEAD'),
  dirty: git('status', '--porcelain', '--', 'src').length > 0,
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${process.platform} ${release()}`, node: process.versions.node },
  versions: Object.fromEntries(
    ['better-sqlite3', 'kysely', 'pg', 'mitata', 'autocannon', '@trpc/server', 'graphql-yoga', 'graphql', 'express-session', 'better-sqlite3-session-store', 'better-auth', 'esbuild'].map((name) => [
      name,
      version(name),
    ]),
  ),
  settings: { rounds: Number(rounds), budgetMs: Number(budget) },
  inprocess: {},
};
results.inprocess['10k'] = inprocessSuite(10_000);
if (process.env.BENCH_SKIP_1M !== '1') results.inprocess['1M'] = inprocessSuite(1_000_000);
if (hasTaskset) {
  results.pinned = { '10k': pinnedSuite(10_000) };
  if (process.env.BENCH_SKIP_1M !== '1') results.pinned['1M'] = pinnedSuite(1_000_000);
} else {
  console.log('\n▶ in-process on one CPU: skipped, taskset (util-linux) is not available');
  results.pinned = { skipped: 'taskset (util-linux) is not available' };
}
results.alloc = suite('alloc', './alloc.js', [], { flags: ['--min-semi-space-size=16', '--max-semi-space-size=16'] });
results.peers = suite('peers', './peers.js', [rounds, budget]);
results.postgres = suite('postgres', './postgres.js', [quick ? '3' : '5', budget]);
results.adapters = suite('adapters', './adapters.js', [quick ? '3' : '5', budget]);
if (process.env.BENCH_SKIP_HTTP !== '1') results.http = suite('http', './http.js', quick ? ['2', '2', '8'] : ['8', '3', '8'], { gc: false });
results.targets = targets(results);
results.seconds = Math.round((Date.now() - started) / 1000);

writeFileSync(here('./results.json'), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(here('./chart.svg'), `${chart(results)}\n`);
const verdicts = results.targets.map(({ target, value, met }) => `- ${met === null ? '•' : met ? '✔' : '✘'} ${target}: ${value}`).join('\n');
const machine = `${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, ${results.machine.os}, Node ${results.machine.node}`;
const report = `${tables(results)}\n\n### Targets\n\n${verdicts}\n`;
writeFileSync(
  here('./results.md'),
  `# Latest bench run\n\n${results.date}, commit ${results.commit}${results.dirty ? ' (src/ modified)' : ''}; ${machine}; ${results.settings.rounds} rounds of ${results.settings.budgetMs} ms per case.\n\n${report}`,
);
console.log(`\n${report}`);
console.log(`\nbench/results.json, bench/results.md and bench/chart.svg written in ${results.seconds} s (commit ${results.commit}${results.dirty ? ', src/ modified' : ''}).`);
