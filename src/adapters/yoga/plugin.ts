import { getOperationAST, OperationTypeNode, type ExecutionArgs, type GraphQLError } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import { SessionError, type AnySessionScope, type NodeRequestLike, type OperationKind, type ScopeData, type ScopeOf, type SessionData, type SessionManager, type SessionScope } from '../../index.js';
import type { SessionContext } from './context.js';
import { toGraphQLError, translateErrors } from './errors.js';

/** The operation an execution runs, kept on its context until its end is reported. */
const OPERATION: unique symbol = Symbol('tessera.yoga.operation');

interface OperationContext {
  readonly sessionScope: SessionScope<SessionData>;
  [OPERATION]?: OperationKind | undefined;
}

/** What `onExecuteDone` receives, as far as this plugin reads it: one result, or a stream of them. */
interface ExecuteDonePayload {
  readonly args: { readonly contextValue: unknown };
  readonly result: object;
  setResult(result: { readonly errors?: readonly GraphQLError[] }): void;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

/**
 * The Node request in Yoga's server context (`{ req, res }` on Node), if any: it carries the peer
 * address. When a body parser ran before Yoga (`req.body` is set), @whatwg-node/server has
 * relabelled the request `application/json`: its Content-Type is then unknown to the CSRF rule.
 */
function nodeRequestOf(context: object): NodeRequestLike | undefined {
  const req = (context as { readonly req?: NodeRequestLike & { readonly body?: unknown } }).req;
  if (typeof req?.headers !== 'object' || typeof (req.headers as { get?: unknown }).get === 'function') return undefined;
  return req.body === undefined ? req : { method: req.method, socket: req.socket, headers: { ...req.headers, 'content-type': undefined } };
}

function isMutation(args: ExecutionArgs): boolean {
  return getOperationAST(args.document, args.operationName ?? undefined)?.operation === OperationTypeNode.MUTATION;
}

/**
 * The Yoga plugin of tessera: opens the core's session scope per HTTP request and puts the
 * session on the context (loaded on first use, one per request even when Yoga batches
 * operations), runs each operation in it (a mutation as a write, which must pass the CSRF
 * rule, a query or subscription as a read), reports a commit's error in the operation's
 * `errors[]`, and has the scope attach the decided headers to the response.
 *
 * @example
 * ```ts
 * import { createSchema, createYoga } from 'graphql-yoga';
 * import { createSessions, memoryStore } from 'tessera';
 * import { createSessionResolvers, sessionCors, sessionTypeDefs, useSessions } from 'tessera/yoga';
 *
 * const sessions = createSessions({ store: memoryStore(), secrets: [process.env['SESSION_SECRET'] ?? ''] });
 * const yoga = createYoga({
 *   schema: createSchema({ typeDefs: sessionTypeDefs, resolvers: createSessionResolvers({ authenticate: () => null }) }),
 *   cors: sessionCors(sessions),
 *   plugins: [useSessions(sessions)],
 * });
 * ```
 */
export function useSessions<Manager extends SessionManager<never, AnySessionScope>>(sessions: Manager): Plugin<SessionContext<ScopeData<ScopeOf<Manager>>, ScopeOf<Manager>>> {
  type Scope = ScopeOf<Manager>;
  // The operations of one HTTP request share its scope, kept on the request: a WeakMap entry per
  // request would cost the collector ephemeron work (BENCHMARKS.md, "Where the cost goes").
  const SCOPE: unique symbol = Symbol('tessera.yoga.scope');
  let logger: YogaLogger | undefined;
  const logInternal = (error: SessionError): void => logger?.error(error);

  function scopeOf(request: Request & { [SCOPE]?: Scope }, node?: NodeRequestLike): Scope {
    return (request[SCOPE] ??= sessions.open(node ?? request) as Scope);
  }

  /** Ends the operation and reports what it did: session errors by the table, a commit's failure as the operation's error. */
  function onExecuteDone(payload: ExecuteDonePayload): Promise<void> | undefined {
    const context = payload.args.contextValue as OperationContext;
    const kind = context[OPERATION];
    if (kind === undefined) return undefined;
    context[OPERATION] = undefined;
    const scope = context.sessionScope;
    const { result } = payload;
    // A stream's headers leave with its first payload: commit what the operation did up to now.
    if (isAsyncIterable(result)) return scope.end(kind);
    const errors = (result as { readonly errors?: readonly GraphQLError[] }).errors ?? [];
    const translated = errors.length === 0 ? null : translateErrors(errors, logInternal);
    const report = (failure?: SessionError): void => {
      if (failure !== undefined && failure.status >= 500) logInternal(failure);
      if (translated !== null || failure !== undefined) payload.setResult({ ...result, errors: [...(translated ?? errors), ...(failure === undefined ? [] : [toGraphQLError(failure)])] });
    };
    const ending = scope.end(kind, errors.length > 0);
    if (ending === undefined) return void report();
    return ending.then(
      () => report(),
      (error: unknown) => {
        if (!(error instanceof SessionError)) throw error;
        report(error);
      },
    );
  }
  /** One object for every operation: no hook closure per request. */
  const hooks = { onExecuteDone };

  return {
    onYogaInit({ yoga }) {
      logger = yoga.logger;
    },

    onContextBuilding({ context, extendContext }) {
      const scope = scopeOf(context.request, nodeRequestOf(context));
      const typed = scope as unknown as SessionScope<ScopeData<Scope>>;
      extendContext({ session: () => typed.session(), sessionScope: scope, sessions: sessions as unknown as SessionManager<ScopeData<Scope>, Scope> });
    },

    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as unknown as OperationContext;
      const kind: OperationKind = isMutation(args) ? 'write' : 'read';
      let turn: Promise<void> | undefined;
      try {
        turn = context.sessionScope.begin(kind);
      } catch (error) {
        if (!(error instanceof SessionError)) throw error;
        setResultAndStopExecution({ errors: [toGraphQLError(error)] });
        return undefined;
      }
      context[OPERATION] = kind;
      return turn === undefined ? hooks : turn.then(() => hooks);
    },

    onExecutionResult({ context }) {
      // execute() itself threw, so onExecuteDone never ran: end the operation all the same.
      const operation = context as unknown as OperationContext;
      const kind = operation[OPERATION];
      operation[OPERATION] = undefined;
      if (kind !== undefined) void operation.sessionScope.end(kind, true)?.catch(logInternal);
    },

    onResponse({ request, response }) {
      // Every response, also one no operation ran for (a preflight, a parse error): the scope
      // withholds credentialed CORS from origins the manager does not allow.
      scopeOf(request).respond(response.headers);
    },
  };
}
