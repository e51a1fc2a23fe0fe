// HTTP suite: autocannon against the tRPC and Yoga servers of bench/http-server.js on
// 127.0.0.1, variants run as interleaved pairs (tessera, floor, none in a rotating order,
// round after round) so machine drift cancels in the per-round ratios. The load generator
// (this process) and the server share the machine's two cores.
// Usage: node bench/http.js <out.json> [rounds] [seconds] [connections]
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { median } from './lib/measure.js';

const [out, roundsArg, secondsArg, connectionsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 4);
const seconds = Number(secondsArg ?? 3);
const connections = Number(connectionsArg ?? 8);
const log = (line) => process.stderr.write(`${line}\n`);

const server = fork(fileURLToPath(new URL('./http-server.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const ready = await new Promise((resolve, reject) => {
  server.once('message', resolve);
  server.once('exit', (code) => reject(new Error(`http-server exited (${code})`)));
});
const ask = () =>
  new Promise((resolve) => {
    server.once('message', (m) => resolve(m.cpu));
    server.send('cpu');
  });

const paths = { trpc: '/me', yoga: '/graphql?query=%7Bme%7D' };
async function load(framework, variant, duration) {
  const before = await ask();
  const result = await autocannon({
    url: `http://127.0.0.1:${ready.ports[`${framework}:${variant}`]}${paths[framework]}`,
    connections,
    duration,
    headers: { cookie: `_ga=GA1.2.1234567890.1700000000; ${ready.cookie}; theme=dark`, accept: 'application/json' },
  });
  const after = await ask();
  const cpuUs = after.user + after.system - before.user - before.system;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${framework}:${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.total / duration, requests: result.requests.total, cpuUsPerRequest: cpuUs / result.requests.total, latencyP50Ms: result.latency.p50 };
}

// Each endpoint answers the signed-in user: check before timing anything.
const variantsOf = { trpc: ['tessera', 'core-by-hand', 'floor', 'floor-lazy', 'none'], yoga: ['tessera', 'floor', 'floor-lazy', 'none'] };
for (const framework of ['trpc', 'yoga']) {
  for (const variant of variantsOf[framework].filter((name) => name !== 'none')) {
    const response = await fetch(`http://127.0.0.1:${ready.ports[`${framework}:${variant}`]}${paths[framework]}`, { headers: { cookie: ready.cookie } });
    const body = await response.text();
    if (!body.includes('user-0')) throw new Error(`${framework}:${variant} did not answer the signed-in user: ${response.status} ${body}`);
  }
}

const results = {};
for (const framework of ['trpc', 'yoga']) {
  const variants = variantsOf[framework];
  for (const variant of variants) await load(framework, variant, 1); // warm-up
  const runs = Object.fromEntries(variants.map((variant) => [variant, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const variant of order) runs[variant].push(await load(framework, variant, seconds));
    log(`  http ${framework}: round ${round + 1}/${rounds}`);
  }
  const pair = (a, b, key) => runs[a].map((run, i) => run[key] / runs[b][i][key]);
  const summary = (list) => ({ median: median(list), min: Math.min(...list), max: Math.max(...list) });
  results[framework] = {
    variants: Object.fromEntries(
      variants.map((variant) => [
        variant,
        {
          cpuRatioToFloor: summary(pair(variant, 'floor', 'cpuUsPerRequest')),
          rps: median(runs[variant].map((run) => run.rps)),
          cpuUsPerRequest: median(runs[variant].map((run) => run.cpuUsPerRequest)),
          latencyP50Ms: median(runs[variant].map((run) => run.latencyP50Ms)),
          runs: runs[variant],
        },
      ]),
    ),
    rpsRatioTesseraToFloor: summary(pair('tessera', 'floor', 'rps')),
    rpsRatioTesseraToFloorLazy: summary(pair('tessera', 'floor-lazy', 'rps')),
    rpsRatioFloorToNone: summary(pair('floor', 'none', 'rps')),
    rpsRatioTesseraToNone: summary(pair('tessera', 'none', 'rps')),
    cpuRatioTesseraToFloor: summary(pair('tessera', 'floor', 'cpuUsPerRequest')),
  };
}
server.send('exit');
writeFileSync(out, JSON.stringify({ rounds, seconds, connections, results }, null, 2));
