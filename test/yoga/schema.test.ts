import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLError } from 'graphql';
import { createSchema } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { createSessionResolvers, DateTimeScalar, sessionTypeDefs, toGraphQLError } from '../../src/adapters/yoga/index.js';
import { SessionError, type SessionErrorCode } from '../../src/index.js';

const file = readFileSync(new URL('../../schema/session.graphql', import.meta.url), 'utf8');

describe('schema/session.graphql', () => {
  it('sessionTypeDefs is the file, byte for byte', () => {
    expect(sessionTypeDefs).toBe(file);
  });

  it('is valid SDL with the fields the issue names, and DateTime is a scalar', () => {
    const schema = buildSchema(file);
    const fields = (name: string) => Object.keys((schema.getType(name) as unknown as { getFields(): object }).getFields()).sort();
    expect(fields('Query')).toEqual(['mySessions', 'session']);
    expect(fields('Mutation')).toEqual(['login', 'logout', 'revokeOtherSessions', 'revokeSession', 'rotateSession']);
    expect(fields('SessionInfo')).toEqual(['authenticatedAt', 'expiresAt', 'id', 'userId']);
    expect(fields('SessionSummary')).toEqual(['createdAt', 'current', 'id', 'lastSeenAt', 'userAgent']);
    expect(fields('LoginInput')).toEqual(['password', 'username']);
    expect(String(schema.getMutationType()?.getFields()['login']?.type)).toBe('SessionInfo!');
    expect(String(schema.getQueryType()?.getFields()['mySessions']?.type)).toBe('[SessionSummary!]!');
  });

  it("merges with the app's own Query and Mutation types through createSchema's arrays", () => {
    const schema = createSchema({
      typeDefs: [sessionTypeDefs, 'type Query { hello: String! } type Mutation { ping: Boolean! }'],
      resolvers: [createSessionResolvers({ authenticate: () => null }), { Query: { hello: () => 'hi' }, Mutation: { ping: () => true } }],
    });
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).sort()).toEqual(['hello', 'mySessions', 'session']);
    expect(Object.keys(schema.getMutationType()?.getFields() ?? {}).sort()).toEqual(['login', 'logout', 'ping', 'revokeOtherSessions', 'revokeSession', 'rotateSession']);
    expect(schema.getType('DateTime')?.toString()).toBe('DateTime');
  });
});

describe('DateTime', () => {
  it('serialises a Date as an ISO 8601 string and parses one back', () => {
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)))).toBe('2026-01-02T03:04:05.006Z');
    expect(DateTimeScalar.parseValue('2026-01-02T03:04:05.006Z')).toEqual(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)));
    expect(() => DateTimeScalar.parseValue('yesterday')).toThrow(GraphQLError);
    expect(() => DateTimeScalar.serialize('2026-01-01')).toThrow(GraphQLError);
  });
});

describe('toGraphQLError: the error table', () => {
  const table: [SessionErrorCode, Record<string, unknown>, number][] = [
    ['UNAUTHENTICATED', { code: 'UNAUTHENTICATED' }, 401],
    ['CSRF_REJECTED', { code: 'FORBIDDEN' }, 403],
    ['REAUTH_REQUIRED', { code: 'FORBIDDEN', reason: 'REAUTH_REQUIRED' }, 403],
    ['DATA_TOO_LARGE', { code: 'PAYLOAD_TOO_LARGE' }, 413],
    ['SESSION_INTERRUPTED', { code: 'CONFLICT', reason: 'SESSION_INTERRUPTED' }, 409],
    ['RATE_LIMITED', { code: 'TOO_MANY_REQUESTS' }, 429],
    ['STORE_FAILURE', { code: 'INTERNAL_SERVER_ERROR' }, 500],
    ['SESSION_CLOSED', { code: 'INTERNAL_SERVER_ERROR' }, 500],
  ];
  for (const [code, extensions, status] of table) {
    it(`${code} → ${String(extensions['code'])} (${status})`, () => {
      const error = toGraphQLError(new SessionError(code, `detail of ${code}`));
      expect(error.extensions).toEqual({ ...extensions, http: { status } });
      expect(error.message).toBe(status === 500 ? 'Unexpected error.' : `detail of ${code}`);
    });
  }
});
