// Timing helpers over mitata's `measure`: one sample per call (no batching), so p99 is a
// per-request p99; cases are measured in interleaved rounds so machine drift hits every
// case alike, and ratios are taken within a round before their median is reported.
import { measure } from 'mitata';

const gc = typeof globalThis.gc === 'function' ? () => globalThis.gc() : false;

/** Median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One measurement of `bench` (a function, or a mitata generator for per-call inputs). */
export async function sample(bench, budgetMs) {
  const stats = await measure(bench, {
    batch_threshold: 0,
    min_cpu_time: budgetMs * 1e6,
    min_samples: 64,
    warmup_samples: 16,
    gc,
  });
  return { p50: stats.p50, p99: stats.p99, avg: stats.avg, n: stats.samples.length };
}

/**
 * Measures every case `rounds` times, in a rotated order each round. `cases` is
 * `{ name: bench }`; `baselines` maps a case to the case its ratio is taken against.
 * Returns per case: median p50 and p99 (ns) across rounds, and the median and range of
 * the per-round p50 ratio to its baseline.
 */
export async function interleave(cases, { rounds = 5, budgetMs = 150, baselines = {}, onRound } = {}) {
  const names = Object.keys(cases);
  const perRound = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    if (round % 2 === 1) order.reverse();
    for (const name of order) perRound[name].push(await sample(cases[name], budgetMs));
    onRound?.(round);
  }
  const result = {};
  for (const name of names) {
    const rows = perRound[name];
    const base = baselines[name] === undefined ? null : perRound[baselines[name]];
    const ratios = base === null ? null : rows.map((row, i) => row.p50 / base[i].p50);
    result[name] = {
      p50Us: median(rows.map((row) => row.p50)) / 1000,
      p99Us: median(rows.map((row) => row.p99)) / 1000,
      samples: rows.reduce((sum, row) => sum + row.n, 0),
      ...(ratios === null ? {} : { baseline: baselines[name], ratio: median(ratios), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios) }),
    };
  }
  return result;
}
