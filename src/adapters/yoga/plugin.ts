import { getOperationAST, parse, type ExecutionArgs, type GraphQLError } from 'graphql';
import type { GraphQLParams } from 'graphql-yoga';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import { SessionError, type Session, type SessionData, type SessionManager } from '../../index.js';
import type { SessionContext } from './context.js';
import { withholdCredentialedCors } from './cors.js';
import { toGraphQLError, translateErrors } from './errors.js';
import { RequestSessions } from './request-sessions.js';
import type { Release } from './turns.js';

/** A result Yoga can hand to `onExecuteDone`: one payload, or a stream of them. */
interface ResultLike {
  readonly errors?: readonly GraphQLError[];
}

/** What `onExecuteDone` receives, as far as this plugin reads it. */
interface ExecuteDonePayload {
  readonly args: { readonly contextValue: { readonly request: Request } };
  readonly result: object;
  setResult(result: ResultLike): void;
}

/** The release of an operation's turn, kept on its context for the fallback in `onExecutionResult`. */
const RELEASE: unique symbol = Symbol('tessera.yoga.release');
type TurnHolder = { [RELEASE]?: Release };

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

function isMutation(args: ExecutionArgs): boolean {
  return getOperationAST(args.document, args.operationName ?? undefined)?.operation === 'mutation';
}

/**
 * Whether a batch may run a mutation. Parsed once more here (batches only) because the
 * operations of a batch start one by one while they share one session. An operation we
 * cannot read (a persisted query without text) counts as a possible mutation; one that does
 * not parse will not run.
 */
function batchMayMutate(batch: readonly GraphQLParams[]): boolean {
  return batch.some((params) => {
    if (typeof params.query !== 'string') return true;
    try {
      return getOperationAST(parse(params.query), params.operationName ?? undefined)?.operation !== 'query';
    } catch {
      return false;
    }
  });
}

/**
 * The Yoga plugin of tessera: puts this request's session on the context (loaded on first
 * use, one per HTTP request even when Yoga batches operations), applies the CSRF rule to
 * every mutation (the app's own too), commits when each operation's result is ready (so a
 * commit error is a GraphQL error of that operation, in `errors[]`), discards the changes of
 * an operation that failed, and attaches the decided `Set-Cookie`, `Vary: Cookie` and
 * `Cache-Control: no-store` to the response (no I/O there). It also withholds
 * credentialed CORS from origins the manager does not allow.
 *
 * @example
 * ```ts
 * import { createSchema, createYoga } from 'graphql-yoga';
 * import { createSessions, memoryStore } from 'tessera';
 * import { createSessionResolvers, sessionCors, sessionTypeDefs, useSessions } from 'tessera/yoga';
 *
 * const sessions = createSessions({ store: memoryStore(), secrets: [process.env.SESSION_SECRET!] });
 * const yoga = createYoga({
 *   schema: createSchema({ typeDefs: sessionTypeDefs, resolvers: createSessionResolvers({ authenticate }) }),
 *   cors: sessionCors(sessions),
 *   plugins: [useSessions(sessions)],
 * });
 * ```
 */
export function useSessions<Data extends SessionData>(sessions: SessionManager<Data>): Plugin<SessionContext<Data>> {
  const perRequest = new RequestSessions(sessions);
  let logger: YogaLogger | undefined;
  const logInternal = (error: SessionError): void => logger?.error(error);

  /** The errors to report for a failed commit: a session error by the table, anything else thrown on. */
  function commitFailed(error: unknown): GraphQLError[] {
    if (!(error instanceof SessionError)) throw error;
    if (error.status >= 500) logInternal(error);
    return [toGraphQLError(error)];
  }

  /**
   * Settles an operation's session changes and returns the errors to report. A failed
   * mutation's changes are discarded (DESIGN.md §3: never half-applied); a failed query
   * changed nothing to discard, and skipping its commit only postpones a touch.
   */
  async function settle(session: Session<Data>, mutation: boolean, errors: readonly GraphQLError[]): Promise<GraphQLError[]> {
    if (errors.length > 0) {
      if (mutation) sessions.discard(session);
      return [...errors];
    }
    // Nothing to persist: `onResponse` writes the headers, as it does after a commit.
    if (!sessions.needsCommit(session)) return [];
    try {
      await sessions.commit(session);
      return [];
    } catch (error) {
      return commitFailed(error);
    }
  }

  /**
   * {@link settle} for the common end of a query: its session is loaded, its result has no
   * errors. The commit's own promise is the hook's, without the frames of `finish` and `settle`.
   */
  function commitQuery(session: Session<Data>, payload: ExecuteDonePayload): Promise<void> {
    return sessions.commit(session).then(undefined, (error: unknown) => {
      payload.setResult({ ...payload.result, errors: commitFailed(error) });
    });
  }

  /** Commits (or discards) what the operation did once its session is known, and reports the outcome in its result. */
  async function finish(request: Request, mutation: boolean, payload: ExecuteDonePayload): Promise<void> {
    const { result } = payload;
    const session = perRequest.settled(request) ?? (await perRequest.loaded(request));
    if (isAsyncIterable(result)) {
      // A stream's headers leave with its first payload: commit what the operation did up
      // to now; `onResponse` then closes the session, so a later change throws where it is made.
      if (session !== null && sessions.needsCommit(session)) await sessions.commit(session);
      return;
    }
    const errors = (result as ResultLike).errors ?? [];
    const translated = errors.length === 0 ? null : translateErrors(errors, logInternal);
    const reported = session === null ? (translated ?? errors) : await settle(session, mutation, translated ?? errors);
    if (translated === null && reported.length === errors.length) return;
    payload.setResult({ ...result, errors: reported });
  }

  /**
   * The end of an operation that holds no turn (a query of a request without mutations). When
   * nothing loaded the session and no session error needs translating, or the loaded session
   * has nothing to commit, it returns without a promise, so Yoga's result path stays synchronous.
   */
  function queryDone(payload: ExecuteDonePayload): Promise<void> | undefined {
    const request = payload.args.contextValue.request;
    if (!perRequest.started(request)) {
      if (isAsyncIterable(payload.result)) return undefined;
      const errors = (payload.result as ResultLike).errors;
      if (errors === undefined || errors.length === 0) return undefined;
      const translated = translateErrors(errors, logInternal);
      if (translated !== null) payload.setResult({ ...payload.result, errors: translated });
      return undefined;
    }
    const session = perRequest.settled(request);
    if (session !== null && !isAsyncIterable(payload.result) && !(payload.result as ResultLike).errors?.length) {
      // Nothing to persist (the usual read): no promise, so Yoga's result path stays
      // synchronous; `onResponse` writes the headers, as it does after a commit.
      return sessions.needsCommit(session) ? commitQuery(session, payload) : undefined;
    }
    return finish(request, false, payload);
  }
  /** One object for every such operation: no hook closure per request. */
  const queryHooks = { onExecuteDone: queryDone };

  /** A mutation, or a query beside a mutation of the same batch: waits for its turn, gives it back at the end. */
  async function takeTurn(context: TurnHolder, request: Request, mutation: boolean): Promise<{ onExecuteDone: (payload: ExecuteDonePayload) => Promise<void> }> {
    const release = await perRequest.turn(request, mutation);
    context[RELEASE] = release;
    return {
      async onExecuteDone(payload) {
        try {
          await finish(request, mutation, payload);
        } finally {
          release();
        }
      },
    };
  }

  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },

    onRequestParse({ request }) {
      // Yoga refuses mutations over GET (usePreventMutationViaGET, always on), so a GET request
      // is read-only whatever it parses into: no hook, which keeps the parse free of a closure
      // and of the round of promise helpers Yoga runs over a non-empty hook list.
      if (request.method === 'GET') return undefined;
      return {
        onRequestParseDone({ requestParserResult }) {
          if (Array.isArray(requestParserResult)) perRequest.decideReadOnly(request, !batchMayMutate(requestParserResult));
        },
      };
    },

    onContextBuilding({ context, extendContext }) {
      const request = context.request;
      extendContext({ session: () => perRequest.load(request), sessions });
    },

    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue;
      const request = context.request;
      const mutation = isMutation(args);
      if (mutation) {
        try {
          sessions.assertSameOrigin(request);
        } catch (error) {
          if (!(error instanceof SessionError)) throw error;
          setResultAndStopExecution({ errors: [toGraphQLError(error)] });
          return undefined;
        }
      }
      // A request that runs no mutation needs no turns: its session is closed on load, so its
      // queries cannot change it, and nothing of theirs can be discarded or half-committed.
      if (perRequest.decideReadOnly(request, !mutation) && !mutation) return queryHooks;
      return takeTurn(context as TurnHolder, request, mutation);
    },

    onExecutionResult({ context }) {
      // execute() itself threw, so onExecuteDone never ran: give the turn back all the same.
      (context as TurnHolder)[RELEASE]?.();
    },

    onResponse({ request, response }) {
      perRequest.respond(request, response.headers);
      withholdCredentialedCors(sessions, request, response.headers);
    },
  };
}
