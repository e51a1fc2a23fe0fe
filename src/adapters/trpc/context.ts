import type { TRPCRequestInfo } from '@trpc/server/http';
import type { LoadOptions, NodeRequestLike, NodeResponseLike, SessionData, SessionManager } from '../../index.js';
import { guardStateChanging, isSafeMethod } from './csrf-guard.js';
import { LazySession, type RequestState } from './lazy-session.js';
import { beforeHead, varyOnCookie, type NodeServerResponse } from './node-head.js';
import { countSessionCalls } from './session-middleware.js';

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

/** What the context factory adds to the app's context. */
export interface SessionContext<Data extends SessionData = SessionData> {
  readonly session: LazySession<Data>;
}

/**
 * Whether response headers may be on the wire before the procedures finish: a
 * `httpBatchStreamLink` batch (`trpc-accept` or `accept: application/jsonl`, read as tRPC's
 * own `resolveResponse` reads it into `info.accept`; it streams batches only) or an SSE
 * subscription.
 */
function isStreamed(info: TRPCRequestInfo): boolean {
  return (info.accept === 'application/jsonl' && info.isBatchCall) || info.type === 'subscription';
}

/** The two load options a request can have, shared so that no request allocates its own. */
const STREAMED: LoadOptions = Object.freeze({ cookieWritable: false });
const NOT_STREAMED: LoadOptions = Object.freeze({ cookieWritable: true });

function hasCookieHeader(request: Request | Headers | NodeRequestLike): boolean {
  if (request instanceof Headers) return request.has('cookie');
  if (request instanceof Request) return request.headers.has('cookie');
  return request.headers.cookie !== undefined;
}

/**
 * A streamed response's head leaves before any commit: decide its caching headers now, and
 * conservatively (any cookie may be ours), since a later decision could not be sent.
 */
function streamedHeaders(target: Headers | NodeResponseLike, request: Request | Headers | NodeRequestLike): void {
  varyOnCookie(target);
  if (!hasCookieHeader(request)) return;
  if (target instanceof Headers) target.set('cache-control', 'no-store');
  else target.setHeader('cache-control', 'no-store');
}

/**
 * Creates the tRPC context factory of a session manager (`createSessions()`, or the
 * stateless `cookieSessions()`, which cannot list or revoke). It works with every tRPC adapter
 * (fetch — including Next.js App Router —, standalone, Express, Fastify) and returns
 * `{ session }` for the app to spread into its own context. Per request it:
 *
 * - refuses every state-changing request (every mutation, the app's own included) that fails
 *   the CSRF rule with `FORBIDDEN`, before any procedure runs;
 * - creates a {@link LazySession}: no store access until a session procedure uses it;
 * - for a streamed response (`httpBatchStreamLink`, subscriptions) loads the session with
 *   `cookieWritable: false`, so sign-in, rotation and a new session's first write throw
 *   before changing anything, while data changes and touches still work (use `httpBatchLink`
 *   or `httpLink` for those);
 * - routes the response headers: into `resHeaders` at each commit (fetch), or into the head
 *   right before it is written (Node), where tRPC cannot overwrite them.
 *
 * @example
 * ```ts
 * import { fetchRequestHandler, type FetchCreateContextFnOptions } from '@trpc/server/adapters/fetch';
 * import { createSessionContext } from 'tessera/trpc';
 *
 * const sessionContext = createSessionContext(sessions);
 * export const createContext = (opts: FetchCreateContextFnOptions) => ({ ...sessionContext(opts), db });
 * export type Context = Awaited<ReturnType<typeof createContext>>;
 * ```
 */
export function createSessionContext<Data extends SessionData>(sessions: SessionManager<Data>): (options: SessionContextOptions) => SessionContext<Data> {
  return (options) => {
    const { info } = options;
    const streamed = isStreamed(info);
    let request: Request | Headers | NodeRequestLike;
    let method: string;
    let target: Headers | undefined;
    let res: NodeServerResponse | undefined;
    if ('resHeaders' in options) {
      request = options.req;
      method = options.req.method;
      target = options.resHeaders;
      if (streamed) streamedHeaders(target, request);
    } else {
      // Fastify passes its own request and reply objects; the Node ones are their `raw`.
      const req = 'raw' in options.req ? options.req.raw : options.req;
      request = req;
      method = req.method ?? 'GET';
      res = 'raw' in options.res ? options.res.raw : options.res;
    }
    const unsafeMethod = !isSafeMethod(method);
    guardStateChanging(sessions, request, unsafeMethod, info);

    const state: RequestState<Data> = {
      sessions,
      request,
      loadOptions: streamed ? STREAMED : NOT_STREAMED,
      target,
      exclusive: unsafeMethod,
      readOnly: unsafeMethod && info.type !== 'mutation',
      expectedUsers: countSessionCalls(info),
      finishedUsers: 0,
      queue: null,
      loading: null,
      session: null,
    };
    if (res !== undefined) {
      beforeHead(res, (head) => {
        if (streamed) streamedHeaders(head, request);
        if (state.session === null) return;
        // The response is decided: a change needing a new cookie can no longer be sent.
        sessions.lockCookie(state.session);
        sessions.writeHeaders(state.session, head);
      });
    }
    return { session: new LazySession(state) };
  };
}
