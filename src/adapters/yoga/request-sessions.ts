import type { Session, SessionData, SessionManager } from '../../index.js';
import { Turns, type Release } from './turns.js';

/** One HTTP request's session, shared by every operation Yoga runs for it. */
interface RequestSession<Data extends SessionData> {
  loading: Promise<Session<Data>> | null;
  session: Session<Data> | null;
  /** The response has been built: a session loaded from now on is born closed. */
  responded: boolean;
  /**
   * The request runs no mutation, so its session is read-only (closed on load; the touch
   * still happens at commit). `undefined` until known: for a batch, once it is parsed; for a
   * single operation, when it starts executing.
   */
  readOnly: boolean | undefined;
  /** Operations of the request take turns: mutations alone, queries side by side. Made on first use. */
  turns: Turns | null;
}

type Keyed<Data extends SessionData> = Partial<Record<symbol, RequestSession<Data>>>;

/**
 * Per-request session cache. Yoga builds a context per operation (batching runs each
 * operation on `Object.create(serverContext)`), but all operations share the `Request`,
 * so the entry is kept on it, under a symbol only this instance holds: a module `WeakMap`
 * keyed by the request would cost garbage-collector (ephemeron) work on every request. A
 * request object that cannot take a property (frozen) falls back to a `WeakMap`.
 */
export class RequestSessions<Data extends SessionData> {
  readonly #sessions: SessionManager<Data>;
  readonly #key = Symbol('tessera.yoga.requestSession');
  #frozen: WeakMap<Request, RequestSession<Data>> | null = null;

  constructor(sessions: SessionManager<Data>) {
    this.#sessions = sessions;
  }

  /** Loads the request's session once; later calls share the same promise. */
  load(request: Request): Promise<Session<Data>> {
    const entry = this.#entry(request);
    entry.loading ??= this.#sessions.load(request).then((session) => {
      entry.session = session;
      // DESIGN.md §4: queries never write (a POSTed query included); a write throws where it is made.
      if (entry.responded || entry.readOnly === true) this.#sessions.close(session);
      return session;
    });
    return entry.loading;
  }

  /** Records whether the request runs any mutation; the first answer stands and is returned. */
  decideReadOnly(request: Request, readOnly: boolean): boolean {
    const entry = this.#entry(request);
    entry.readOnly ??= readOnly;
    return entry.readOnly;
  }

  /** Whether a load was started for this request (it may still be pending). */
  started(request: Request): boolean {
    return this.#find(request)?.loading != null;
  }

  /** The session once its load has finished; `null` before, and when none was asked for. Synchronous. */
  settled(request: Request): Session<Data> | null {
    return this.#find(request)?.session ?? null;
  }

  /** The session if one was loaded (or is loading) for this request; never starts a load. */
  async loaded(request: Request): Promise<Session<Data> | null> {
    const entry = this.#find(request);
    if (!entry?.loading) return null;
    // A failed load already surfaced in the resolver that asked; there is nothing to commit.
    return entry.loading.catch(() => null);
  }

  /** Waits for this operation's turn (see {@link Turns}): alone for a mutation, beside other queries for a query. */
  turn(request: Request, alone: boolean): Promise<Release> {
    const entry = this.#entry(request);
    const turns = (entry.turns ??= new Turns());
    return alone ? turns.exclusive() : turns.shared();
  }

  /**
   * Attaches the headers earlier commits decided and closes the session: the response
   * is built, so a later change could not be sent and must throw where it is made.
   */
  respond(request: Request, headers: Headers): void {
    const entry = this.#find(request);
    if (!entry) return;
    entry.responded = true;
    if (entry.session === null) return;
    this.#sessions.writeHeaders(entry.session, headers);
    this.#sessions.close(entry.session);
  }

  #find(request: Request): RequestSession<Data> | undefined {
    return (request as unknown as Keyed<Data>)[this.#key] ?? this.#frozen?.get(request);
  }

  #entry(request: Request): RequestSession<Data> {
    let entry = this.#find(request);
    if (!entry) {
      entry = { loading: null, session: null, responded: false, readOnly: undefined, turns: null };
      if (Object.isExtensible(request)) (request as unknown as Keyed<Data>)[this.#key] = entry;
      else (this.#frozen ??= new WeakMap()).set(request, entry);
    }
    return entry;
  }
}
