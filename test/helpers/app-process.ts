import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildExample } from '../../examples/fullstack/build.mjs';

/** The example app's own settings: never inherited from the test's environment. */
const APP_VARIABLES = ['PORT', 'HOST', 'DATA_DIR', 'SESSION_SECRET', 'TRUST_PROXY', 'DATABASE_URL', 'REDIS_URL', 'REDIS_PREFIX', 'SESSION_STORE', 'PGAPPNAME', 'TESSERA_EXAMPLE_NO_POOL_ERROR_HANDLER'];

/**
 * Builds the example server with `buildExample()` and copies the bundle to a file of this
 * run's own (beside the original, so its packages resolve the same), because other test
 * files rebuild the shared bundle while this one spawns it. Remove the copy when done.
 */
export async function buildServer(): Promise<{ readonly path: string; remove(): void }> {
  for (let attempt = 0; ; attempt++) {
    const built = await buildExample();
    const first = readFileSync(built);
    const path = join(dirname(built), `app-process-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
    copyFileSync(built, path);
    // A concurrent build rewrites the same bytes; a copy taken mid-write differs from them.
    if (first.length > 0 && first.equals(readFileSync(path))) return { path, remove: () => rmSync(path, { force: true }) };
    rmSync(path, { force: true });
    if (attempt === 4) throw new Error('the example bundle kept changing while it was copied');
  }
}

/** One example-app process. */
export interface AppProcess {
  /** `http://127.0.0.1:<port>`, as the process printed it. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** SIGTERM (a clean close) and wait for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `node <server>` with the app's settings from `env` only (`PORT=0`: the app picks a
 * free port and prints its URL, which this resolves with). Rejects with the process's own
 * message if it exits before listening.
 */
export function startAppProcess(server: string, env: Readonly<Record<string, string>>): Promise<AppProcess> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !APP_VARIABLES.includes(name)));
  const child = spawn(process.execPath, [server], { env: { ...inherited, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise<AppProcess>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const url = /example app on (http:\/\/[^\s]+)/.exec(stdout)?.[1];
      if (url === undefined) return;
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({
        url,
        child,
        exited,
        stderr: () => stderr,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`the example app exited (${code}) before listening: ${stderr.trim() || stdout.trim()}`)));
  });
}
