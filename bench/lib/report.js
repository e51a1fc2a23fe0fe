// Turns the suites' JSON into the printed table, the target verdicts and the SVG chart.

const fmt = (value, digits = 1) => (value === undefined || value === null || Number.isNaN(value) ? '—' : value.toFixed(digits));
const ratio = (row) => (row?.ratio === undefined ? '—' : `${fmt(row.ratio, 2)}× [${fmt(row.ratioMin, 2)}–${fmt(row.ratioMax, 2)}]`);

function table(headers, rows) {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => `| ${cells.map((cell, i) => String(cell).padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const OPS = [
  ['load a valid session (read-only)', 'tessera: load', 'floor: load'],
  ['anonymous request, no cookie', 'tessera: anonymous', 'floor: anonymous'],
  ['malformed cookie', 'tessera: malformed', 'floor: malformed'],
  ['well-formed token, wrong secret', 'tessera: wrong secret', 'floor: wrong secret'],
  ['login (create)', 'tessera: login', 'floor: create'],
  ['rotate', 'tessera: rotate', 'floor: rotate'],
  ['data change + commit', 'tessera: data change', 'floor: data change'],
  ['logout', 'tessera: logout', 'floor: logout'],
  ['load, kyselyStore on a plain user Kysely', 'kyselyStore (user Kysely, no statement cache): load', 'floor: load'],
  ['(info) the floor with mmap_size=1GiB', 'floor + mmap_size=1GiB: load', 'floor: load'],
];

/** Markdown tables for everything measured. */
export function tables(results) {
  const out = [];
  const sizes = Object.keys(results.inprocess);
  out.push(`### In-process: tessera (sqliteStore) vs the floor — p50 / p99 µs, ratio = median of per-round p50 ratios [min–max]\n`);
  const headers = ['operation'];
  for (const size of sizes) headers.push(`floor ${size}`, `tessera ${size}`, `ratio ${size}`);
  const rows = OPS.map(([label, tessera, floor]) => {
    const row = [label];
    for (const size of sizes) {
      const cases = results.inprocess[size].cases;
      row.push(
        cases[floor] ? `${fmt(cases[floor].p50Us)} / ${fmt(cases[floor].p99Us)}` : '—',
        cases[tessera] ? `${fmt(cases[tessera].p50Us)} / ${fmt(cases[tessera].p99Us)}` : '—',
        ratio(cases[tessera]),
      );
    }
    return row;
  });
  out.push(table(headers, rows));
  const pinned = Object.entries(results.pinned ?? {}).filter(([, run]) => run?.cases);
  if (pinned.length > 0) {
    out.push(`\n### In-process on one CPU (taskset -c 0): load, login, rotate — p50 / p99 µs, ratio as above\n`);
    out.push(
      table(
        ['operation', ...pinned.flatMap(([size]) => [`floor ${size}`, `tessera ${size}`, `ratio ${size}`])],
        OPS.slice(0, 6)
          .filter(([, tessera]) => pinned.some(([, run]) => run.cases[tessera]))
          .map(([label, tessera, floor]) => [
            label,
            ...pinned.flatMap(([, run]) => {
              const c = run.cases;
              return [c[floor] ? `${fmt(c[floor].p50Us)} / ${fmt(c[floor].p99Us)}` : '—', c[tessera] ? `${fmt(c[tessera].p50Us)} / ${fmt(c[tessera].p99Us)}` : '—', ratio(c[tessera])];
            }),
          ]),
      ),
    );
  } else if (results.pinned?.skipped) out.push(`\nIn-process on one CPU: skipped (${results.pinned.skipped}).`);
  if (results.alloc?.cases) {
    const a = results.alloc;
    out.push(`\n### Allocation per valid-session load, 10,000 sessions (median of ${a.batch}-load batches with no GC; young generation ${a.semiSpaceMiB} MiB a semi-space)\n`);
    out.push(
      table(
        ['case', 'V8 heap bytes / load', 'ArrayBuffer bytes / load', `scavenges / ${a.loadsCounted.toLocaleString('en')} loads`],
        Object.entries(a.cases).map(([name, row]) => [name, row.heapBytesPerLoad, row.arrayBufferBytesPerLoad, row.scavengesPer100k]),
      ),
    );
    out.push(`\ntessera ÷ floor: ${fmt(a.heapRatio, 2)}× the heap bytes, ${a.scavengeRatio === null ? '—' : `${fmt(a.scavengeRatio, 2)}×`} the scavenges.`);
  }
  if (results.peers?.cases) {
    const cases = results.peers.cases;
    const load = cases['tessera: load'];
    out.push(`\n### Peers, 10,000 sessions each, same process and run — p50 / p99 µs; × floor = median per-round ratio to the floor's load\n`);
    out.push(
      table(
        ['case', 'p50 µs', 'p99 µs', '× floor load', 'tessera load is … × faster'],
        Object.entries(cases).map(([name, row]) => [
          name,
          fmt(row.p50Us),
          fmt(row.p99Us),
          row.ratio === undefined ? '1 (baseline)' : ratio(row),
          name.startsWith('tessera') || name.startsWith('floor') ? '' : fmt(row.p50Us / load.p50Us, 1),
        ]),
      ),
    );
    for (const [peer, why] of Object.entries(results.peers.unavailable ?? {})) out.push(`\n${peer} could not be run: ${why.split('\n')[0]}`);
  }
  if (results.postgres?.cases) {
    const cases = results.postgres.cases;
    out.push(`\n### PostgreSQL ${results.postgres.server}, 10,000 sessions (no target) — p50 / p99 µs\n`);
    out.push(
      table(
        ['case', 'p50 µs', 'p99 µs', '× PostgreSQL floor'],
        Object.entries(cases).map(([name, row]) => [name, fmt(row.p50Us), fmt(row.p99Us), row.ratio === undefined ? '1 (baseline)' : ratio(row)]),
      ),
    );
  } else if (results.postgres?.unavailable) out.push(`\nPostgreSQL: ${results.postgres.unavailable}`);
  if (results.adapters?.cases) {
    out.push(`\n### The adapters without sockets (tRPC fetchRequestHandler, yoga.fetch), 10,000 sessions — p50 / p99 µs per request\n`);
    out.push(
      table(
        ['case', 'p50 µs', 'p99 µs', '× the same handler with the floor session'],
        Object.entries(results.adapters.cases).map(([name, row]) => [name, fmt(row.p50Us), fmt(row.p99Us), row.ratio === undefined ? '1 (baseline)' : ratio(row)]),
      ),
    );
  }
  if (results.http?.results) {
    out.push(
      `\n### HTTP on 127.0.0.1 (autocannon, ${results.http.connections} connections, ${results.http.rounds} interleaved rounds of ${results.http.seconds} s; load generator and server share 2 cores)\n`,
    );
    const rows = [];
    for (const [framework, r] of Object.entries(results.http.results)) {
      for (const [variant, v] of Object.entries(r.variants)) rows.push([framework, variant, fmt(v.rps, 0), fmt(v.cpuUsPerRequest, 0), cpuRatioCell(v.cpuRatioToFloor), fmt(v.latencyP50Ms, 0)]);
      rows.push([framework, 'tessera ÷ floor, req/s', `${fmt(r.rpsRatioTesseraToFloor.median, 3)} [${fmt(r.rpsRatioTesseraToFloor.min, 3)}–${fmt(r.rpsRatioTesseraToFloor.max, 3)}]`, '', '', '']);
      rows.push([
        framework,
        'tessera ÷ floor-lazy, req/s',
        `${fmt(r.rpsRatioTesseraToFloorLazy.median, 3)} [${fmt(r.rpsRatioTesseraToFloorLazy.min, 3)}–${fmt(r.rpsRatioTesseraToFloorLazy.max, 3)}]`,
        '',
        '',
        '',
      ]);
      if (r.rpsRatioTesseraToNone)
        rows.push([framework, 'tessera ÷ no session, req/s', `${fmt(r.rpsRatioTesseraToNone.median, 3)} [${fmt(r.rpsRatioTesseraToNone.min, 3)}–${fmt(r.rpsRatioTesseraToNone.max, 3)}]`, '', '', '']);
    }
    out.push(table(['framework', 'variant', 'req/s (median)', 'server CPU µs/req', 'CPU × floor, per-round median [min–max]', 'latency p50 ms'], rows));
  }
  return out.join('\n');
}

/** A variant's CPU ratio to the floor: median and per-round range (older results hold the median only). */
function cpuRatioCell(value) {
  if (value === undefined) return '';
  if (typeof value === 'number') return `${fmt(value, 3)}×`;
  return `${fmt(value.median, 3)}× [${fmt(value.min, 2)}–${fmt(value.max, 2)}]`;
}

/** Each target (issue 7, and "The core owns the request"'s "Must hold" list) with its measured value and verdict. */
export function targets(results) {
  const list = [];
  const add = (target, value, met) => list.push({ target, value, met });
  for (const [size, run] of Object.entries(results.inprocess)) {
    const c = run.cases;
    if (c['tessera: load']) add(`valid-session load, sqliteStore, ${size}: ≤ 1.3× floor`, `${c['tessera: load'].ratio.toFixed(2)}×`, c['tessera: load'].ratio <= 1.3);
    if (c['tessera: login']) add(`login, ${size}: ≤ 1.3× floor create`, `${c['tessera: login'].ratio.toFixed(2)}×`, c['tessera: login'].ratio <= 1.3);
    if (c['tessera: rotate']) add(`rotate, ${size}: ≤ 1.3× floor rotate`, `${c['tessera: rotate'].ratio.toFixed(2)}×`, c['tessera: rotate'].ratio <= 1.3);
  }
  for (const [size, run] of Object.entries(results.pinned ?? {})) {
    const c = run?.cases;
    if (!c) continue;
    for (const [label, key, base] of [
      ['valid-session load', 'tessera: load', 'floor'],
      ['login', 'tessera: login', 'floor create'],
      ['rotate', 'tessera: rotate', 'floor rotate'],
    ])
      if (c[key]) add(`one CPU (taskset -c 0): ${label}, ${size}: ≤ 1.3× ${base}`, `${c[key].ratio.toFixed(2)}×`, c[key].ratio <= 1.3);
  }
  if (results.pinned?.skipped) add('one CPU (taskset -c 0): load, login, rotate ≤ 1.3× floor', `skipped: ${results.pinned.skipped}`, null);
  if (results.alloc?.cases) {
    const a = results.alloc;
    const t = a.cases['tessera: load'];
    const f = a.cases['floor: load'];
    add(
      'bytes a valid-session load allocates vs the floor (reported, no bound)',
      `${t.heapBytesPerLoad} vs ${f.heapBytesPerLoad} V8 heap bytes (${a.heapRatio.toFixed(2)}×); ${t.scavengesPer100k} vs ${f.scavengesPer100k} scavenges per ${a.loadsCounted.toLocaleString('en')} loads`,
      null,
    );
  }
  for (const [name, row] of Object.entries(results.adapters?.cases ?? {})) {
    if (!name.endsWith(': tessera') || row.ratio === undefined) continue;
    add(
      `${name.replace(': tessera', '')} with tessera: ≤ 1.15× the same handler with the floor session`,
      `${row.ratio.toFixed(2)}× [${row.ratioMin.toFixed(2)}–${row.ratioMax.toFixed(2)}]`,
      row.ratio <= 1.15,
    );
  }
  const p = results.peers?.cases;
  if (p?.['express-session: whole request (touch)']) {
    const x = p['express-session: whole request (touch)'].p50Us / p['tessera: load'].p50Us;
    add('valid-session load ≥ 5× faster than a whole express-session request', `${x.toFixed(1)}×`, x >= 5);
  }
  if (p?.['Better Auth: getSession']) {
    const x = p['Better Auth: getSession'].p50Us / p['tessera: load'].p50Us;
    add('valid-session load ≥ 30× faster than Better Auth getSession', `${x.toFixed(1)}×`, x >= 30);
  }
  for (const [framework, r] of Object.entries(results.http?.results ?? {})) {
    add(
      `${framework} over HTTP: tessera ≥ 0.95 of the floor server's req/s (median of ${results.http.rounds} interleaved rounds)`,
      `${r.rpsRatioTesseraToFloor.median.toFixed(3)} [${r.rpsRatioTesseraToFloor.min.toFixed(3)}–${r.rpsRatioTesseraToFloor.max.toFixed(3)}]`,
      r.rpsRatioTesseraToFloor.median >= 0.95,
    );
  }
  add('a request that never touches the session: 0 store queries, 0 crypto', 'counted by test/perf/untouched-request.test.ts (npm test)', null);
  return list;
}

const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** A horizontal bar chart (log scale) of every cost as a multiple of the floor. */
export function chart(results) {
  const bars = [];
  for (const [size, run] of Object.entries(results.inprocess)) {
    const c = run.cases;
    for (const [label, key] of [
      ['load', 'tessera: load'],
      ['login', 'tessera: login'],
      ['rotate', 'tessera: rotate'],
      ['data change', 'tessera: data change'],
    ]) {
      if (c[key]) bars.push({ group: 'tessera', label: `tessera ${label} (${size})`, value: c[key].ratio });
    }
  }
  for (const [name, row] of Object.entries(results.peers?.cases ?? {})) {
    if (name.startsWith('tessera') || name.startsWith('floor')) continue;
    bars.push({ group: 'peer', label: `${name} (10k)`, value: row.ratio });
  }
  const width = 860;
  const left = 330;
  const barHeight = 22;
  const top = 56;
  const height = top + bars.length * (barHeight + 8) + 40;
  const max = Math.max(100, ...bars.map((bar) => bar.value));
  const x = (value) => left + ((width - left - 60) * Math.log10(Math.max(1, value))) / Math.log10(max);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="16" y="24" font-size="16" font-weight="600">Cost per operation as a multiple of the hand-written floor (log scale, lower is better)</text>`,
    `<text x="16" y="44" fill="#555">median of per-round p50 ratios, same process and run; ${esc(results.machine.cpu)}, Node ${esc(results.machine.node)}</text>`,
  ];
  for (const tick of [1, 1.3, 2, 5, 10, 30, 100, 300].filter((t) => t <= max)) {
    parts.push(`<line x1="${x(tick)}" y1="${top - 6}" x2="${x(tick)}" y2="${height - 30}" stroke="${tick === 1.3 ? '#d33' : '#ddd'}" stroke-dasharray="${tick === 1.3 ? '4 3' : ''}"/>`);
    parts.push(`<text x="${x(tick)}" y="${height - 14}" text-anchor="middle" fill="#555">${tick}×</text>`);
  }
  bars.forEach((bar, i) => {
    const y = top + i * (barHeight + 8);
    const color = bar.group === 'tessera' ? '#2f6fdf' : '#999';
    parts.push(`<text x="${left - 8}" y="${y + 15}" text-anchor="end">${esc(bar.label)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${Math.max(2, x(bar.value) - left)}" height="${barHeight}" fill="${color}"/>`);
    parts.push(`<text x="${x(bar.value) + 6}" y="${y + 15}">${bar.value.toFixed(bar.value < 10 ? 2 : 0)}×</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
