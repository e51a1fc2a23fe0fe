import type { TRPCRequestInfo } from '@trpc/server/http';
import type { AnySessionScope, ScopeOf, NodeRequestLike, SessionData, SessionManager, SessionScope } from '../../index.js';
import { toTRPCError } from './errors.js';
import { beforeHead, type NodeServerResponse } from './node-head.js';

/** The context options of the fetch adapter (`fetchRequestHandler`, Next.js App Router, Hono…). */
export interface FetchSessionContextOptions {
  readonly req: Request;
  readonly resHeaders: Headers;
  readonly info: TRPCRequestInfo;
}

/** The context options of the Node adapters: standalone / node-http and Express (`req`, `res`), Fastify (`req.raw`, `res.raw`). */
export interface NodeSessionContextOptions {
  readonly req: NodeRequestLike | { readonly raw: NodeRequestLike };
  readonly res: NodeServerResponse | { readonly raw: NodeServerResponse };
  readonly info: TRPCRequestInfo;
}

/** What the context factory accepts: the options any tRPC adapter passes to `createContext`. */
export type SessionContextOptions = FetchSessionContextOptions | NodeSessionContextOptions;

/** What the context factory adds to the app's context: the request's scope (`sessionProcedure` loads the session). */
export interface SessionContext<Data extends SessionData = SessionData, Scope extends AnySessionScope = SessionScope<Data>> {
  readonly session: Scope;
}

/**
 * Whether response headers may leave before the procedures finish: an `httpBatchStreamLink` batch
 * (`info.accept`, as tRPC's `resolveResponse` reads it: it streams batches only) or a subscription.
 */
function isStreamed(info: TRPCRequestInfo): boolean {
  return (info.accept === 'application/jsonl' && info.isBatchCall) || info.type === 'subscription';
}

/** Whether a call of the request is a mutation (tRPC tells a batch's calls apart by `_def.type`). */
function runsMutation(info: TRPCRequestInfo): boolean {
  if (info.type === 'mutation') return true;
  for (const call of info.calls) if (call.procedure?._def.type === 'mutation') return true;
  return false;
}

/**
 * Creates the tRPC context factory of a session manager (`createSessions()`, or the stateless
 * `cookieSessions()`). It works with every tRPC adapter (fetch — including Next.js App Router —,
 * standalone, Express, Fastify) and returns `{ session }` for the app to spread into its own
 * context: the request's session scope, with no store access until a session procedure runs.
 * A state-changing request (any mutation, or any unsafe-method request) that fails the CSRF
 * rule is refused with `FORBIDDEN` before any procedure runs. Response headers go into
 * `resHeaders` at each commit (fetch), or into the head right before it is written (Node),
 * where tRPC cannot overwrite them.
 *
 * @example
 * ```ts
 * import type { FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
 * import { createSessions, memoryStore } from 'tessera';
 * import { createSessionContext } from 'tessera/trpc';
 *
 * const sessions = createSessions({ store: memoryStore(), secrets: [process.env['SESSION_SECRET'] ?? ''] });
 * const sessionContext = createSessionContext(sessions);
 * export const createContext = (opts: FetchCreateContextFnOptions) => ({ ...sessionContext(opts) });
 * ```
 */
export function createSessionContext<Manager extends SessionManager<never, AnySessionScope>>(
  sessions: Manager,
  /** `clientAddress`: the peer of a fetch request (Deno's `info.remoteAddr`, a worker's header), for rate limits and `trustProxy` lists. */
  { clientAddress }: { readonly clientAddress?: (request: Request) => string | undefined } = {},
): (options: SessionContextOptions) => { readonly session: ScopeOf<Manager> } {
  type Scope = ScopeOf<Manager>;
  return (options) => {
    const { info } = options;
    const streamed = isStreamed(info);
    let scope: Scope;
    if ('resHeaders' in options) {
      const peer = clientAddress?.(options.req);
      scope = sessions.open(options.req, { streamed, headers: options.resHeaders, ...(peer === undefined ? {} : { clientAddress: peer }) }) as Scope;
    } else {
      // Fastify passes its own request and reply objects; the Node ones are their `raw`.
      scope = sessions.open('raw' in options.req ? options.req.raw : options.req, { streamed }) as Scope;
      beforeHead('raw' in options.res ? options.res.raw : options.res, (head) => scope.respond(head));
    }
    try {
      scope.assertSameOrigin(runsMutation(info));
    } catch (error) {
      throw toTRPCError(error);
    }
    return { session: scope };
  };
}
