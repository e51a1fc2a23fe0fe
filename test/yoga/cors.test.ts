import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionCors } from '../../src/adapters/yoga/index.js';
import { createSessions, memoryStore, type SessionData, type Sessions } from '../../src/index.js';
import { Browser, SECRET, SESSION, startServer, type TestServer } from '../helpers/yoga-app.js';

const LISTED = 'https://app.example.com';
const EVIL = 'https://evil.example';

let yogaDefault: TestServer;
let withHelper: TestServer;
beforeAll(async () => {
  // Yoga's default CORS policy reflects any Origin with credentials; the plugin must withhold that.
  yogaDefault = await startServer({ config: { allowedOrigins: [LISTED] } });
  const sessions: Sessions<SessionData> = createSessions({ store: memoryStore(), secrets: [SECRET], allowedOrigins: [LISTED] });
  withHelper = await startServer({ config: { allowedOrigins: [LISTED] }, yoga: { cors: sessionCors(sessions, { maxAgeSeconds: 600 }) } });
});
afterAll(async () => {
  await yogaDefault.close();
  await withHelper.close();
});

function preflight(server: TestServer, origin: string): Promise<Response> {
  return fetch(server.url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
}

async function simple(server: TestServer, origin: string): Promise<Headers> {
  const response = await new Browser(server).gql(SESSION, undefined, { origin, 'sec-fetch-site': 'cross-site' });
  return response.headers;
}

describe('credentialed CORS only for listed origins', () => {
  for (const [name, server] of [
    ["Yoga's default policy + useSessions", () => yogaDefault],
    ['sessionCors(sessions)', () => withHelper],
  ] as const) {
    describe(name, () => {
      it('an unlisted origin gets no Access-Control-Allow-Origin / -Credentials, on the request or its preflight', async () => {
        const headers = await simple(server(), EVIL);
        expect(headers.get('access-control-allow-origin')).toBeNull();
        expect(headers.get('access-control-allow-credentials')).toBeNull();
        const pre = await preflight(server(), EVIL);
        expect(pre.headers.get('access-control-allow-origin')).toBeNull();
        expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
      });

      it('a listed origin is granted with credentials, and the answer varies by Origin', async () => {
        const headers = await simple(server(), LISTED);
        expect(headers.get('access-control-allow-origin')).toBe(LISTED);
        expect(headers.get('access-control-allow-credentials')).toBe('true');
        expect(headers.get('vary')).toMatch(/Origin/);
        const pre = await preflight(server(), LISTED);
        expect(pre.status).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe(LISTED);
        expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
        expect(pre.headers.get('access-control-allow-methods')).toMatch(/POST/);
      });

      it('a null Origin (sandboxed iframe, file:) is never granted', async () => {
        const headers = await simple(server(), 'null');
        expect(headers.get('access-control-allow-origin')).toBeNull();
        expect(headers.get('access-control-allow-credentials')).toBeNull();
      });
    });
  }

  it('sessionCors sends Access-Control-Max-Age on preflights when asked', async () => {
    expect((await preflight(withHelper, LISTED)).headers.get('access-control-max-age')).toBe('600');
  });

  it("an app's own permissive policy (origin '*', which Yoga answers by reflecting the Origin) grants an unlisted origin nothing", async () => {
    const server = await startServer({ yoga: { cors: { origin: '*', credentials: true } } });
    try {
      const headers = await simple(server, EVIL);
      expect(headers.get('access-control-allow-origin')).toBeNull();
      expect(headers.get('access-control-allow-credentials')).toBeNull();
    } finally {
      await server.close();
    }
  });
});
