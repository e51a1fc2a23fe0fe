import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The example app's settings, read from the environment once at start. */
export interface AppEnvironment {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly secrets: string[];
  readonly trustProxy: number;
}

/**
 * Reads `PORT`, `HOST`, `DATA_DIR`, `SESSION_SECRET` and `TRUST_PROXY`. Without
 * `SESSION_SECRET` a secret is generated once into `DATA_DIR` (with a warning), so a
 * restart keeps everyone signed in. `SESSION_SECRET` may list older secrets after a comma.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = console.warn): AppEnvironment {
  const port = Number(env['PORT'] ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`PORT must be a port number, got "${env['PORT']}"`);
  const trustProxy = Number(env['TRUST_PROXY'] ?? 0);
  if (!Number.isInteger(trustProxy) || trustProxy < 0) throw new Error(`TRUST_PROXY must be a hop count (0, 1, 2…), got "${env['TRUST_PROXY']}"`);
  const dataDir = resolve(env['DATA_DIR'] ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  let secrets: string[];
  if (env['SESSION_SECRET']) {
    secrets = env['SESSION_SECRET'].split(',').map((secret) => secret.trim()).filter(Boolean);
  } else {
    const file = join(dataDir, 'session-secret');
    let secret: string;
    try {
      secret = readFileSync(file, 'utf8').trim();
    } catch {
      secret = randomBytes(32).toString('base64url');
      writeFileSync(file, `${secret}\n`, { mode: 0o600 });
      warn(`tessera example: SESSION_SECRET is not set; generated one into ${file} (set SESSION_SECRET in production)`);
    }
    secrets = [secret];
  }
  return { port, host: env['HOST'] ?? '127.0.0.1', dataDir, secrets, trustProxy };
}
