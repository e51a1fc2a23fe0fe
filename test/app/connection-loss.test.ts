import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, startAppProcess, type AppProcess } from '../helpers/app-process.js';
import { postgresBackend, type BackendEnv } from '../helpers/backends.js';
import { postgresOrSkip } from '../helpers/services.js';
import { sharedJar } from '../helpers/shared-jar.js';

/*
 * A production fault: PostgreSQL ends the app's idle pooled connections (a restart, a
 * failover, an operator's pg_terminate_backend). node-postgres reports that as an `error`
 * event on the Pool; without a listener Node throws it and the process dies. The example
 * attaches one (`examples/fullstack/src/database.ts`), so it logs one line and carries on.
 *
 * The app runs as a child process in a PostgreSQL schema of its own, with an
 * `application_name` (PGAPPNAME) of its own, and only its connections are terminated.
 *
 * Control switch: TESSERA_EXAMPLE_NO_POOL_ERROR_HANDLER=1, which only this test sets, makes
 * the example leave its pools without `error` listeners; the same fault must then kill the
 * process, which shows the test can fail.
 */

const service = await postgresOrSkip();

/** Terminates every backend of `applicationName`; resolves how many there were. */
async function terminate(applicationName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: service!.url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ended: boolean }>('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    return rows.filter((row) => row.ended).length;
  } finally {
    await admin.end();
  }
}

/** `exited` if the process exits within `ms`, else `alive`. */
function exitWithin(app: AppProcess, ms: number): Promise<'alive' | number | NodeJS.Signals> {
  return Promise.race([app.exited, new Promise<'alive'>((resolve) => setTimeout(() => resolve('alive'), ms))]);
}

describe.skipIf(!service)('the example app on PostgreSQL when the server terminates its connections', () => {
  let server: Awaited<ReturnType<typeof buildServer>> | undefined;
  const opened: { backend: BackendEnv; app?: AppProcess }[] = [];

  beforeAll(async () => {
    server = await buildServer();
  });
  afterAll(async () => {
    for (const { backend, app } of opened) {
      await app?.stop();
      await backend.cleanup();
    }
    server?.remove();
  });

  /** The app in a schema of its own, signed in as alice, its pool holding idle connections. */
  async function signedInApp(env: Readonly<Record<string, string>> = {}) {
    const backend = await postgresBackend(service!);
    const run: { backend: BackendEnv; app?: AppProcess } = { backend };
    opened.push(run);
    const app = await startAppProcess(server!.path, { ...backend.env, ...env });
    run.app = app;
    const browser = sharedJar();
    const signedIn = await browser.trpc(app.url).session.login.mutate({ username: 'alice', password: 'alice-password' });
    expect(signedIn.userId).toBe('user-alice');
    return { app, browser, applicationName: backend.env['PGAPPNAME']!, url: backend.env['DATABASE_URL']! };
  }

  it('logs the lost connections, stays up, and answers a later request', async () => {
    const { app, browser, applicationName, url } = await signedInApp();
    expect(await terminate(applicationName)).toBeGreaterThan(0);
    expect(await exitWithin(app, 500)).toBe('alive');

    let userId: string | null | undefined;
    const deadline = Date.now() + 5000;
    while (userId === undefined && Date.now() < deadline) {
      try {
        userId = (await browser.trpc(app.url).session.me.query()).userId;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    expect(userId).toBe('user-alice');
    expect(app.child.exitCode).toBeNull();
    expect(app.stderr()).toContain('a database connection failed and leaves the pool');
    // The log line names neither the connection string nor the schema it selects.
    expect(app.stderr()).not.toContain(url);
    expect(app.stderr()).not.toContain('postgres://');
  });

  it('control: without the pool error listener (TESSERA_EXAMPLE_NO_POOL_ERROR_HANDLER=1) the same fault kills the process', async () => {
    const { app, applicationName } = await signedInApp({ TESSERA_EXAMPLE_NO_POOL_ERROR_HANDLER: '1' });
    expect(await terminate(applicationName)).toBeGreaterThan(0);
    const outcome = await exitWithin(app, 5000);
    expect(outcome).not.toBe('alive');
    expect(outcome).not.toBe(0);
    expect(app.stderr()).toContain('terminating connection due to administrator command');
  });
});
