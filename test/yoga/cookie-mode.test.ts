import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieSessions } from '../../src/index.js';
import { ADD, Browser, CART, SECRET, SESSION, login, startServer, type AppData, type TestServer } from '../helpers/yoga-app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ manager: cookieSessions<AppData>({ secrets: [SECRET] }) });
});
afterAll(() => server.close());

describe('useSessions with cookieSessions() (data sealed in the cookie, no store)', () => {
  it('keeps the cart through login and logout with the same plugin and resolvers', async () => {
    const browser = new Browser(server);
    await browser.gql(ADD, { item: 'apple' });
    expect(await browser.token('session')).toBeTruthy();
    const signedIn = await login(browser);
    expect(signedIn.body.data.login.userId).toBe('user-alice');
    expect((await browser.gql(CART)).body).toEqual({ data: { cart: ['apple'] } });
    expect((await browser.gql(/* GraphQL */ `mutation { logout }`)).body).toEqual({ data: { logout: true } });
    expect((await browser.gql(SESSION)).body.data.session.userId).toBeNull();
  });

  it('listing needs a store: a server-side configuration error, masked for every caller', async () => {
    const browser = new Browser(server);
    expect((await browser.gql(/* GraphQL */ `query { mySessions { id } }`)).body.errors[0]).toMatchObject({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    await login(browser);
    const response = await browser.gql(/* GraphQL */ `query { mySessions { id } }`);
    expect(response.body.errors[0].message).toBe('Unexpected error.');
  });
});
