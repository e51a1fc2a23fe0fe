import type { Store } from 'tessera';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { backendMatrix, openSessionStore, type Backend } from '../helpers/backends.js';
import { manualClock } from '../helpers/clock.js';
import { startApp, visitor, type ExampleAppOptions } from '../helpers/example-app.js';

export { visitor };
export type AttackApp = Awaited<ReturnType<typeof startApp>> & { clock: ReturnType<typeof manualClock> };

/** The backends of the attack suite: SQLite always; PostgreSQL when it runs here (mandatory under TESSERA_REQUIRE_SERVICES=1). */
export function attackBackends(): Promise<Backend[]> {
  return backendMatrix(['sqlite', 'postgres']);
}

/** Where one run of the attack suite keeps its data, and the session store on it. */
export interface BackendRun {
  /** Options for `startApp`: the database the app's users live in. */
  readonly appOptions: Pick<ExampleAppOptions, 'dataDir' | 'databaseUrl'>;
  /** A handle on the backend's session table: the app's store (wrapped by a control), and the probes'. */
  readonly store: Store;
  cleanup(): Promise<void>;
}

/** Opens a fresh copy of `backend` and a session store on it. */
async function openRun(backend: Backend): Promise<BackendRun> {
  const opened = await backend.open();
  const { store, close } = await openSessionStore(opened);
  const databaseUrl = opened.env['DATABASE_URL'];
  return {
    appOptions: { dataDir: opened.env['DATA_DIR']!, ...(databaseUrl === undefined ? {} : { databaseUrl }) },
    store,
    async cleanup() {
      await close();
      await opened.cleanup();
    },
  };
}

/** The example app on one backend run, optionally with a defence switched off through its store. */
export async function attackApp(
  run: BackendRun,
  options: { wrap?: (store: Store) => Store; sessions?: ExampleAppOptions['sessions']; secrets?: string[]; trustProxy?: number } = {},
): Promise<AttackApp> {
  const clock = manualClock(Date.now());
  const app = await startApp({
    ...run.appOptions,
    store: options.wrap ? options.wrap(run.store) : run.store,
    clock: clock.now,
    ...(options.sessions ? { sessions: options.sessions } : {}),
    ...(options.secrets ? { secrets: options.secrets } : {}),
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
  });
  return Object.assign(app, { clock });
}

/** A raw HTTP request to the app with exactly the headers given (no jar, no browser defaults). */
export function raw(app: { url: string }, path: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit } = {}): Promise<Response> {
  return fetch(`${app.url}${path}`, { method: init.method ?? 'GET', headers: init.headers ?? {}, ...(init.body !== undefined ? { body: init.body } : {}) });
}

/** `me` through tRPC with a fixed cookie header: the user id, or null. */
export async function whoIs(app: { url: string }, cookie: string): Promise<string | null> {
  const response = await raw(app, '/trpc/session.me', { headers: { cookie } });
  const body = (await response.json()) as { result?: { data?: { userId: string | null } } };
  if (response.status !== 200) throw new Error(`session.me answered ${response.status}`);
  return body.result?.data?.userId ?? null;
}

/** A same-origin JSON POST as the app's page would send, with a fixed cookie. */
export function pagePost(app: { url: string }, path: string, body: unknown, cookie?: string): Promise<Response> {
  return raw(app, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: app.url, 'sec-fetch-site': 'same-origin', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

/** `sid=<value>` from a visitor's jar. */
export async function cookieOf(user: ReturnType<typeof visitor>): Promise<string> {
  const sid = await user.sid();
  if (!sid) throw new Error('the visitor holds no session cookie');
  return `sid=${sid}`;
}

/** Options of {@link attackApp}. */
export type AttackOptions = NonNullable<Parameters<typeof attackApp>[1]>;

/**
 * Opens the backend once for a describe block and closes every app a test started:
 * `const env = attackEnvironment(backend)`, then `const app = await env.start(options)`.
 */
export function attackEnvironment(backend: Backend): { readonly run: BackendRun; start(options?: AttackOptions): Promise<AttackApp> } {
  let run: BackendRun | undefined;
  let started: AttackApp[] = [];
  beforeAll(async () => {
    run = await openRun(backend);
  });
  afterEach(async () => {
    await Promise.all(started.map((app) => app.close()));
    started = [];
  });
  afterAll(async () => {
    await run?.cleanup();
  });
  return {
    get run(): BackendRun {
      if (!run) throw new Error('the backend is not open yet');
      return run;
    },
    async start(options: AttackOptions = {}): Promise<AttackApp> {
      const app = await attackApp(this.run, options);
      started.push(app);
      return app;
    },
  };
}
