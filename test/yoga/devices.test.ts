import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, SESSION, startServer, type TestServer } from '../helpers/yoga-app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

const MY_SESSIONS = /* GraphQL */ `query { mySessions { id current createdAt lastSeenAt userAgent } }`;
const REVOKE = /* GraphQL */ `mutation Revoke($id: ID!) { revokeSession(id: $id) }`;
const REVOKE_OTHERS = /* GraphQL */ `mutation { revokeOtherSessions }`;

async function signedIn(username: string, userAgent: string): Promise<{ browser: Browser; id: string }> {
  const browser = new Browser(server);
  const response = await browser.gql(
    /* GraphQL */ `mutation L($u: String!, $p: String!) { login(input: { username: $u, password: $p }) { id } }`,
    { u: username, p: username === 'alice' ? 'correct horse' : 'battery staple' },
    { 'user-agent': userAgent },
  );
  return { browser, id: response.body.data.login.id as string };
}

async function userOf(browser: Browser): Promise<string | null> {
  return (await browser.gql(SESSION)).body.data.session.userId as string | null;
}

describe('device list and revocation', () => {
  it('mySessions and the revoke mutations are UNAUTHENTICATED (401) for an anonymous visitor', async () => {
    const browser = new Browser(server);
    for (const [query, variables] of [[MY_SESSIONS], [REVOKE, { id: 'x' }], [REVOKE_OTHERS]] as const) {
      const response = await browser.gql(query, variables);
      expect(response.status).toBe(401);
      expect(response.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
    }
  });

  it("lists the user's sessions with the current one marked; revoking someone else's id does nothing", async () => {
    const laptop = await signedIn('alice', 'Laptop/1.0');
    const phone = await signedIn('alice', 'Phone/2.0');
    const bob = await signedIn('bob', 'Bob/1.0');

    const listed = await laptop.browser.gql(MY_SESSIONS);
    const rows = listed.body.data.mySessions as { id: string; current: boolean; createdAt: string; lastSeenAt: string; userAgent: string | null }[];
    expect(rows.map((row) => row.id).sort()).toEqual([laptop.id, phone.id].sort());
    expect(rows.find((row) => row.current)?.id).toBe(laptop.id);
    expect(rows.filter((row) => row.current)).toHaveLength(1);
    expect(rows.find((row) => row.id === phone.id)?.userAgent).toBe('Phone/2.0');
    for (const row of rows) {
      expect(new Date(row.createdAt).toISOString()).toBe(row.createdAt);
      expect(new Date(row.lastSeenAt).toISOString()).toBe(row.lastSeenAt);
    }

    expect((await laptop.browser.gql(REVOKE, { id: bob.id })).body).toEqual({ data: { revokeSession: false } });
    expect(await userOf(bob.browser)).toBe('user-bob');
    expect((await laptop.browser.gql(REVOKE, { id: 'made-up-id' })).body).toEqual({ data: { revokeSession: false } });

    expect((await laptop.browser.gql(REVOKE, { id: phone.id })).body).toEqual({ data: { revokeSession: true } });
    expect(await userOf(phone.browser)).toBeNull();
    expect(await userOf(laptop.browser)).toBe('user-alice');
  });

  it('revoking the current session is a logout: the cookie is cleared too', async () => {
    const { browser, id } = await signedIn('alice', 'Tablet/1.0');
    const response = await browser.gql(REVOKE, { id });
    expect(response.body).toEqual({ data: { revokeSession: true } });
    expect(response.headers.getSetCookie()[0]).toMatch(/^sid=; Max-Age=0/);
    expect(await browser.token()).toBeNull();
  });

  it('revokeOtherSessions ends every other session of the user and returns how many', async () => {
    const keep = await signedIn('bob', 'A/1');
    const other1 = await signedIn('bob', 'B/1');
    const other2 = await signedIn('bob', 'C/1');
    const alice = await signedIn('alice', 'D/1');
    const response = await keep.browser.gql(REVOKE_OTHERS);
    expect(response.body.data.revokeOtherSessions).toBeGreaterThanOrEqual(2);
    expect(await userOf(other1.browser)).toBeNull();
    expect(await userOf(other2.browser)).toBeNull();
    expect(await userOf(keep.browser)).toBe('user-bob');
    expect(await userOf(alice.browser)).toBe('user-alice');
    const rows = (await keep.browser.gql(MY_SESSIONS)).body.data.mySessions as { id: string }[];
    expect(rows.map((row) => row.id)).toEqual([keep.id]);
  });
});
