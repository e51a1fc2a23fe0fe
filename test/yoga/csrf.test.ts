import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, SESSION, login, startServer, type TestServer } from '../helpers/yoga-app.js';

let server: TestServer;
let listed: TestServer;
beforeAll(async () => {
  server = await startServer();
  listed = await startServer({ config: { allowedOrigins: ['https://app.example.com'] } });
});
afterAll(async () => {
  await server.close();
  await listed.close();
});

const SET = /* GraphQL */ `mutation { setKey(key: "victim", value: "written") }`;
const KEYS = /* GraphQL */ `query { keys }`;

/** A signed-in browser, and a check that the forged request changed nothing. */
async function victim(s: TestServer = server): Promise<{ browser: Browser; unchanged(): Promise<void> }> {
  const browser = new Browser(s);
  await login(browser);
  const token = await browser.token();
  return {
    browser,
    async unchanged() {
      expect(await browser.token()).toBe(token);
      const check = await browser.gql(/* GraphQL */ `query { keys session { userId } }`);
      expect(check.body.data).toEqual({ keys: [], session: { userId: 'user-alice' } });
    },
  };
}

function expectForbidden(response: { status: number; body: { data?: unknown; errors?: { extensions?: unknown }[] } }): void {
  expect(response.status).toBe(403);
  expect(response.body.data).toBeUndefined();
  expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'FORBIDDEN' });
}

describe('CSRF: every mutation, the app’s own included, passes the core rule', () => {
  it('a JSON mutation with Sec-Fetch-Site: cross-site is refused with FORBIDDEN (403) and not executed', async () => {
    const { browser, unchanged } = await victim();
    expectForbidden(await browser.gql(SET, undefined, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }));
    expectForbidden(await browser.gql(/* GraphQL */ `mutation { logout }`, undefined, { 'sec-fetch-site': 'cross-site' }));
    await unchanged();
  });

  it("the app's own mutation that never touches the session is refused too", async () => {
    const response = await new Browser(server).gql(/* GraphQL */ `mutation { ping }`, undefined, { 'sec-fetch-site': 'cross-site' });
    expectForbidden(response);
  });

  it('a foreign or null Origin is refused even without Fetch Metadata (older browsers)', async () => {
    const { browser, unchanged } = await victim();
    expectForbidden(await browser.gql(SET, undefined, { 'sec-fetch-site': '', origin: 'https://evil.example' }));
    expectForbidden(await browser.gql(SET, undefined, { 'sec-fetch-site': '', origin: 'null' }));
    expectForbidden(await browser.gql(SET, undefined, { 'sec-fetch-site': '', origin: `${server.origin}.evil.example` }));
    await unchanged();
  });

  it('a form-encoded mutation (what a cross-site HTML form sends) is refused', async () => {
    const { browser, unchanged } = await victim();
    const form = new URLSearchParams({ query: SET }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': '', origin: '' };
    expectForbidden(await browser.request(null, { rawBody: form, headers }));
    expectForbidden(await browser.request(null, { rawBody: new URLSearchParams({ query: 'mutation { logout }' }).toString(), headers }));
    await unchanged();
  });

  it('a text/plain body never runs a mutation', async () => {
    const { browser, unchanged } = await victim();
    const response = await browser.request(null, { rawBody: JSON.stringify({ query: SET }), headers: { 'content-type': 'text/plain', 'sec-fetch-site': '', origin: '' } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    await unchanged();
  });

  it('a multipart mutation runs only with Sec-Fetch-Site: same-origin or a custom header (uploads from the app’s own pages)', async () => {
    const { browser, unchanged } = await victim();
    const multipart = (): FormData => {
      const body = new FormData();
      body.set('operations', JSON.stringify({ query: SET }));
      body.set('map', '{}');
      return body;
    };
    expectForbidden(await browser.request(null, { rawBody: multipart(), headers: { 'content-type': '', 'sec-fetch-site': '', origin: '' } }));
    expectForbidden(await browser.request(null, { rawBody: multipart(), headers: { 'content-type': '', 'sec-fetch-site': 'same-site' } }));
    await unchanged();

    const sameOrigin = await browser.request(null, { rawBody: multipart(), headers: { 'content-type': '' } });
    expect(sameOrigin.body).toEqual({ data: { setKey: true } });
    const customHeader = await browser.request(null, { rawBody: multipart(), headers: { 'content-type': '', 'sec-fetch-site': '', 'x-graphql-yoga-csrf': '1' } });
    expect(customHeader.body).toEqual({ data: { setKey: true } });
  });

  it('a mutation over GET is refused with 405 (Yoga) and not executed', async () => {
    const { browser, unchanged } = await victim();
    const url = `${server.url}?query=${encodeURIComponent(SET)}`;
    const response = await browser.request(null, { method: 'GET', url, headers: { 'content-type': '' } });
    expect(response.status).toBe(405);
    const logout = await browser.request(null, { method: 'GET', url: `${server.url}?query=${encodeURIComponent('mutation { logout }')}`, headers: { 'content-type': '' } });
    expect(logout.status).toBe(405);
    await unchanged();
  });

  it('queries are not refused cross-site (they cannot change the session)', async () => {
    const { browser } = await victim();
    const response = await browser.request(null, { method: 'GET', url: `${server.url}?query=${encodeURIComponent(KEYS)}`, headers: { 'content-type': '', 'sec-fetch-site': 'cross-site' } });
    expect(response.body).toEqual({ data: { keys: [] } });
  });

  it('in a batch, a refused mutation does not stop the queries beside it', async () => {
    const browser = new Browser(server);
    const response = await browser.request([{ query: SESSION }, { query: SET }], { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(response.body[0].data.session.userId).toBeNull();
    expect(response.body[1].errors[0].extensions).toEqual({ code: 'FORBIDDEN' });
  });

  it('a listed origin (allowedOrigins) may send mutations', async () => {
    const browser = new Browser(listed);
    const response = await browser.gql(SET, undefined, { origin: 'https://app.example.com', 'sec-fetch-site': 'same-site' });
    expect(response.body).toEqual({ data: { setKey: true } });
    expectForbidden(await browser.gql(SET, undefined, { origin: 'https://other.example.com', 'sec-fetch-site': 'same-site' }));
  });
});
