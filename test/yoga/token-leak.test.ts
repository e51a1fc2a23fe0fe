import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, LOGIN, login, startServer, type GraphQLResponse, type TestServer } from '../helpers/yoga-app.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ config: { maxDataBytes: 256 } });
});
afterAll(() => server.close());

/** Every response of the run, and every token any Set-Cookie issued. */
const responses: { label: string; response: GraphQLResponse }[] = [];
const tokens = new Set<string>();

/** Records a response and the tokens its Set-Cookie headers issued. */
function record(label: string, response: GraphQLResponse): GraphQLResponse {
  responses.push({ label, response });
  for (const cookie of response.headers.getSetCookie()) {
    const value = /^sid=([^;]*)/.exec(cookie)?.[1];
    if (value) tokens.add(value);
  }
  return response;
}

/** The forms token material can take: the whole token, its secret half, and the secret's SHA-256 as stored. */
function materials(): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const secret = token.split('.')[1] as string;
    out.push(token, secret, createHash('sha256').update(secret).digest('base64url'));
  }
  return out;
}

/** Everything a client can read except the Set-Cookie header itself. */
function readable(response: GraphQLResponse): string {
  const headers = [...response.headers].filter(([name]) => name.toLowerCase() !== 'set-cookie').map(([name, value]) => `${name}: ${value}`);
  return `${headers.join('\n')}\n\n${response.text}`;
}

describe('no token material in any response body or header', () => {
  it('runs every session query and mutation (successes and errors) and finds no token, secret or secret hash', async () => {
    const alice = new Browser(server);
    const other = new Browser(server);
    const bob = new Browser(server);
    const gql = async (browser: Browser, label: string, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
      record(label, await browser.gql(query, variables, headers));

    await gql(alice, 'anonymous session', `query { session { id userId authenticatedAt expiresAt } }`);
    await gql(alice, 'anonymous write', `mutation { addToCart(item: "apple") }`);
    record('login alice', await login(alice));
    record('login alice elsewhere', await login(other));
    record('login bob', await login(bob, 'bob'));
    await gql(alice, 'bad login', LOGIN, { username: 'alice', password: 'nope' });
    await gql(alice, 'session', `query { session { id userId authenticatedAt expiresAt } }`);
    await gql(alice, 'cart + keys', `query { cart keys }`);
    const listed = await gql(alice, 'mySessions', `query { mySessions { id current createdAt lastSeenAt userAgent } }`);
    await gql(alice, 'rotate', `mutation { rotateSession { id userId authenticatedAt expiresAt } }`);
    await gql(alice, 'rotate again', `mutation { rotateSession { id userId authenticatedAt expiresAt } }`);
    await gql(alice, 'too large', `mutation { addToCart(item: "${'x'.repeat(300)}") }`);
    await gql(alice, 'csrf refused', `mutation { logout }`, undefined, { 'sec-fetch-site': 'cross-site' });
    await gql(alice, 'failing mutation', `mutation { boom }`);
    const bobId = ((await bob.gql(`query { session { id } }`)).body.data.session.id as string) ?? '';
    await gql(alice, "revoke bob's (refused)", `mutation R($id: ID!) { revokeSession(id: $id) }`, { id: bobId });
    const otherId = (listed.body.data.mySessions as { id: string; current: boolean }[]).find((row) => !row.current)?.id ?? '';
    await gql(alice, 'revoke other', `mutation R($id: ID!) { revokeSession(id: $id) }`, { id: otherId });
    await gql(bob, 'revoke others', `mutation { revokeOtherSessions }`);
    await gql(alice, 'introspection', `query { __schema { types { name fields { name } } } }`);
    await gql(alice, 'logout', `mutation { logout }`);
    await gql(alice, 'after logout', `query { session { id userId } mySessions { id } }`);

    expect(tokens.size).toBeGreaterThanOrEqual(6);
    const secrets = materials();
    const leaks: string[] = [];
    for (const { label, response } of responses) {
      const text = readable(response);
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${label}: ${secret.slice(0, 6)}…`);
    }
    expect(leaks).toEqual([]);
    // Control: the scan does find material where it legitimately is (the Set-Cookie header).
    const setCookies = responses.flatMap(({ response }) => response.headers.getSetCookie()).join('\n');
    expect(secrets.filter((secret) => setCookies.includes(secret)).length).toBeGreaterThanOrEqual(tokens.size * 2);
  });

  it('the schema has no field that could carry a token, secret, hash or raw data', async () => {
    const response = await new Browser(server).gql(`query { __schema { types { name fields { name } inputFields { name } } } }`);
    const names = (response.body.data.__schema.types as { name: string; fields: { name: string }[] | null }[])
      .filter((type) => ['SessionInfo', 'SessionSummary', 'Query', 'Mutation'].includes(type.name))
      .flatMap((type) => (type.fields ?? []).map((field) => `${type.name}.${field.name}`));
    expect(names.filter((name) => /token|secret|hash|data|cookie/i.test(name))).toEqual([]);
  });
});
