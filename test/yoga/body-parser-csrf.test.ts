// Security audit finding: a body parser in front of Yoga (Express's urlencoded, here) makes
// @whatwg-node/server hand Yoga a fetch Request relabelled `application/json`, so a CSRF rule
// that read the fetch request's Content-Type would take a cross-site form POST for a
// preflighted JSON request. The plugin opens the session scope on the original Node request.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterEach, describe, expect, it } from 'vitest';
import { createSessions, memoryStore } from '../../src/index.js';
import { useSessions, type SessionContext } from '../../src/adapters/yoga/index.js';

const SECRET = 'body-parser-test-secret-at-least-32-bytes!';
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => (server.close(resolve), server.closeAllConnections()))));
});

/** Express with a form body parser in front of Yoga; records the Content-Type Yoga's fetch request carried. */
async function start(): Promise<{ url: string; seen: string[]; writes: string[] }> {
  const seen: string[] = [];
  const writes: string[] = [];
  const sessions = createSessions({ store: memoryStore(), secrets: [SECRET] });
  const yoga = createYoga<object, SessionContext>({
    schema: createSchema<SessionContext>({
      typeDefs: 'type Query { hello: String } type Mutation { transfer(to: String!): Boolean! }',
      resolvers: {
        Mutation: {
          transfer: (_: unknown, args: { to: string }, ctx: SessionContext & { request: Request }) => {
            seen.push(ctx.request.headers.get('content-type') ?? '');
            writes.push(args.to);
            return true;
          },
        },
      },
    }),
    plugins: [useSessions(sessions)],
    logging: false,
  });
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(yoga.graphqlEndpoint, yoga);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, seen, writes };
}

/** What a cross-site HTML form can send without a preflight: form-encoded, no custom header, no Fetch metadata. */
function formPost(url: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=mutation%20%7B%20transfer(to%3A%20%22mallory%22)%20%7D' });
}

describe('a body parser in front of Yoga does not defeat the simple-body CSRF rule', () => {
  it('a form-encoded mutation is refused (CSRF) although Yoga saw it relabelled as JSON', async () => {
    const { url, writes } = await start();
    const response = await formPost(url);
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(writes).toEqual([]);
  });

  it('control: the fetch request Yoga executes says application/json, so a rule reading it would let the form through', async () => {
    const { url, seen, writes } = await start();
    // The same mutation, preflighted as a real client would (custom header): it runs, and shows
    // what Content-Type Yoga's own request carries behind the body parser.
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-graphql-yoga-csrf': '1' },
      body: 'query=mutation%20%7B%20transfer(to%3A%20%22bob%22)%20%7D',
    });
    expect(response.status).toBe(200);
    expect(writes).toEqual(['bob']);
    expect(seen[0]).toContain('application/json');
  });
});
