import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore } from 'tessera';
import {
  LoginMutation,
  LogoutMutation,
  MySessionsQuery,
  RevokeOtherSessionsMutation,
  RevokeSessionMutation,
  RotateSessionMutation,
  SessionQuery,
  createSessionClient,
  type FetchLike,
} from '../../examples/yoga/client.js';
import { createExampleServer } from '../../examples/yoga/server.js';
import { browser } from '../helpers/cookie-jar.js';

const root = new URL('../../', import.meta.url);

describe('examples/yoga/graphql-env.d.ts', () => {
  it('is what gql.tada generates from schema/session.graphql today (regenerate: npx gql.tada generate-output --tsconfig examples/yoga/tsconfig.json)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tessera-tada-'));
    try {
      const output = join(dir, 'graphql-env.d.ts');
      await writeFile(output, '');
      const cli = new URL('node_modules/gql.tada/bin/cli.js', root).pathname;
      await promisify(execFile)(process.execPath, [cli, 'generate-output', '--tsconfig', 'examples/yoga/tsconfig.json', '--output', output], { cwd: root.pathname });
      const committed = await readFile(new URL('examples/yoga/graphql-env.d.ts', root), 'utf8');
      expect(await readFile(output, 'utf8')).toBe(committed);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the typed client against the example server', () => {
  let server: Server;
  let endpoint: string;
  beforeAll(async () => {
    server = await createExampleServer({ store: memoryStore(), secrets: ['example-test-secret-at-least-32-bytes-long'] });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** fetch with a browser-rules cookie jar, as `credentials: 'include'` would behave. */
  const jarFetch = (): FetchLike => browser().fetch;

  it('signs in, reads, lists, rotates, revokes and signs out with typed results', async () => {
    const laptop = createSessionClient(endpoint, jarFetch());
    const phone = createSessionClient(endpoint, jarFetch());

    const bad = await laptop.execute(LoginMutation, { input: { username: 'ada', password: 'wrong' } });
    expect(bad.data).toBeNull();
    expect(bad.errors[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const signedIn = await laptop.execute(LoginMutation, { input: { username: 'ada', password: 'correct horse battery staple' } });
    expect(signedIn.data?.login.userId).toBe('user-ada');
    await phone.execute(LoginMutation, { input: { username: 'ada', password: 'correct horse battery staple' } });

    const session = await laptop.execute(SessionQuery);
    expect(session.data?.session.id).toBe(signedIn.data?.login.id);
    const rows = (await laptop.execute(MySessionsQuery)).data?.mySessions ?? [];
    expect(rows).toHaveLength(2);
    const phoneId = rows.find((row) => !row.current)?.id as string;

    const rotated = await laptop.execute(RotateSessionMutation);
    expect(rotated.data?.rotateSession.id).toBe(session.data?.session.id);
    expect((await laptop.execute(SessionQuery)).data?.session.userId).toBe('user-ada');

    expect((await laptop.execute(RevokeSessionMutation, { id: phoneId })).data?.revokeSession).toBe(true);
    expect((await phone.execute(SessionQuery)).data?.session.userId).toBeNull();
    expect((await laptop.execute(RevokeOtherSessionsMutation)).data?.revokeOtherSessions).toBe(0);

    expect((await laptop.execute(LogoutMutation)).data?.logout).toBe(true);
    expect((await laptop.execute(SessionQuery)).data?.session.userId).toBeNull();
  });
});
