import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga, type YogaServerOptions } from 'graphql-yoga';
import { createSessions, memoryStore, SessionError, type SessionManager, type Sessions, type SessionsConfig, type Store } from '../../src/index.js';
import { createSessionResolvers, sessionTypeDefs, useSessions, type SessionContext } from '../../src/adapters/yoga/index.js';
import { browser } from './cookie-jar.js';

export const SECRET = 'yoga-test-secret-that-is-at-least-32-bytes!';

export type AppData = { cart: string[]; [key: string]: unknown };

/** The app's own schema, merged with the session schema as an app would. */
const appTypeDefs = /* GraphQL */ `
  type Query {
    cart: [String!]!
    keys: [String!]!
    hello: String!
    sneakyWrite: Boolean!
    broken: String!
  }
  type Mutation {
    addToCart(item: String!): [String!]!
    setKey(key: String!, value: String!): Boolean!
    boom: Boolean!
    ping: Boolean!
    sensitive: Boolean!
    setLater(key: String!, value: String!): Boolean!
  }
`;

type Ctx = SessionContext<AppData>;

const appResolvers = {
  Query: {
    cart: async (_: unknown, __: unknown, ctx: Ctx) => (await ctx.session()).get('cart') ?? [],
    keys: async (_: unknown, __: unknown, ctx: Ctx) => (await ctx.session()).keys(),
    hello: () => 'world',
    /** A query that reads the session and then fails. */
    broken: async (_: unknown, __: unknown, ctx: Ctx) => {
      (await ctx.session()).get('cart');
      throw new Error('broken query');
    },
    /** A query that writes: over GET the core refuses the write where it is made. */
    sneakyWrite: async (_: unknown, __: unknown, ctx: Ctx) => {
      (await ctx.session()).set('sneaky', 'yes');
      return true;
    },
  },
  Mutation: {
    addToCart: async (_: unknown, args: { item: string }, ctx: Ctx) => (await ctx.session()).update('cart', (cart = []) => [...cart, args.item]),
    setKey: async (_: unknown, args: { key: string; value: string }, ctx: Ctx) => {
      (await ctx.session()).set(args.key, args.value);
      return true;
    },
    /** Writes, then fails: its change must be discarded. */
    boom: async (_: unknown, __: unknown, ctx: Ctx) => {
      (await ctx.session()).set('boom', 'should not persist');
      throw new Error('kaboom');
    },
    /** An app mutation that never touches the session: the CSRF rule still applies. */
    ping: () => true,
    /** Writes, then yields to the event loop a few times before it returns (lets siblings interleave). */
    setLater: async (_: unknown, args: { key: string; value: string }, ctx: Ctx) => {
      (await ctx.session()).set(args.key, args.value);
      for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      return true;
    },
    /** Step-up: needs a sign-in within the last 5 minutes. */
    sensitive: async (_: unknown, __: unknown, ctx: Ctx) => {
      (await ctx.session()).requireRecentAuth('5m');
      return true;
    },
  },
};

export const USERS: Readonly<Record<string, { password: string; id: string }>> = {
  alice: { password: 'correct horse', id: 'user-alice' },
  bob: { password: 'battery staple', id: 'user-bob' },
};

export interface TestServer {
  readonly url: string;
  readonly origin: string;
  readonly sessions: Sessions<AppData>;
  close(): Promise<void>;
}

export interface ServerOptions {
  readonly store?: Store;
  /** Another manager (e.g. `cookieSessions()`); `sessions` of the result is then the one from `createSessions`, unused. */
  readonly manager?: SessionManager<AppData>;
  readonly config?: Partial<SessionsConfig<AppData>>;
  readonly yoga?: Partial<Pick<YogaServerOptions<object, object>, 'cors' | 'batching'>>;
}

/** Yoga on node:http on 127.0.0.1 (plain http to a loopback host: the development cookie). */
export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const sessions = createSessions<AppData>({ store: options.store ?? memoryStore(), secrets: [SECRET], ...options.config });
  const sessionResolvers = createSessionResolvers<AppData>({
    authenticate: ({ username, password }) => {
      if (username === 'throttled') throw new SessionError('RATE_LIMITED', 'too many sign-in attempts; try again later');
      const user = USERS[username];
      return user && user.password === password ? { id: user.id } : null;
    },
  });
  const yoga = createYoga<object, Ctx>({
    schema: createSchema<Ctx>({ typeDefs: [sessionTypeDefs, appTypeDefs], resolvers: [sessionResolvers, appResolvers] }),
    batching: true,
    logging: false,
    plugins: [useSessions(options.manager ?? sessions)],
    ...options.yoga,
  });
  // Yoga's request listener answers through the response; its promise only says when it is done.
  const server: Server = createServer((request, response) => void yoga.requestListener(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/graphql`,
    origin,
    sessions,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export interface GraphQLResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON, inspected ad hoc by the tests (test-only `any`). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  readonly body: any;
}

/**
 * A browser stand-in on the tests' one cookie jar (`test/helpers/cookie-jar.ts`, RFC 6265
 * through tough-cookie) that by default sends the headers a same-origin page's `fetch`
 * sends (Origin, Sec-Fetch-Site, JSON body). A header given as `''` is not sent.
 */
export class Browser {
  readonly #browser = browser();
  readonly jar = this.#browser.jar;
  constructor(readonly server: TestServer) {}

  async request(body: unknown, init: { headers?: Record<string, string>; method?: string; rawBody?: BodyInit; url?: string } = {}): Promise<GraphQLResponse> {
    const url = init.url ?? this.server.url;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      origin: this.server.origin,
      'sec-fetch-site': 'same-origin',
      'user-agent': 'TestBrowser/1.0',
      ...init.headers,
    };
    for (const [name, value] of Object.entries(headers)) if (value === '') delete headers[name];
    const method = init.method ?? 'POST';
    const response = await this.#browser.fetch(url, {
      method,
      headers,
      ...(method === 'GET' ? {} : { body: init.rawBody ?? JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  gql(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse> {
    return this.request({ query, ...(variables ? { variables } : {}) }, headers ? { headers } : {});
  }

  /** The session cookie's value in the jar, or null. */
  async token(name = 'sid'): Promise<string | null> {
    const cookies = await this.jar.getCookies(this.server.url);
    return cookies.find((cookie) => cookie.key === name)?.value ?? null;
  }

  /** Replaces the session cookie (to replay an old or tampered token). */
  async setToken(value: string): Promise<void> {
    await this.jar.setCookie(`sid=${value}; Path=/; HttpOnly; SameSite=Lax`, this.server.url);
  }
}

export const LOGIN = /* GraphQL */ `
  mutation Login($username: String!, $password: String!) {
    login(input: { username: $username, password: $password }) { id userId authenticatedAt expiresAt }
  }
`;
export const SESSION = /* GraphQL */ `query { session { id userId authenticatedAt expiresAt } }`;
export const ADD = /* GraphQL */ `mutation Add($item: String!) { addToCart(item: $item) }`;
export const CART = /* GraphQL */ `query { cart }`;

export async function login(browser: Browser, username = 'alice'): Promise<GraphQLResponse> {
  const user = USERS[username];
  if (!user) throw new Error(`no such test user ${username}`);
  return browser.gql(LOGIN, { username, password: user.password });
}
