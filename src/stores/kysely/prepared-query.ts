import type { CompiledQuery, Compilable } from 'kysely';

/** A query compiled once; calling it binds new parameters without rebuilding the SQL. */
export type PreparedQuery = (args: readonly unknown[]) => CompiledQuery;

const SLOT_PREFIX = '\u0000tessera-slot:';

/**
 * Builds and compiles a query once, with unique sentinel values standing in for its
 * parameters, and records where each argument lands in the compiled parameter list.
 * docs/architecture.md, "Performance": nothing per request that can be done at start-up — rebuilding and
 * compiling the query per call costs 2–4 µs on a path whose floor is ~7 µs.
 *
 * `slot(i)` is typed as whatever the builder expects at that position: the sentinel is
 * only ever bound as a parameter, never interpreted.
 */
export function prepareQuery(build: (slot: <T>(index: number) => T) => Compilable<unknown>): PreparedQuery {
  const used = new Set<number>();
  const slot = <T>(index: number): T => {
    used.add(index);
    return `${SLOT_PREFIX}${index}` as T;
  };
  const compiled = build(slot).compile();
  const order = compiled.parameters.map((parameter) => {
    const index = typeof parameter === 'string' && parameter.startsWith(SLOT_PREFIX) ? Number(parameter.slice(SLOT_PREFIX.length)) : -1;
    if (!used.has(index)) throw new Error(`prepareQuery: the compiled query has a parameter that is not a slot (${compiled.sql})`);
    return index;
  });
  if (new Set(order).size !== used.size) throw new Error(`prepareQuery: a slot is missing from the compiled query (${compiled.sql})`);
  const { sql, query, queryId } = compiled;
  return (args) => {
    const parameters = new Array<unknown>(order.length);
    for (let i = 0; i < order.length; i++) parameters[i] = args[order[i] as number];
    return { sql, parameters, query, queryId };
  };
}
