import type { TRPCRequestInfo } from '@trpc/server/http';

/** Marks the middlewares of this adapter, so the context factory can tell which calls will use the session. */
const SESSION_MIDDLEWARE = Symbol.for('tessera.trpc.sessionMiddleware');

function hasSessionMiddleware(middlewares: unknown): boolean {
  if (!Array.isArray(middlewares)) return false;
  for (const fn of middlewares as unknown[]) if (typeof fn === 'function' && SESSION_MIDDLEWARE in fn) return true;
  return false;
}

/**
 * How many calls of a request go through a session middleware: when that many have
 * finished, no commit can run any more and the session is closed. A procedure's middleware
 * chain is `procedure._def.middlewares` (tRPC's `procedureBuilder`).
 */
export function countSessionCalls(info: TRPCRequestInfo): number {
  let count = 0;
  for (const call of info.calls) {
    const def = call.procedure?._def as { readonly middlewares?: unknown } | undefined;
    if (def !== undefined && hasSessionMiddleware(def.middlewares)) count++;
  }
  return count;
}

/**
 * Tags the last middleware added to a procedure builder (the one `.use()` just appended) as a
 * session middleware. Done on the builder because wrapping the function would lose tRPC's
 * contextual typing of its `ctx` and `next`.
 */
export function markLastMiddleware<B extends { readonly _def: { readonly middlewares: readonly unknown[] } }>(builder: B): B {
  const last = builder._def.middlewares.at(-1);
  if (typeof last === 'function') Object.defineProperty(last, SESSION_MIDDLEWARE, { value: true });
  return builder;
}
