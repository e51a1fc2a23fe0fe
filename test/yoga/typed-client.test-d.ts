import { describe, expectTypeOf, it } from 'vitest';
import {
  LoginMutation,
  LogoutMutation,
  MySessionsQuery,
  RevokeOtherSessionsMutation,
  RevokeSessionMutation,
  RotateSessionMutation,
  SessionQuery,
  createSessionClient,
  type ResultOf,
  type VariablesOf,
} from '../../examples/yoga/client.js';
import type { introspection } from '../../examples/yoga/graphql-env.js';

describe('gql.tada types from schema/session.graphql', () => {
  it('types query results, with null fields for anonymous sessions and DateTime as a string', () => {
    expectTypeOf<ResultOf<typeof SessionQuery>>().toEqualTypeOf<{
      session: { id: string | null; userId: string | null; authenticatedAt: string | null; expiresAt: string | null };
    }>();
    expectTypeOf<ResultOf<typeof MySessionsQuery>>().toEqualTypeOf<{
      mySessions: { id: string; current: boolean; createdAt: string; lastSeenAt: string; userAgent: string | null }[];
    }>();
  });

  it('types mutation variables and results', () => {
    expectTypeOf<VariablesOf<typeof LoginMutation>>().toEqualTypeOf<{ input: { username: string; password: string } }>();
    expectTypeOf<ResultOf<typeof LoginMutation>>().toEqualTypeOf<{
      login: { id: string | null; userId: string | null; authenticatedAt: string | null; expiresAt: string | null };
    }>();
    expectTypeOf<ResultOf<typeof LogoutMutation>>().toEqualTypeOf<{ logout: boolean }>();
    expectTypeOf<ResultOf<typeof RotateSessionMutation>>().toEqualTypeOf<{ rotateSession: { id: string | null; userId: string | null; expiresAt: string | null } }>();
    expectTypeOf<VariablesOf<typeof RevokeSessionMutation>>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<ResultOf<typeof RevokeSessionMutation>>().toEqualTypeOf<{ revokeSession: boolean }>();
    expectTypeOf<ResultOf<typeof RevokeOtherSessionsMutation>>().toEqualTypeOf<{ revokeOtherSessions: number }>();
  });

  it('the schema exposes no token, secret or hash to select', () => {
    expectTypeOf<keyof introspection['types']['SessionInfo']['fields']>().toEqualTypeOf<'id' | 'userId' | 'authenticatedAt' | 'expiresAt'>();
    expectTypeOf<keyof introspection['types']['SessionSummary']['fields']>().toEqualTypeOf<'id' | 'current' | 'createdAt' | 'lastSeenAt' | 'userAgent'>();
  });

  it('the client checks variables and infers results', () => {
    const client = createSessionClient('/graphql');
    expectTypeOf(client.execute(SessionQuery)).resolves.toHaveProperty('data').toEqualTypeOf<ResultOf<typeof SessionQuery> | null>();
    // @ts-expect-error login needs its input
    void client.execute(LoginMutation);
    // @ts-expect-error password must be a string
    void client.execute(LoginMutation, { input: { username: 'ada', password: 1 } });
  });
});
