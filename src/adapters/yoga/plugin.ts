import { getOperationAST, parse, type ExecutionArgs, type GraphQLError } from 'graphql';
import type { GraphQLParams } from 'graphql-yoga';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import { SessionError, type Session, type SessionData, type SessionManager } from '../../index.js';
import type { SessionContext } from './context.js';
import { withholdCredentialedCors } from './cors.js';
import { toGraphQLError, translateErrors } from './errors.js';
import { RequestSessions } from './request-sessions.js';

/** A result Yoga can hand to `onExecuteDone`: one payload, or a stream of them. */
interface ResultLike {
  readonly errors?: readonly GraphQLError[];
}

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
  /** The release of an operation's turn, by its context, for the fallback in `onExecutionResult`. */
  const releases = new WeakMap<object, () => void>();

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
    try {
      await sessions.commit(session);
      return [];
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      if (error.status >= 500) logInternal(error);
      return [toGraphQLError(error)];
    }
  }

  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },

    onRequestParse({ request }) {
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

    async onExecute({ args, setResultAndStopExecution }) {
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
      perRequest.decideReadOnly(request, !mutation);
      const release = await perRequest.turn(request, mutation);
      releases.set(context, release);
      return {
        async onExecuteDone({ result, setResult }) {
          try {
            const session = await perRequest.loaded(request);
            if (isAsyncIterable(result)) {
              // A stream's headers leave with its first payload: commit what the operation did up
              // to now; `onResponse` then closes the session, so a later change throws where it is made.
              if (session !== null) await sessions.commit(session);
              return;
            }
            const single = result as ResultLike;
            const translated = translateErrors(single.errors ?? [], logInternal);
            const errors = translated ?? single.errors ?? [];
            const reported = session === null ? errors : await settle(session, mutation, errors);
            if (translated === null && reported.length === errors.length) return;
            setResult({ ...result, errors: reported });
          } finally {
            release();
          }
        },
      };
    },

    onExecutionResult({ context }) {
      // execute() itself threw, so onExecuteDone never ran: give the turn back all the same.
      releases.get(context)?.();
    },

    onResponse({ request, response }) {
      perRequest.respond(request, response.headers);
      withholdCredentialedCors(sessions, request, response.headers);
    },
  };
}
